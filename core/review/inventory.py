"""The curated inventory: accepted candidates written to their own GeoPackage, atomically
(temporary file, then rename), never over an existing file unless asked, with a QGIS style.

Attributes: first the ARTS community fields in ARTS's own order (CentroidLat, CentroidLon,
RegionName, CreatorLab, BaseMapDate, BaseMapSource, BaseMapResolution, TrainClass, LabelType,
MergedRTS, StabilizedRTS, ContributionDate, UID, BaseMapID, Area in m², Notes; UID by the ARTS
recipe, as in the positives layer), so the file merges into ARTS as it is; then the plugin's own:
id, area (ha), perimeter, confidence, activity, initiation period, criteria, reviewer(s) and
review dates, model provenance; with a line layer the distance to the nearest road or railway
and a flag within a distance (500 m by default, as in Xia et al.); with a DEM the mean
elevation, slope and aspect inside the outline; after a multi-date run, how it changed (first
date seen, the reviewer's correction over the model's; growth per year; first and last area) and,
in a layer of its own (rts_dates), its outline and area on every date of the run.
"""

from __future__ import annotations

import math
import os
import sqlite3
from dataclasses import replace
from pathlib import Path

import numpy as np
import rasterio
from rasterio import features
from rasterio.crs import CRS
from rasterio.warp import transform_geom
from rasterio.windows import Window, from_bounds
from shapely.geometry import mapping, shape
from shapely.strtree import STRtree

from ..errors import InputError, OutputError
from ..store.candidate_dates import read_candidate_dates
from ..store.candidates import LAYER, now_iso, read_candidates, run_dates
from ..store.gpkg import (
    connect,
    create_feature_table,
    encode_geometry,
    ensure_srs,
    table_exists,
    table_srs,
    transaction,
    update_extent,
)
from ..store.training_layers import POSITIVES, ArtsContext, arts_fields

INVENTORY_LAYER = "rts_inventory"
# ARTS v0.0.7's fields in its order (whrc/ARTS; ../shared/data/arts_inventory)
ARTS_FIELDS = [
    ("CentroidLat", "REAL"), ("CentroidLon", "REAL"), ("RegionName", "TEXT"), ("CreatorLab", "TEXT"),
    ("BaseMapDate", "TEXT"), ("BaseMapSource", "TEXT"), ("BaseMapResolution", "REAL"), ("TrainClass", "TEXT"),
    ("LabelType", "TEXT"), ("MergedRTS", "TEXT"), ("StabilizedRTS", "TEXT"), ("ContributionDate", "TEXT"),
    ("UID", "TEXT"), ("BaseMapID", "TEXT"), ("Area", "REAL"), ("Notes", "TEXT"),
]
OWN_FIELDS = [
    ("rts_id", "TEXT NOT NULL UNIQUE"),
    ("area_ha", "REAL"),
    ("perimeter_m", "REAL"),
    ("confidence", "TEXT"),
    ("activity", "TEXT"),
    ("initiation_period", "TEXT"),
    ("criteria", "TEXT"),
    ("edited", "BOOLEAN"),
    ("reviewers", "TEXT"),
    ("first_reviewed_at", "DATETIME"),
    ("reviewed_at", "DATETIME"),
    ("max_prob", "REAL"),
    ("dates_detected", "TEXT"),
    ("model_name", "TEXT"),
    ("model_version", "TEXT"),
    ("model_sha256", "TEXT"),
    ("dist_to_road_m", "REAL"),
    ("near_road", "BOOLEAN"),
    ("mean_elev_m", "REAL"),
    ("mean_slope_deg", "REAL"),
    ("mean_aspect_deg", "REAL"),
    # change over the run's dates (core.change): the reviewer's first date wins over the model's
    ("first_date_seen", "TEXT"),
    ("first_date_seen_by", "TEXT"),  # reviewer or model
    ("growth_m2_per_yr", "REAL"),
    ("area_first_m2", "REAL"),
    ("area_last_m2", "REAL"),
    ("dates_observed", "INTEGER"),
    ("exported_at", "DATETIME"),
]
COLUMNS = ARTS_FIELDS + OWN_FIELDS
# each accepted slump's outline on every date of the run (the model's, from candidate_dates)
DATES_LAYER = "rts_dates"
DATES_COLUMNS = [("rts_id", "TEXT NOT NULL"), ("date", "TEXT NOT NULL"), ("area_m2", "REAL"), ("mean_prob", "REAL"),
                 ("observed", "BOOLEAN")]

