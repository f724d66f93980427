"""The candidates GeoPackage: a ``candidates`` layer and a ``runs`` table with each run's full
provenance. A new run over an overlapping extent merges by IoU: a candidate that is already there
keeps its id and every review field; only detection attributes are refreshed (and its geometry,
while nobody has reviewed it)."""

from __future__ import annotations

import json
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from rasterio.crs import CRS
from rasterio.warp import transform_geom
from shapely.geometry import mapping, shape
from shapely.ops import unary_union
from shapely.strtree import STRtree

from .. import about
from ..engine.raster import crs_label
from ..engine.vectorize import Vectorized
from ..errors import OutputError
from ..outputs import atomic_file
from .gpkg import (
    add_missing_columns,
    connect,
    create_attribute_table,
    create_feature_table,
    decode_geometry,
    encode_geometry,
    ensure_srs,
    table_exists,
    table_srs,
    transaction,
    update_extent,
)

LAYER = "candidates"
RUNS = "runs"
DETECTION_COLUMNS = [
    ("candidate_id", "TEXT NOT NULL UNIQUE"),
    ("max_prob", "REAL"),
    ("mean_prob", "REAL"),
    ("area_m2", "REAL"),
    ("perimeter_m", "REAL"),
    ("nodata_frac", "REAL"),
    ("touches_extent_edge", "BOOLEAN"),
    ("dates_detected", "TEXT"),
    ("model_name", "TEXT"),
    ("model_version", "TEXT"),
    ("model_sha256", "TEXT"),
    ("threshold", "REAL"),
    ("mosaic_ids", "TEXT"),
    ("mosaic_dates", "TEXT"),
    ("run_id", "TEXT"),
    ("first_run_id", "TEXT"),
    ("created_at", "DATETIME"),
    ("updated_at", "DATETIME"),
    ("plugin_version", "TEXT"),
]
# How the slump changed across the dates of a run (core.change; rows per date in candidate_dates)
CHANGE_COLUMNS = [
    ("first_date_seen", "TEXT"),
    ("growth_m2_per_yr", "REAL"),
    ("area_first_m2", "REAL"),
    ("area_last_m2", "REAL"),
    ("dates_observed", "INTEGER"),
]
# Reserved for the review workflow; a run never writes them.
REVIEW_COLUMNS = [
    ("status", "TEXT NOT NULL DEFAULT 'unreviewed'"),
    ("reviewer", "TEXT"),
    ("reviewed_at", "DATETIME"),
    ("reject_reason", "TEXT"),
    ("confidence", "TEXT"),
    ("activity", "TEXT"),
    ("initiation_period", "TEXT"),
    ("criteria", "TEXT"),
    ("notes", "TEXT"),
    ("edited", "BOOLEAN DEFAULT 0"),
    ("first_date_seen_reviewer", "TEXT"),  # the reviewer's correction; first_date_seen stays the model's
]
RUN_COLUMNS = [
    ("run_id", "TEXT PRIMARY KEY"),
    ("created_at", "DATETIME"),
    ("plugin_version", "TEXT"),
    ("model_name", "TEXT"),
    ("model_version", "TEXT"),
    ("model_sha256", "TEXT"),
    ("model_path", "TEXT"),
    ("device", "TEXT"),
    ("mosaics", "TEXT"),
    ("dates", "TEXT"),
    ("extent", "TEXT"),
    ("crs", "TEXT"),
    ("threshold", "REAL"),
    ("min_area_m2", "REAL"),
    ("band", "TEXT"),
    ("probability_raster", "TEXT"),
    ("candidates_found", "INTEGER"),
    ("candidates_new", "INTEGER"),
    ("candidates_updated", "INTEGER"),
    ("seconds", "REAL"),
    ("parameters", "TEXT"),
]


@dataclass
class MergeStats:
    run_id: str
    found: int
    inserted: int
    updated: int
    merged: int = 0  # unreviewed candidates of one place folded into one


