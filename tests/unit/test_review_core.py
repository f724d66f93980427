"""Review queue orders, counters, decisions committed at once, and time-lapse thumbnails."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest
from shapely.geometry import box
from tsm_testkit import ORIGIN, write_raster

from thaw_slump_mapper.core.errors import InputError
from thaw_slump_mapper.core.review.decisions import (
    counts,
    next_unreviewed,
    order_queue,
    record_decision,
    undo_decision,
)
from thaw_slump_mapper.core.review.thumbnails import timelapse


def _rows():
    return [
        {"candidate_id": "a", "max_prob": 0.95, "status": "unreviewed", "geometry": box(0, 1500, 10, 1510)},
        {"candidate_id": "b", "max_prob": 0.52, "status": "accepted", "geometry": box(500, 1500, 510, 1510)},
        {"candidate_id": "c", "max_prob": 0.70, "status": "unreviewed", "geometry": box(100, 100, 110, 110)},
        {"candidate_id": "d", "max_prob": 0.40, "status": "rejected", "geometry": box(0, 100, 10, 110)},
    ]


def test_queue_orders():
    ids = lambda rows: [r["candidate_id"] for r in rows]  # noqa: E731
    assert ids(order_queue(_rows(), "probability")) == ["a", "c", "b", "d"]
    assert ids(order_queue(_rows(), "uncertainty", threshold=0.5)) == ["b", "d", "c", "a"]
    assert ids(order_queue(_rows(), "position")) == ["a", "b", "d", "c"]  # north row first, west to east
    grown = [{**r, "growth_m2_per_yr": g} for r, g in zip(_rows(), (120.0, None, 900.0, -40.0))]
    assert ids(order_queue(grown, "growth")) == ["c", "a", "d", "b"]  # fastest first, unmeasured last
    shuffled = ids(order_queue(_rows(), "shuffled", seed=3))
    assert sorted(shuffled) == ["a", "b", "c", "d"] and shuffled == ids(order_queue(_rows(), "shuffled", seed=3))
    with pytest.raises(InputError):
        order_queue(_rows(), "alphabetical")


def test_counters_and_next_unreviewed_skip_decided_ones():
    rows = order_queue(_rows(), "probability")  # a c b d
    c = counts(rows)
    assert (c["total"], c["reviewed"], c["accepted"], c["rejected"], c["unsure"]) == (4, 2, 1, 1, 0)
    assert next_unreviewed(rows, 0) == 1  # c
    assert next_unreviewed(rows, 1) == 0  # wraps around to a
    for r in rows:
        r["status"] = "accepted"
    assert next_unreviewed(rows, 0) is None


def test_decisions_are_committed_at_once_and_validated(tmp_path):
    from test_candidates import _write  # a real candidates GeoPackage

    v = np.zeros((60, 60), np.uint8)
    v[10:20, 10:20] = 200
    gpkg = tmp_path / "cand.gpkg"
    _write(tmp_path, v, gpkg)
    cid = sqlite3.connect(gpkg).execute("SELECT candidate_id FROM candidates").fetchone()[0]
    record_decision(gpkg, cid, "rejected", "Lin", reject_reason="water", notes="thermokarst pond")
    row = sqlite3.connect(gpkg).execute("SELECT status, reviewer, reject_reason, notes, reviewed_at FROM "
                                        "candidates").fetchone()
    assert row[:4] == ("rejected", "Lin", "water", "thermokarst pond") and row[4].endswith("Z")
    with pytest.raises(InputError, match="reject reason"):
        record_decision(gpkg, cid, "rejected", "Lin", reject_reason="ugly")
    with pytest.raises(InputError, match="No candidate"):
        record_decision(gpkg, "missing", "accepted", "Lin")


def test_decisions_are_undone_newest_first_back_to_what_the_candidate_held(tmp_path):
    """Issue 27: a burst of keys committed hundreds of decisions that only B, one by one, took back."""
    from test_candidates import _write

    v = np.zeros((60, 60), np.uint8)
    v[10:20, 10:20] = 200
    v[35:45, 35:45] = 200
    gpkg = tmp_path / "cand.gpkg"
    _write(tmp_path, v, gpkg)
    conn = sqlite3.connect(gpkg)
    a, b = (r[0] for r in conn.execute("SELECT candidate_id FROM candidates ORDER BY fid"))
    state = lambda: conn.execute("SELECT candidate_id, status, reviewer, reject_reason, notes FROM candidates "  # noqa: E731
                                 "ORDER BY fid").fetchall()
    layers = lambda: (conn.execute("SELECT candidate_id FROM positives").fetchall(),  # noqa: E731
                      conn.execute("SELECT candidate_id FROM negatives").fetchall())
    first = record_decision(gpkg, a, "accepted", "Lin", notes="headwall")
    before = state(), layers(), conn.execute("SELECT count(*) FROM decisions").fetchone()
    log = [record_decision(gpkg, b, "rejected", "Lin", reject_reason="water"),
           record_decision(gpkg, a, "rejected", "Lin", reject_reason="other"),
           record_decision(gpkg, b, "unsure", "Lin")]
    assert first.previous["status"] == "unreviewed" and log[1].previous["status"] == "accepted"
    assert layers() == ([], [(a,)])
    for decision in reversed(log):
        undo_decision(gpkg, decision)
    assert (state(), layers(), conn.execute("SELECT count(*) FROM decisions").fetchone()) == before
    assert layers() == ([(a,)], [])  # the accepted slump is a positive again
    undo_decision(gpkg, first)
    assert state()[0][1:] == ("unreviewed", None, None, None)
    assert layers() == ([], []) and conn.execute("SELECT count(*) FROM decisions").fetchone() == (0,)


def test_timelapse_uses_one_stretch_for_all_years(tmp_path):
    base = np.full((4, 100, 100), 1000, np.uint16)
    later = base.copy()
    later[:, 40:60, 40:60] = 3000  # the scar grew brighter in the later year
    p1 = write_raster(tmp_path / "y1.tif", base)
    p2 = write_raster(tmp_path / "y2.tif", later)
    x0, y1 = ORIGIN
    cand = box(x0 + 120, y1 - 180, x0 + 180, y1 - 120)  # pixels 40-60 at 3 m
    thumbs = timelapse([(str(p1), "2019"), (str(p2), "2021")], cand, "EPSG:32646", size=64)
    assert [t.date for t in thumbs] == ["2019", "2021"]
    a, b = thumbs[0].rgb, thumbs[1].rgb
    assert a.shape == (64, 64, 3) and a.dtype == np.uint8
    # same stretch: the unchanged background has the same value in both years, the scar differs
    assert a[2, 2, 0] == b[2, 2, 0]
    assert b[32, 32, 0] > a[32, 32, 0] + 100
    ring = thumbs[0].outline[0]
    assert min(x for x, _ in ring) > 0 and max(x for x, _ in ring) < 64  # outline inside the window


def test_timelapse_marks_years_that_do_not_cover_the_window(tmp_path):
    p1 = write_raster(tmp_path / "y1.tif", np.full((4, 50, 50), 900, np.uint16))
    p2 = write_raster(tmp_path / "far.tif", np.full((4, 50, 50), 900, np.uint16), origin=(500000.0, 3000000.0))
    x0, y1 = ORIGIN
    thumbs = timelapse([(str(p1), "a"), (str(p2), "b")], box(x0 + 30, y1 - 60, x0 + 60, y1 - 30), "EPSG:32646")
    assert thumbs[0].rgb is not None and thumbs[1].rgb is None and thumbs[1].valid_share == 0


def test_the_enlarged_view_shows_the_imagerys_own_pixels_not_a_smoothed_chip(tmp_path):
    # a checkerboard of single 3 m pixels: only a read at full resolution keeps two clean levels
    rows, cols = np.indices((100, 100))
    data = np.where((rows + cols) % 2 == 0, 500, 3000).astype(np.uint16)[None].repeat(4, axis=0)
    path = write_raster(tmp_path / "check.tif", data)
    x0, y1 = ORIGIN
    cand = box(x0 + 120, y1 - 180, x0 + 180, y1 - 120)  # a 132 m window: 44 pixels across
    (sharp,) = timelapse([(str(path), "2020")], cand, "EPSG:32646", size=480, sharp=True)
    (smooth,) = timelapse([(str(path), "2020")], cand, "EPSG:32646", size=480)
    assert sharp.rgb.shape == (480, 480, 3)
    levels = np.unique(sharp.rgb[40:440, 40:440, 0])
    assert len(levels) == 2 and levels[1] - levels[0] > 200  # each pixel a crisp square
    assert len(np.unique(smooth.rgb[40:440, 40:440, 0])) > 10  # bilinear blurs them into ramps
    # a row of the enlarged view changes level once per imagery pixel: 44 pixels, ~43 edges
    edges = np.count_nonzero(np.diff(sharp.rgb[240, :, 0].astype(int)))
    assert 40 <= edges <= 46
