"""Training chips from a review spread over many tiles: every decided example is exported, each
from the tile it lies on, and scattered tiles still give a validation split with no neighbours on
both sides."""

from __future__ import annotations

import itertools

import numpy as np
from shapely.geometry import box
from tsm_testkit import ORIGIN, UTM, bare_soil_model, write_raster

from thaw_slump_mapper.core.engine.models import load_model
from thaw_slump_mapper.core.engine.raster import MosaicSpec
from thaw_slump_mapper.core.engine.vectorize import Candidate, Vectorized
from thaw_slump_mapper.core.learn.chips import DEFAULTS, export_chips
from thaw_slump_mapper.core.review.decisions import record_decision
from thaw_slump_mapper.core.store.candidates import read_candidates, write_candidates


def _tiles(tmp_path, n=8, size=170):
    """``n`` tiles of ``size`` px at 3 m, 5 km apart (the 16 real tiles lie far apart too)."""
    rng = np.random.default_rng(0)
    tiles = []
    for k in range(n):
        origin = (ORIGIN[0] + 5000 * k, ORIGIN[1] - 3000 * (k % 3))
        data = rng.uniform(0.05, 0.4, (4, size, size)).astype(np.float32)  # blue, green, red, nir
        tiles.append((write_raster(tmp_path / f"tile{k}.tif", data, origin=origin, nodata=None), origin))
    return tiles


def _candidates(gpkg, tiles):
    """Two candidates per tile: one accepted, one rejected."""
    from pyproj import CRS

    found = []
    for k, (_, (x0, y0)) in enumerate(tiles):
        for j, (dx, dy) in enumerate(((100, -120), (330, -360))):
            g = box(x0 + dx, y0 + dy - 60, x0 + dx + 60, y0 + dy)
            found.append(Candidate(g, {"candidate_id": f"t{k}c{j}", "max_prob": 0.9, "mean_prob": 0.7,
                                       "area_m2": g.area, "perimeter_m": g.length, "nodata_frac": 0.0,
                                       "touches_extent_edge": False, "dates_detected": "2021"}))
    write_candidates(gpkg, Vectorized(found, CRS.from_user_input(UTM).to_wkt(), 32646, "2021", {}), {})
    for r in read_candidates(gpkg):
        accepted = r["candidate_id"].endswith("c0")
        record_decision(gpkg, r["candidate_id"], "accepted" if accepted else "rejected", "A",
                        reject_reason=None if accepted else "water")


def test_a_review_over_eight_tiles_exports_every_decided_example(tmp_path):
    tiles = _tiles(tmp_path)
    gpkg = tmp_path / "c.gpkg"
    _candidates(gpkg, tiles)
    spec = load_model(bare_soil_model(tmp_path / "m.onnx")).spec
    mosaics = [MosaicSpec(str(p), "2021") for p, _ in tiles]
    manifest = export_chips(gpkg, mosaics, spec, tmp_path / "chips", chip=64, background=8)
    assert manifest["counts"]["positive"] == 8 and manifest["counts"]["negative"] == 8  # none lost
    assert manifest["review"] == {"accepted": 8, "rejected": 8, "outside_mosaics": 0, "background_wanted": 8,
                                  "background_placed": 8}
    # each chip from the tile it lies on (before: every chip from the last tile)
    for chip in manifest["chips"]:
        if chip["kind"] != "background":
            k = int(chip["candidate_id"][1])
            assert manifest["sources"][chip["mosaic"]]["path"].endswith(f"tile{k}.tif")
    # scattered tiles: a validation split exists, and no chip of one side is near one of the other
    assert manifest["splits"]["val"] > 0 and manifest["splits"]["train"] > manifest["splits"]["val"]
    assert manifest["groups"] == 8 and not manifest["note"]
    boxes = {s: [box(c["minx"], c["miny"], c["maxx"], c["maxy"]).buffer(DEFAULTS.block_m / 2)
                 for c in manifest["chips"] if c["split"] == s] for s in ("train", "val")}
    assert not any(a.intersects(b) for a, b in itertools.product(boxes["train"], boxes["val"]))


def test_one_small_area_trains_on_everything_and_says_so(tmp_path):
    tiles = _tiles(tmp_path, n=1)
    gpkg = tmp_path / "c.gpkg"
    _candidates(gpkg, tiles)
    spec = load_model(bare_soil_model(tmp_path / "m.onnx")).spec
    manifest = export_chips(gpkg, [MosaicSpec(str(tiles[0][0]), "2021")], spec, tmp_path / "chips", chip=64,
                            background=3)
    assert manifest["counts"]["positive"] == 1 and manifest["splits"]["val"] == 0
    assert "none for validation" in manifest["note"]