def now_iso() -> str:
    """GeoPackage DATETIME: ISO 8601 in UTC with milliseconds."""
    now = datetime.now(timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def _iou(a, b) -> float:
    inter = a.intersection(b).area
    union = a.area + b.area - inter
    return inter / union if union > 0 else 0.0


class CrsMismatchError(OutputError):
    """The candidates file holds another CRS than the run: the caller decides, never silently."""

    def __init__(self, path: Path, file_crs: CRS, run_crs: CRS) -> None:
        self.path, self.file_crs, self.run_crs = path, file_crs, run_crs
        super().__init__(f"{path.name} holds candidates in {crs_label(file_crs)} but this run is in "
                         f"{crs_label(run_crs)}.",
                         "Write this area's candidates to their own GeoPackage, or reproject them into this one on "
                         "purpose (--into-file-crs).")


def file_crs(gpkg_path: str | Path) -> CRS | None:
    """The CRS of the candidates in an existing GeoPackage (None when it has none yet)."""
    path = Path(gpkg_path)
    if not path.is_file():
        return None
    conn = connect(path, create=False)
    try:
        if not table_exists(conn, LAYER):
            return None
        return CRS.from_wkt(table_srs(conn, LAYER)[1])
    finally:
        conn.close()


def write_candidates(gpkg_path: str | Path, result: Vectorized, run: dict, min_overlap: float = 0.3,
                     replace_run_id: str | None = None, reproject: bool = False) -> MergeStats:
    """Merge ``result`` into the GeoPackage in one transaction and record the run. A file that
    holds another CRS raises CrsMismatchError unless ``reproject`` (then the new polygons are
    transformed into the file's CRS).

    One place, one candidate: a detection that covers at least ``min_overlap`` of the smaller of
    itself and a candidate already in the file is that candidate (runs at other thresholds, areas
    or models find the same slump with other outlines). A decided candidate keeps its decision and
    outline, and only a part of the detection well outside it (at least the run's minimum area and
    a third of the detection) becomes a new candidate; unreviewed ones of the same place merge
    into one, which takes the new outline.

    ``replace_run_id``: a re-vectorisation of that run (new threshold or minimum area): the
    unreviewed candidates it last wrote are replaced instead of merged, so polygons that no longer
    pass vanish; reviewed ones are never deleted.
    """
    path = Path(gpkg_path)
    if not path.exists():  # a new file is built under a temporary name and appears only when complete
        with atomic_file(path, "candidates GeoPackage") as tmp:
            return _merge(path, tmp, result, run, min_overlap, replace_run_id, reproject)
    return _merge(path, path, result, run, min_overlap, replace_run_id, reproject)  # one transaction


def _merge(path: Path, db: Path, result: Vectorized, run: dict, min_overlap: float, replace_run_id: str | None,
           reproject: bool) -> MergeStats:
    """write_candidates into the GeoPackage at ``db``: ``path`` itself, or its temporary name while it is new."""
    conn = connect(db)
    run_id = run.get("run_id") or str(uuid.uuid4())
    created = now_iso()
    try:
        with transaction(conn, path):
            if not table_exists(conn, LAYER):
                srs_id = ensure_srs(conn, result.epsg, result.crs_wkt)
                create_feature_table(conn, LAYER, DETECTION_COLUMNS + CHANGE_COLUMNS + REVIEW_COLUMNS, "POLYGON",
                                     srs_id)
                conn.execute(f'CREATE INDEX "{LAYER}_status" ON "{LAYER}" (status)')
            else:
                add_missing_columns(conn, LAYER, DETECTION_COLUMNS + CHANGE_COLUMNS + REVIEW_COLUMNS)
            if not table_exists(conn, RUNS):
                create_attribute_table(conn, RUNS, RUN_COLUMNS)
            srs_id, table_wkt = table_srs(conn, LAYER)
            src_crs, dst_crs = CRS.from_wkt(result.crs_wkt), CRS.from_wkt(table_wkt)
            geoms = [c.geometry for c in result.candidates]
            if src_crs != dst_crs:  # the file was started by a run in another CRS
                if not reproject:  # never silently: a UTM zone 90° away distorts everything
                    raise CrsMismatchError(path, dst_crs, src_crs)
                geoms = [shape(transform_geom(src_crs, dst_crs, mapping(g))) for g in geoms]

            if replace_run_id:
                # everything that run last touched and nobody has reviewed is re-derived from it
                conn.execute(f'DELETE FROM "{LAYER}" WHERE run_id = ? AND status = ?', (replace_run_id, "unreviewed"))
            index = _Index([(fid, decode_geometry(blob), status) for fid, blob, status in
                            conn.execute(f'SELECT fid, geom, status FROM "{LAYER}"')])
            dates = ",".join(result.meta.get("dates", []))
            mosaic_ids = json.dumps([m.get("path") for m in result.meta.get("mosaics", [])])
            model = result.meta.get("model", {})
            min_area = float(run.get("min_area_m2") or 0.0)
            inserted = updated = merged = 0
            for cand, geom in zip(result.candidates, geoms):
                a = cand.attributes
                values = {
                    "max_prob": a["max_prob"], "mean_prob": a["mean_prob"], "area_m2": a["area_m2"],
                    "perimeter_m": a["perimeter_m"], "nodata_frac": a["nodata_frac"],
                    "touches_extent_edge": int(a["touches_extent_edge"]), "dates_detected": a["dates_detected"],
                    "model_name": model.get("name"), "model_version": model.get("version"),
                    "model_sha256": model.get("sha256"), "threshold": run.get("threshold"),
                    "mosaic_ids": mosaic_ids, "mosaic_dates": dates, "run_id": run_id, "updated_at": created,
                    "plugin_version": about.version(),
                }
                # 1. A place already decided keeps its decision and outline and is not offered again;
                #    only what lies well outside it (a genuinely new part) goes on as a candidate.
                decided = index.overlapping(geom, min_overlap, reviewed=True)
                if decided:
                    best = max(decided, key=lambda row: _iou(geom, row[1]))
                    _update(conn, best[0], values)
                    updated += 1
                    geom = _new_part(geom, [row[1] for row in decided], min_area)
                    if geom is None:
                        continue
                    values = {**values, "area_m2": geom.area, "perimeter_m": geom.length}
                # 2. Unreviewed candidates of the same place become one: the best match takes the new
                #    outline and keeps its id, the others (nobody has looked at them) merge into it.
                same = index.overlapping(geom, min_overlap, reviewed=False)
                if same:
                    keep = max(same, key=lambda row: _iou(geom, row[1]))
                    _update(conn, keep[0], {**values, "geom": encode_geometry(geom, srs_id)})
                    index.replace(keep[0], geom)
                    for fid, _, _ in same:
                        if fid != keep[0]:
                            conn.execute(f'DELETE FROM "{LAYER}" WHERE fid = ?', (fid,))
                            index.remove(fid)
                            merged += 1
                    if not decided:
                        updated += 1
                    continue
                values.update(geom=encode_geometry(geom, srs_id), candidate_id=a["candidate_id"],
                              first_run_id=run_id, created_at=created)
                cols = ", ".join(f'"{k}"' for k in values)
                marks = ", ".join("?" for _ in values)
                try:
                    cur = conn.execute(f'INSERT INTO "{LAYER}" ({cols}) VALUES ({marks})', tuple(values.values()))
                except sqlite3.IntegrityError:  # same position, below the overlap bar: keep one id
                    values["candidate_id"] = str(uuid.uuid4())
                    cur = conn.execute(f'INSERT INTO "{LAYER}" ({cols}) VALUES ({marks})', tuple(values.values()))
                index.add(cur.lastrowid, geom, "unreviewed")
                inserted += 1
            update_extent(conn, LAYER)
            record = {
                "run_id": run_id, "created_at": created, "plugin_version": about.version(),
                "model_name": model.get("name"), "model_version": model.get("version"),
                "model_sha256": model.get("sha256"), "model_path": model.get("path"),
                "device": model.get("device"), "mosaics": json.dumps(result.meta.get("mosaics", [])),
                "dates": json.dumps(result.meta.get("dates", [])), "extent": json.dumps(run.get("extent")),
                "crs": result.crs_wkt, "threshold": run.get("threshold"), "min_area_m2": run.get("min_area_m2"),
                "band": result.band, "probability_raster": str(run.get("probability_raster", "")),
                "candidates_found": len(result.candidates), "candidates_new": inserted,
                "candidates_updated": updated, "seconds": run.get("seconds"),
                "parameters": json.dumps(run.get("parameters", {}), default=str),
            }
            cols = ", ".join(f'"{k}"' for k in record)
            conn.execute(f'INSERT INTO "{RUNS}" ({cols}) VALUES ({", ".join("?" for _ in record)})',
                         tuple(record.values()))
    finally:
        conn.close()
    return MergeStats(run_id, len(result.candidates), inserted, updated, merged)


def overlap(a, b) -> float:
    """The share of the smaller polygon that the two have in common (1 when one holds the other)."""
    smaller = min(a.area, b.area)
    return a.intersection(b).area / smaller if smaller > 0 else 0.0


class _Index:
    """The file's candidates during one merge: an STRtree over what was there, plus what this run
    changed (a handful), so that each detection sees the file as it is now."""

    def __init__(self, rows: list[tuple[int, object, str]]) -> None:
        self.rows = {fid: (fid, geom, status) for fid, geom, status in rows}
        self.order = [fid for fid, _, _ in rows]
        self.tree = STRtree([geom for _, geom, _ in rows]) if rows else None
        self.changed: set[int] = set()

    def overlapping(self, geom, min_overlap: float, reviewed: bool) -> list[tuple[int, object, str]]:
        near = {self.order[i] for i in self.tree.query(geom)} if self.tree is not None else set()
        near |= self.changed
        out = []
        for fid in near:
            row = self.rows.get(fid)
            if row is None or (row[2] != "unreviewed") != reviewed:
                continue
            if row[1].intersects(geom) and overlap(geom, row[1]) >= min_overlap:
                out.append(row)
        return sorted(out)

    def replace(self, fid: int, geom) -> None:
        self.rows[fid] = (fid, geom, self.rows[fid][2])
        self.changed.add(fid)

    def add(self, fid: int, geom, status: str) -> None:
        self.rows[fid] = (fid, geom, status)
        self.changed.add(fid)

    def remove(self, fid: int) -> None:
        self.rows.pop(fid, None)
        self.changed.discard(fid)


def _update(conn, fid: int, values: dict) -> None:
    sets = ", ".join(f'"{k}" = ?' for k in values)
    conn.execute(f'UPDATE "{LAYER}" SET {sets} WHERE fid = ?', (*values.values(), fid))


def _new_part(geom, decided: list, min_area: float):
    """The largest piece of ``geom`` outside the decided outlines, if it is a place of its own:
    at least ``min_area`` and a third of the detection (growth at a slump's edge is not)."""
    rest = geom.difference(unary_union(decided))
    pieces = [p for p in getattr(rest, "geoms", [rest]) if p.geom_type == "Polygon" and not p.is_empty]
    if not pieces:
        return None
    piece = max(pieces, key=lambda p: p.area)
    if piece.area < max(min_area, geom.area / 3):
        return None
    return piece


def run_dates(gpkg_path: str | Path) -> list[str]:
    """The imagery dates of every run that wrote into the file, sorted, each once."""
    conn = connect(gpkg_path, create=False)
    try:
        if not table_exists(conn, RUNS):
            return []
        found = set()
        for (text,) in conn.execute(f'SELECT dates FROM "{RUNS}"'):
            try:
                found.update(str(d) for d in json.loads(text or "[]") if d)
            except (ValueError, TypeError):
                continue
        return sorted(found)
    finally:
        conn.close()


def run_band_maps(gpkg_path: str | Path) -> dict[str, dict[str, int]]:
    """Mosaic path (resolved) → the band roles the newest run that read it used ({} for a file
    without runs): the review shows a Sentinel-2 stack in R,G,B order as the run read it."""
    conn = connect(gpkg_path, create=False)
    try:
        if not table_exists(conn, RUNS):
            return {}
        out: dict[str, dict[str, int]] = {}
        for (text,) in conn.execute(f'SELECT mosaics FROM "{RUNS}" ORDER BY created_at'):
            try:
                for m in json.loads(text or "[]"):
                    if isinstance(m, dict) and m.get("path") and isinstance(m.get("band_map"), dict):
                        out[str(Path(m["path"]).resolve())] = {k: int(v) for k, v in m["band_map"].items()}
            except (ValueError, TypeError):
                continue
        return out
    finally:
        conn.close()


def fill_imagery_dates(gpkg_path: str | Path, candidate_ids: list[str], dates: list[str]) -> int:
    """Give outlines drawn by hand the dates of the imagery they were drawn on (the ticked mosaics;
    with none ticked, the imagery of the runs that made the file), so that their ARTS BaseMapDate
    and UID name the imagery, not the day of the review. Only candidates without dates are
    changed; returns how many."""
    text = ",".join(d for d in dates if d) or ",".join(run_dates(gpkg_path))
    if not text or not candidate_ids:
        return 0
    path = Path(gpkg_path)
    conn = connect(path, create=False)
    try:
        with transaction(conn, path):
            marks = ", ".join("?" for _ in candidate_ids)
            cur = conn.execute(f'UPDATE "{LAYER}" SET mosaic_dates = ? WHERE candidate_id IN ({marks}) '
                               "AND (mosaic_dates IS NULL OR mosaic_dates = '')", (text, *candidate_ids))
            return cur.rowcount
    finally:
        conn.close()


def read_candidates(gpkg_path: str | Path) -> list[dict]:
    """Every candidate as a dict with a shapely ``geometry`` (for tests, the CLI and review)."""
    conn = connect(gpkg_path, create=False)
    try:
        cur = conn.execute(f'SELECT * FROM "{LAYER}" ORDER BY fid')
        names = [d[0] for d in cur.description]
        rows = []
        for row in cur:
            item = dict(zip(names, row))
            item["geometry"] = decode_geometry(item.pop("geom"))
            rows.append(item)
        return rows
    finally:
        conn.close()
