"""Known versus new: candidates that overlap a slump of an existing inventory (ARTS or the
user's own) are marked with that slump's UID in the candidates layer, so that a review can show
new candidates only and the iteration log counts newly found slumps (Xia et al.) apart from
slumps that were already mapped.

``known_uid`` holds the inventory's UID (several, comma-separated, when a candidate touches
more than one), ``known_source`` the inventory it came from. Marking again with the same
inventory replaces its earlier marks; marks from other inventories stay. Hard negatives of the
inventory (ARTS TrainClass = Negative) are not slumps and mark nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rasterio.crs import CRS
from shapely.strtree import STRtree

from ..errors import InputError
from ..store.candidates import LAYER
from ..store.gpkg import add_missing_columns, connect, decode_geometry, table_exists, table_srs, transaction
from ..store.inventory_file import Inventory

KNOWN_COLUMNS = [("known_uid", "TEXT"), ("known_source", "TEXT")]


@dataclass
class KnownStats:
    candidates: int
    known: int
    new: int
    inventory_slumps: int
    source: str


def mark_known(gpkg: str | Path, inventory: Inventory, min_overlap: float = 0.0) -> KnownStats:
    """Mark the candidates of ``gpkg`` that overlap a slump of ``inventory`` (any CRS) — by more
    than ``min_overlap`` of the candidate's area (0: any overlap) — in one transaction."""
    if not 0.0 <= min_overlap < 1.0:
        raise InputError(f"Minimum overlap {min_overlap} is outside 0-1.", "Give a share such as 0 or 0.1.")
    path = Path(gpkg)
    conn = connect(path, create=False)
    try:
        if not table_exists(conn, LAYER):
            raise InputError(f"{path.name} has no candidates layer.", "Give a candidates GeoPackage written by a run.")
        _, wkt = table_srs(conn, LAYER)
        slumps = [p for p in inventory.in_crs(CRS.from_wkt(wkt)) if not p.negative]
        tree = STRtree([p.geometry for p in slumps]) if slumps else None
        source = inventory.label
        with transaction(conn, path):
            add_missing_columns(conn, LAYER, KNOWN_COLUMNS)
            conn.execute(f'UPDATE "{LAYER}" SET known_uid = NULL, known_source = NULL WHERE known_source = ?',
                         (source,))
            rows = conn.execute(f'SELECT fid, geom, known_uid FROM "{LAYER}"').fetchall()
            known = 0
            for fid, blob, before in rows:
                geom = decode_geometry(blob)
                uids = []
                if tree is not None and geom is not None and not geom.is_empty:
                    for i in tree.query(geom):
                        other = slumps[int(i)].geometry
                        if not other.intersects(geom):
                            continue
                        if other.intersection(geom).area / max(geom.area, 1e-12) > min_overlap:
                            uids.append(slumps[int(i)].uid)  # touching edges alone do not count
                if uids:
                    known += 1
                    if before is None:  # another inventory's mark stays
                        conn.execute(f'UPDATE "{LAYER}" SET known_uid = ?, known_source = ? WHERE fid = ?',
                                     (",".join(sorted(set(uids))), source, fid))
                elif before is not None:
                    known += 1
    finally:
        conn.close()
    return KnownStats(len(rows), known, len(rows) - known, len(slumps), source)


def known_ids(gpkg: str | Path) -> set[str]:
    """candidate_id of every candidate marked as known (empty when never marked)."""
    conn = connect(gpkg, create=False)
    try:
        have = {row[1] for row in conn.execute(f'PRAGMA table_info("{LAYER}")')}
        if "known_uid" not in have:
            return set()
        return {r[0] for r in conn.execute(f'SELECT candidate_id FROM "{LAYER}" WHERE known_uid IS NOT NULL')}
    finally:
        conn.close()
