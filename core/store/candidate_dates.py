"""The ``candidate_dates`` layer of a candidates GeoPackage: one row per candidate and date (area,
mean probability, observed or not, that date's outline), and the growth summary on each candidate.
A new measurement of a candidate replaces its rows, in one transaction with its summary."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rasterio.crs import CRS
from rasterio.warp import transform_geom
from shapely.geometry import MultiPolygon, mapping, shape

from .candidates import CHANGE_COLUMNS, LAYER, RUNS, now_iso
from .gpkg import (
    add_missing_columns,
    connect,
    create_feature_table,
    decode_geometry,
    encode_geometry,
    table_exists,
    table_srs,
    transaction,
    update_extent,
)

DATES = "candidate_dates"
DATE_COLUMNS = [
    ("candidate_id", "TEXT NOT NULL"),
    ("date", "TEXT NOT NULL"),
    ("area_m2", "REAL"),  # NULL where not observed
    ("mean_prob", "REAL"),
    ("observed", "BOOLEAN"),
    ("hidden_frac", "REAL"),
    ("threshold", "REAL"),
    ("run_id", "TEXT"),  # the run whose probabilities were measured
    ("measured_at", "DATETIME"),
]


def write_change(gpkg_path: str | Path, result: Any, raster_crs: CRS, run_id: str | None) -> int:
    """Store ``result``, a core.change ChangeResult (outlines in ``raster_crs``; the change stage
    comes after the store on the data path, so it is not imported here); returns the candidates
    written."""
    path = Path(gpkg_path)
    conn = connect(path, create=False)
    try:
        with transaction(conn, path):
            srs_id, wkt = table_srs(conn, LAYER)
            file_crs = CRS.from_wkt(wkt)
            add_missing_columns(conn, LAYER, CHANGE_COLUMNS)  # a file of an earlier version
            if not table_exists(conn, DATES):
                create_feature_table(conn, DATES, DATE_COLUMNS, "MULTIPOLYGON", srs_id)
                conn.execute(f'CREATE INDEX "{DATES}_candidate" ON "{DATES}" (candidate_id)')
            else:
                add_missing_columns(conn, DATES, DATE_COLUMNS)
            stamp = now_iso()
            for change in result.changes:
                conn.execute(f'DELETE FROM "{DATES}" WHERE candidate_id = ?', (change.candidate_id,))
                for m in change.dates:
                    geom = None
                    if m.outline is not None:
                        outline = m.outline if file_crs == raster_crs else \
                            shape(transform_geom(raster_crs, file_crs, mapping(m.outline)))
                        if outline.geom_type == "Polygon":
                            outline = MultiPolygon([outline])
                        geom = encode_geometry(outline, srs_id) if not outline.is_empty else None
                    conn.execute(
                        f'INSERT INTO "{DATES}" (geom, candidate_id, date, area_m2, mean_prob, observed, hidden_frac, '
                        "threshold, run_id, measured_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (geom, change.candidate_id, m.date, _round(m.area_m2), _round(m.mean_prob, 3),
                         int(m.observed), round(m.hidden_frac, 3), result.threshold, run_id, stamp))
                g = change.growth
                conn.execute(
                    f'UPDATE "{LAYER}" SET first_date_seen = ?, growth_m2_per_yr = ?, area_first_m2 = ?, '
                    "area_last_m2 = ?, dates_observed = ? WHERE candidate_id = ?",
                    (g.first_date_seen, _round(g.growth_m2_per_yr), _round(g.area_first_m2), _round(g.area_last_m2),
                     g.dates_observed, change.candidate_id))
            update_extent(conn, DATES)
    finally:
        conn.close()
    return len(result.changes)


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(float(value), digits)


def read_candidate_dates(gpkg_path: str | Path, candidate_id: str | None = None) -> list[dict]:
    """Rows of ``candidate_dates`` (all, or one candidate's), in date order, each with a shapely
    ``geometry`` (None where that date had no outline); [] for a file never measured."""
    conn = connect(gpkg_path, create=False)
    try:
        if not table_exists(conn, DATES):
            return []
        sql = f'SELECT * FROM "{DATES}"' + (" WHERE candidate_id = ?" if candidate_id else "")
        cur = conn.execute(sql + " ORDER BY candidate_id, date", (candidate_id,) if candidate_id else ())
        names = [d[0] for d in cur.description]
        rows = []
        for row in cur:
            item = dict(zip(names, row))
            blob = item.pop("geom")
            item["geometry"] = decode_geometry(blob) if blob else None
            item["observed"] = bool(item["observed"])
            rows.append(item)
        return rows
    finally:
        conn.close()


def multidate_runs(gpkg_path: str | Path) -> list[dict]:
    """Runs of the file with two or more dates, newest first: run_id, probability_raster, dates."""
    conn = connect(gpkg_path, create=False)
    try:
        if not table_exists(conn, RUNS):
            return []
        out = []
        for run_id, raster, dates, min_area in conn.execute(
                f'SELECT run_id, probability_raster, dates, min_area_m2 FROM "{RUNS}" ORDER BY created_at DESC'):
            try:
                labels = json.loads(dates or "[]")
            except ValueError:
                labels = []
            if len(labels) >= 2:
                out.append({"run_id": run_id, "probability_raster": raster or "", "dates": labels,
                            "min_area_m2": min_area})
        return out
    finally:
        conn.close()
