"""The inventory export: accepted slumps only, attributes, roads, terrain, style, no overwrite."""

from __future__ import annotations

import sqlite3
from pathlib import Path

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
    assert row["perimeter_m"] == pytest.approx(120) and 30 < row["CentroidLat"] < 40
    assert row["reviewers"] == "Huang, Xia" or row["reviewers"] == "Xia, Huang"
    # Huang's agreeing second review is in the history, but the details stay the first reviewer's
    assert row["first_reviewed_at"] <= row["reviewed_at"] and row["confidence"] == "high"
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


ARTS_FILE = Path(__file__).resolve().parents[3] / "shared" / "data" / "arts_inventory" / "ARTS_v0.0.7-alpha.geojson"
ARTS_ORDER = ["CentroidLat", "CentroidLon", "RegionName", "CreatorLab", "BaseMapDate", "BaseMapSource",
              "BaseMapResolution", "TrainClass", "LabelType", "MergedRTS", "StabilizedRTS", "ContributionDate", "UID",
              "BaseMapID", "Area", "Notes"]


def test_the_inventory_opens_with_the_arts_fields_in_arts_order_then_the_plugins(reviewed, tmp_path):
    """Issue 27: rts_inventory had rts_id, area_ha, centroid_lat/lon… and none of ARTS's fields."""
    from osgeo import ogr

    from thaw_slump_mapper.core.store.training_layers import ArtsContext, arts_uid

    if ARTS_FILE.is_file():  # the community's own file, where it is at hand
        import json

        assert list(json.loads(ARTS_FILE.read_text())["features"][1]["properties"]) == ARTS_ORDER
    gpkg, ids = reviewed
    out = tmp_path / "inventory.gpkg"
    assert export_inventory(gpkg, out) == 1
    ds = ogr.Open(str(out))  # held: a layer outliving its data source crashes GDAL
    layer = ds.GetLayerByName("rts_inventory")
    names = [layer.GetLayerDefn().GetFieldDefn(i).GetName() for i in range(layer.GetLayerDefn().GetFieldCount())]
    assert names[:len(ARTS_ORDER)] == ARTS_ORDER and names[len(ARTS_ORDER)] == "rts_id"
    conn = sqlite3.connect(out)
    conn.row_factory = sqlite3.Row
    row = dict(conn.execute("SELECT * FROM rts_inventory").fetchone())
    positive = dict(zip(("UID", "BaseMapDate"), sqlite3.connect(gpkg).execute(
        "SELECT UID, BaseMapDate FROM positives WHERE candidate_id = ?", (ids[0],)).fetchone()))
    assert row["UID"] == positive["UID"] and row["BaseMapDate"] == positive["BaseMapDate"]
    context = ArtsContext()
    assert row["UID"] == arts_uid(row["CentroidLat"], row["CentroidLon"], context.region_name, context.creator_lab,
                                  row["BaseMapDate"], context.base_map_source, context.base_map_resolution, "Positive")
    assert (row["TrainClass"], row["LabelType"]) == ("Positive", "Polygon")
    assert row["Area"] == pytest.approx(900) and row["ContributionDate"] == row["reviewed_at"][:10]


def test_a_slump_drawn_by_hand_is_exported_with_the_imagery_date_not_today(reviewed, tmp_path):
    from datetime import date

    from thaw_slump_mapper.core.store.candidates import run_dates

    gpkg, ids = reviewed
    imagery = run_dates(gpkg)
    assert imagery and all(str(date.today().year) not in d for d in imagery)
    conn = sqlite3.connect(gpkg)
    conn.execute("UPDATE candidates SET mosaic_dates = NULL WHERE candidate_id = ?", (ids[1],))  # as drawn by hand
    conn.commit()
    record_decision(gpkg, ids[1], "accepted", "Xia")  # drawn with no mosaic ticked: no date of its own
    out = tmp_path / "inventory.gpkg"
    assert export_inventory(gpkg, out) == 2
    dates = dict(sqlite3.connect(out).execute("SELECT rts_id, BaseMapDate FROM rts_inventory").fetchall())
    assert dates[ids[1]] and date.today().isoformat() not in dates[ids[1]]
    assert dates[ids[1]].startswith(min(imagery)[:4])
    from thaw_slump_mapper.core.store.candidates import fill_imagery_dates

    assert fill_imagery_dates(gpkg, [ids[1]], []) == 1  # no mosaic ticked while drawing: the runs' imagery
    assert conn.execute("SELECT mosaic_dates FROM candidates WHERE candidate_id = ?",
                        (ids[1],)).fetchone() == (",".join(imagery),)