STYLE_QML = """<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="3.22.0" styleCategories="Symbology">
 <renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" forceraster="0">
  <symbols>
   <symbol type="fill" name="0" alpha="1" clip_to_extent="1" force_rhr="0">
    <layer class="SimpleFill" enabled="1" pass="0" locked="0">
     <prop k="color" v="0,160,60,40"/>
     <prop k="outline_color" v="0,140,50,255"/>
     <prop k="outline_style" v="solid"/>
     <prop k="outline_width" v="0.7"/>
     <prop k="outline_width_unit" v="MM"/>
     <prop k="style" v="solid"/>
    </layer>
   </symbol>
  </symbols>
 </renderer-v2>
</qgis>
"""


def _reviews(candidates_gpkg: str | Path) -> dict[str, tuple[str, str, str]]:
    """candidate_id → (reviewers, first decision, last decision) from the decisions history."""
    conn = connect(candidates_gpkg, create=False)
    try:
        if not table_exists(conn, "decisions"):
            return {}
        rows = conn.execute("SELECT candidate_id, group_concat(DISTINCT reviewer), min(decided_at), "
                            "max(decided_at) FROM decisions GROUP BY candidate_id").fetchall()
    finally:
        conn.close()
    return {r[0]: (r[1].replace(",", ", "), r[2], r[3]) for r in rows}


def _arts_rows(candidates_gpkg: str | Path) -> dict[str, dict]:
    """candidate_id → the ARTS fields its positives row holds (written with each decision)."""
    names = [n for n, _ in ARTS_FIELDS if n not in ("MergedRTS", "StabilizedRTS", "BaseMapID", "Area")]
    conn = connect(candidates_gpkg, create=False)
    try:
        if not table_exists(conn, POSITIVES):
            return {}
        cols = ", ".join(f'"{n}"' for n in names)
        return {r[0]: dict(zip(names, r[1:])) for r in conn.execute(f'SELECT candidate_id, {cols} FROM "{POSITIVES}"')}
    finally:
        conn.close()


def _context(context: ArtsContext | None, given: dict | None) -> ArtsContext:
    """The ARTS context of a slump: what its positives row recorded, else ``context``, else defaults."""
    base = context or ArtsContext()
    given = given or {}
    kept = {"region_name": given.get("RegionName"), "creator_lab": given.get("CreatorLab"),
            "base_map_source": given.get("BaseMapSource"), "base_map_resolution": given.get("BaseMapResolution")}
    return replace(base, **{k: v for k, v in kept.items() if v is not None})


def _road_distances(geoms, roads, near_m: float):
    if not roads:
        return [(None, None)] * len(geoms)
    tree = STRtree(roads)
    out = []
    for g in geoms:
        nearest = roads[int(tree.nearest(g))]
        d = float(g.distance(nearest))
        out.append((d, d <= near_m))
    return out


