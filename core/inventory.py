"""The curated inventory: accepted candidates written to their own GeoPackage, atomically.

The review workflow decides; this module only exports what was accepted, with the attributes
an inventory needs (area in ha, perimeter, centroid lat/lon, review and model provenance).
"""

from __future__ import annotations

import os
from pathlib import Path

from rasterio.crs import CRS
from rasterio.warp import transform as warp_transform

from .candidates import LAYER, now_iso, read_candidates
from .errors import OutputError
from .gpkg import connect, create_feature_table, encode_geometry, ensure_srs, table_srs, transaction, update_extent

INVENTORY_LAYER = "rts_inventory"
COLUMNS = [
    ("rts_id", "TEXT NOT NULL UNIQUE"),
    ("area_ha", "REAL"),
    ("perimeter_m", "REAL"),
    ("centroid_lat", "REAL"),
    ("centroid_lon", "REAL"),
    ("confidence", "TEXT"),
    ("activity", "TEXT"),
    ("initiation_period", "TEXT"),
    ("criteria", "TEXT"),
    ("edited", "BOOLEAN"),
    ("reviewers", "TEXT"),
    ("reviewed_at", "DATETIME"),
    ("max_prob", "REAL"),
    ("dates_detected", "TEXT"),
    ("model_name", "TEXT"),
    ("model_version", "TEXT"),
    ("model_sha256", "TEXT"),
    ("exported_at", "DATETIME"),
]


def export_inventory(candidates_gpkg: str | Path, out: str | Path, overwrite: bool = False) -> int:
    """Write the accepted candidates to ``out`` (temporary file, then rename). Returns the count."""
    out = Path(out)
    if out.exists() and not overwrite:
        raise OutputError(f"{out} already exists.", "Choose another file name, or allow overwriting.")
    rows = [r for r in read_candidates(candidates_gpkg) if r.get("status") == "accepted"]
    conn = connect(candidates_gpkg)
    try:
        _, wkt = table_srs(conn, LAYER)
    finally:
        conn.close()
    crs = CRS.from_wkt(wkt)
    centroids = [r["geometry"].centroid for r in rows]
    lons, lats = warp_transform(crs, "EPSG:4326", [c.x for c in centroids], [c.y for c in centroids]) \
        if rows else ([], [])
    tmp = out.with_name(out.name + f".{os.getpid()}.part")
    tmp.unlink(missing_ok=True)
    exported = now_iso()
    try:
        conn = connect(tmp)
        try:
            with transaction(conn, tmp):
                srs = ensure_srs(conn, crs.to_epsg(), crs.to_wkt(version="WKT1_GDAL"))
                create_feature_table(conn, INVENTORY_LAYER, COLUMNS, "POLYGON", srs)
                for r, lon, lat in zip(rows, lons, lats):
                    geom = r["geometry"]
                    values = (encode_geometry(geom, srs), r["candidate_id"], geom.area / 1e4, geom.length, lat, lon,
                              r.get("confidence"), r.get("activity"), r.get("initiation_period"), r.get("criteria"),
                              r.get("edited"), r.get("reviewer"),
                              r.get("reviewed_at"), r.get("max_prob"), r.get("dates_detected"), r.get("model_name"),
                              r.get("model_version"), r.get("model_sha256"), exported)
                    cols = ", ".join(["geom"] + [c for c, _ in COLUMNS])
                    conn.execute(f'INSERT INTO "{INVENTORY_LAYER}" ({cols}) VALUES ({", ".join("?" * len(values))})',
                                 values)
                update_extent(conn, INVENTORY_LAYER)
        finally:
            conn.close()
        tmp.replace(out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return len(rows)
