"""The inventory export: accepted slumps only, attributes, roads, terrain, style, no overwrite."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest
from shapely.geometry import LineString
from tsm_testkit import ORIGIN, write_raster

from thaw_slump_mapper.core.errors import OutputError
from thaw_slump_mapper.core.review.decisions import record_decision
from thaw_slump_mapper.core.review.inventory import export_inventory


@pytest.fixture
def reviewed(tmp_path):
    from test_candidates import _write

    v = np.zeros((80, 80), np.uint8)
    v[10:20, 10:20] = 200  # 30 m × 30 m, accepted
    v[40:50, 40:50] = 220  # rejected
    gpkg = tmp_path / "cand.gpkg"
    _write(tmp_path, v, gpkg)
    ids = [r[0] for r in sqlite3.connect(gpkg).execute("SELECT candidate_id FROM candidates ORDER BY fid")]
    record_decision(gpkg, ids[0], "accepted", "Xia", confidence="high", activity="active",
                    initiation_period="2019", criteria=("colour_contrast",))
    record_decision(gpkg, ids[0], "accepted", "Huang", confidence="medium")
    record_decision(gpkg, ids[1], "rejected", "Xia", reject_reason="water")
    return gpkg, ids


def test_only_accepted_slumps_with_their_attributes(reviewed, tmp_path):
    gpkg, ids = reviewed
    out = tmp_path / "inventory.gpkg"
    assert export_inventory(gpkg, out) == 1
    conn = sqlite3.connect(out)
    conn.row_factory = sqlite3.Row
    (row,) = [dict(r) for r in conn.execute("SELECT * FROM rts_inventory")]
    assert row["rts_id"] == ids[0] and row["area_ha"] == pytest.approx(0.09)
    assert row["perimeter_m"] == pytest.approx(120) and 30 < row["centroid_lat"] < 40
    assert row["reviewers"] == "Huang, Xia" or row["reviewers"] == "Xia, Huang"
    assert row["first_reviewed_at"] <= row["reviewed_at"] and row["confidence"] == "medium"
    assert row["dist_to_road_m"] is None and row["mean_elev_m"] is None
    style = conn.execute("SELECT f_table_name, useAsDefault FROM layer_styles").fetchone()
    assert tuple(style) == ("rts_inventory", 1)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with pytest.raises(OutputError, match="already exists"):
        export_inventory(gpkg, out)  # never overwrites without being asked
    assert export_inventory(gpkg, out, overwrite=True) == 1
    assert not list(tmp_path.glob("*.part"))


def test_road_distance_and_terrain(reviewed, tmp_path):
    gpkg, _ = reviewed
    x0, y1 = ORIGIN
    # the accepted slump spans x0+30..x0+60, y1-60..y1-30; a road runs north-south 440 m east of it
    road = LineString([(x0 + 500, y1), (x0 + 500, y1 - 300)])
    # a DEM rising 0.1 m per metre towards the east: slope atan(0.1), facing west (270°)
    xs = (np.arange(100) + 0.5) * 3.0
    dem = (4600 + 0.1 * xs)[None, :].repeat(100, axis=0)[None].astype(np.float32)
    dem_path = write_raster(tmp_path / "dem.tif", dem, nodata=None)
    out = tmp_path / "inventory.gpkg"
    export_inventory(gpkg, out, roads=[road], near_m=500, dem_path=str(dem_path))
    dist, near, elev, slope, aspect = sqlite3.connect(out).execute(
        "SELECT dist_to_road_m, near_road, mean_elev_m, mean_slope_deg, mean_aspect_deg FROM rts_inventory").fetchone()
    assert dist == pytest.approx(440) and near == 1
    assert elev == pytest.approx(4600 + 0.1 * 45, abs=1.0)
    assert slope == pytest.approx(np.degrees(np.arctan(0.1)), abs=0.05)
    assert aspect == pytest.approx(270, abs=0.5)
    export_inventory(gpkg, out, overwrite=True, roads=[road], near_m=400)
    assert sqlite3.connect(out).execute("SELECT near_road FROM rts_inventory").fetchone()[0] == 0