def _terrain(geoms, crs: CRS, dem_path: str | None):
    """Mean elevation, slope (°) and aspect (° clockwise from north, circular mean) per outline."""
    if not dem_path:
        return [(None, None, None)] * len(geoms)
    out = []
    with rasterio.open(dem_path) as dem:
        res_x, res_y = abs(dem.transform.a), abs(dem.transform.e)
        for g in geoms:
            gd = shape(transform_geom(crs, dem.crs, mapping(g))) if dem.crs != crs else g
            minx, miny, maxx, maxy = gd.buffer(2 * max(res_x, res_y)).bounds
            window = from_bounds(minx, miny, maxx, maxy, dem.transform).round_offsets().round_lengths()
            window = window.intersection(Window(0, 0, dem.width, dem.height)) if window.width > 0 else window
            z = dem.read(1, window=window, masked=True).astype(float)
            if z.size == 0 or z.mask.all():
                out.append((None, None, None))
                continue
            inside = features.rasterize([(gd, 1)], out_shape=z.shape, transform=dem.window_transform(window),
                                        all_touched=True).astype(bool) & ~np.ma.getmaskarray(z)
            zf = z.filled(np.nan)
            dz_dy, dz_dx = np.gradient(zf, res_y, res_x)  # rows run south: dz_dy is towards the south
            slope = np.degrees(np.arctan(np.hypot(dz_dx, dz_dy)))
            aspect = (np.degrees(np.arctan2(-dz_dx, dz_dy)) + 360) % 360  # downslope direction, from north
            ok = inside & np.isfinite(slope)
            if not ok.any():
                out.append((float(np.nanmean(zf[inside])) if inside.any() else None, None, None))
                continue
            a = np.radians(aspect[ok])
            mean_aspect = (math.degrees(math.atan2(np.sin(a).mean(), np.cos(a).mean())) + 360) % 360
            out.append((float(np.nanmean(zf[inside])), float(slope[ok].mean()), mean_aspect))
    return out


def export_inventory(candidates_gpkg: str | Path, out: str | Path, overwrite: bool = False,
                     roads: list | None = None, near_m: float = 500.0, dem_path: str | None = None,
                     context: ArtsContext | None = None) -> int:
    """Write the accepted candidates to ``out``; returns how many. ``roads``: shapely lines in the
    candidates' CRS. The ARTS fields come from each slump's positives row; ``context`` fills them
    for a slump without one. A slump without imagery dates (drawn by hand) gets the dates of the
    runs that made the file, never the day of the export."""
    out = Path(out)
    if out.exists() and not overwrite:
        raise OutputError(f"{out} already exists.", "Choose another file name, or confirm overwriting it.")
    if near_m < 0:
        raise InputError(f"The road distance {near_m} m is negative.", "Give a distance of 0 m or more.")
    rows = [r for r in read_candidates(candidates_gpkg) if r.get("status") == "accepted"]
    conn = connect(candidates_gpkg, create=False)
    try:
        _, wkt = table_srs(conn, LAYER)
    finally:
        conn.close()
    crs = CRS.from_wkt(wkt)
    geoms = [r["geometry"] for r in rows]
    reviews = _reviews(candidates_gpkg)
    arts = _arts_rows(candidates_gpkg)
    imagery = ",".join(run_dates(candidates_gpkg))
    roads_info = _road_distances(geoms, roads or [], near_m)
    terrain = _terrain(geoms, crs, dem_path)
    per_date = read_candidate_dates(candidates_gpkg)
    tmp = out.with_name(out.name + f".{os.getpid()}.part")
    tmp.unlink(missing_ok=True)
    exported = now_iso()
    try:
        conn = connect(tmp)
        try:
            with transaction(conn, tmp):
                srs = ensure_srs(conn, crs.to_epsg(), crs.to_wkt(version="WKT1_GDAL"))
                create_feature_table(conn, INVENTORY_LAYER, COLUMNS, "POLYGON", srs)
                cols = ", ".join(["geom"] + [f'"{c}"' for c, _ in COLUMNS])
                insert = f'INSERT INTO "{INVENTORY_LAYER}" ({cols}) VALUES ({", ".join("?" * (len(COLUMNS) + 1))})'
                for r, geom, (dist, near), (elev, slope, aspect) in zip(rows, geoms, roads_info, terrain):
                    who, first, last = reviews.get(r["candidate_id"], (r.get("reviewer"), r.get("reviewed_at"),
                                                                        r.get("reviewed_at")))
                    given = arts.get(r["candidate_id"])
                    if given is None or not r.get("mosaic_dates"):  # no positives row, or drawn without dates
                        contributed = ((given or {}).get("ContributionDate") or last or exported)[:10]
                        given = arts_fields(geom, wkt, r.get("mosaic_dates") or imagery, _context(context, given),
                                            "Positive", contributed, r.get("notes"))
                    values = {**{k: given.get(k) for k, _ in ARTS_FIELDS}, "Area": geom.area,
                              "rts_id": r["candidate_id"], "area_ha": geom.area / 1e4, "perimeter_m": geom.length,
                              "confidence": r.get("confidence"), "activity": r.get("activity"),
                              "initiation_period": r.get("initiation_period"), "criteria": r.get("criteria"),
                              "edited": r.get("edited"), "reviewers": who, "first_reviewed_at": first,
                              "reviewed_at": last, "max_prob": r.get("max_prob"),
                              "dates_detected": r.get("dates_detected"), "model_name": r.get("model_name"),
                              "model_version": r.get("model_version"), "model_sha256": r.get("model_sha256"),
                              "dist_to_road_m": dist, "near_road": None if near is None else int(near),
                              "mean_elev_m": elev, "mean_slope_deg": slope, "mean_aspect_deg": aspect,
                              **_first_seen(r), "growth_m2_per_yr": r.get("growth_m2_per_yr"),
                              "area_first_m2": r.get("area_first_m2"), "area_last_m2": r.get("area_last_m2"),
                              "dates_observed": r.get("dates_observed"), "exported_at": exported}
                    conn.execute(insert, (encode_geometry(geom, srs), *(values[c] for c, _ in COLUMNS)))
                update_extent(conn, INVENTORY_LAYER)
                if per_date:
                    _write_dates(conn, srs, per_date, {r["candidate_id"] for r in rows})
                _write_style(conn)
        finally:
            conn.close()
        tmp.replace(out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return len(rows)


def _first_seen(row: dict) -> dict:
    reviewer = row.get("first_date_seen_reviewer")
    model = row.get("first_date_seen")
    return {"first_date_seen": reviewer or model,
            "first_date_seen_by": "reviewer" if reviewer else ("model" if model else None)}


def _write_dates(conn: sqlite3.Connection, srs: int, rows: list[dict], accepted: set[str]) -> None:
    create_feature_table(conn, DATES_LAYER, DATES_COLUMNS, "MULTIPOLYGON", srs)
    for r in rows:
        if r["candidate_id"] in accepted:
            geom = r["geometry"]
            conn.execute(f'INSERT INTO "{DATES_LAYER}" (geom, rts_id, date, area_m2, mean_prob, observed) '
                         "VALUES (?, ?, ?, ?, ?, ?)",
                         (encode_geometry(geom, srs) if geom is not None else None, r["candidate_id"], r["date"],
                          r["area_m2"], r["mean_prob"], int(r["observed"])))
    update_extent(conn, DATES_LAYER)


def _write_style(conn: sqlite3.Connection) -> None:
    """The default style QGIS applies when the layer is opened (its 'layer_styles' table)."""
    conn.execute("""CREATE TABLE IF NOT EXISTS layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT,
        f_table_catalog TEXT, f_table_schema TEXT, f_table_name TEXT, f_geometry_column TEXT, styleName TEXT,
        styleQML TEXT, styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT, ui TEXT,
        update_time DATETIME DEFAULT CURRENT_TIMESTAMP)""")
    conn.execute("INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, "
                 "styleName, styleQML, styleSLD, useAsDefault, description, owner) VALUES "
                 "('', '', ?, 'geom', 'thaw slump inventory', ?, '', 1, 'Thaw Slump Mapper', '')",
                 (INVENTORY_LAYER, STYLE_QML))
    conn.execute("INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier) VALUES "
                 "('layer_styles', 'attributes', 'layer_styles')")
