"""Training chips from an inventory and marking known candidates, through processing.run (as in
batch and the modeller), with the real ARTS-schema ground truth over its real tiles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from qgis.core import QgsApplication, QgsProcessingException, QgsProject, QgsRasterLayer
from tsm_testkit import starter_next_version

from thaw_slump_mapper.adapters.processing.provider import PROVIDER_ID, Provider

ROOT = Path(__file__).resolve().parents[2]
TILES = ROOT.parent / "shared" / "data" / "rts_tiles_2m"
TRUTH = TILES / "GroundTruth_Final_20250625.geojson"
REAL_DATA = pytest.mark.skipif(not TRUTH.is_file(), reason="../shared/data is not beside the project (it is in CI)")
STARTER = ROOT / "models" / "tsm_starter" / "tsm_starter.onnx"


def _tiles(n: int) -> list[str]:
    layers = [QgsRasterLayer(str(p), p.stem) for p in sorted(TILES.glob("*.tif"))[:n]]
    QgsProject.instance().addMapLayers(layers)
    return [layer.id() for layer in layers]


def test_both_algorithms_are_registered_and_go_with_the_provider(qgis_processing):
    registry = QgsApplication.processingRegistry()
    registry.addProvider(Provider())
    assert registry.algorithmById(f"{PROVIDER_ID}:inventorychips") is not None
    assert registry.algorithmById(f"{PROVIDER_ID}:markknown") is not None
    registry.removeProvider(PROVIDER_ID)  # as the plugin's unload does
    assert registry.algorithmById(f"{PROVIDER_ID}:inventorychips") is None
    assert registry.algorithmById(f"{PROVIDER_ID}:markknown") is None


@REAL_DATA
def test_inventory_chips_from_the_real_ground_truth(provider, tmp_path):
    import processing

    out = processing.run(f"{PROVIDER_ID}:inventorychips", {
        "INVENTORY": str(TRUTH), "MOSAICS": _tiles(4), "MODEL": str(STARTER), "BAND_MAP": "red=1,green=2,blue=3",
        "CHIP": 64, "BACKGROUND": 4, "BLOCK": 1000, "OUTPUT": str(tmp_path / "chips")})
    manifest = json.loads((tmp_path / "chips" / "manifest.json").read_text())
    assert out["POSITIVE"] == manifest["counts"]["positive"] >= 3  # one slump per tile, some dropped at borders
    assert out["OUTSIDE"] == manifest["inventory"]["outside_mosaics"] >= 290
    assert manifest["inventory"]["negative_rule"] == ["TrainClass", "Negative"]
    assert manifest["bands"] == ["red", "green", "blue"]
    # a chip folder is never written over
    with pytest.raises(QgsProcessingException, match="already holds training chips"):
        processing.run(f"{PROVIDER_ID}:inventorychips", {
            "INVENTORY": str(TRUTH), "MOSAICS": _tiles(1), "MODEL": str(STARTER), "OUTPUT": str(tmp_path / "chips")})


@REAL_DATA
def test_inventory_chips_refuse_a_field_without_its_value(provider, tmp_path):
    import processing

    with pytest.raises(QgsProcessingException, match="without the value"):
        processing.run(f"{PROVIDER_ID}:inventorychips", {
            "INVENTORY": str(TRUTH), "NEGATIVE_FIELD": "RegionName", "MOSAICS": _tiles(1), "MODEL": str(STARTER),
            "OUTPUT": str(tmp_path / "chips")})
    assert not (tmp_path / "chips").exists()


@REAL_DATA
def test_mark_known_through_processing(provider, tmp_path):
    import processing
    from shapely.geometry import shape

    from thaw_slump_mapper.core.engine.vectorize import Candidate, Vectorized
    from thaw_slump_mapper.core.review.known import known_ids
    from thaw_slump_mapper.core.store.candidates import write_candidates

    truth = json.loads(TRUTH.read_text())["features"]
    slumps = [shape(f["geometry"]) for f in truth[:3]]
    from shapely.geometry import box

    geoms = [s.buffer(5) for s in slumps] + [box(0, 0, 100, 100)]  # three known, one new
    cands = [Candidate(g, {"candidate_id": f"c{i}", "max_prob": 0.9, "mean_prob": 0.7, "area_m2": g.area,
                           "perimeter_m": g.length, "nodata_frac": 0.0, "touches_extent_edge": False,
                           "dates_detected": "2021"}) for i, g in enumerate(geoms)]
    from rasterio.crs import CRS

    gpkg = tmp_path / "cand.gpkg"
    write_candidates(gpkg, Vectorized(cands, CRS.from_epsg(3413).to_wkt(), 3413, "mean", {}), {"threshold": 0.5})
    out = processing.run(f"{PROVIDER_ID}:markknown", {"CANDIDATES": str(gpkg), "INVENTORY": str(TRUTH)})
    assert (out["KNOWN"], out["NEW"]) == (3, 1)
    assert known_ids(gpkg) == {"c0", "c1", "c2"}


@REAL_DATA
def test_inventory_chips_then_training_in_one_algorithm(provider, tmp_path):
    import processing
    from qgis.core import QgsProcessingFeedback

    feedback = QgsProcessingFeedback()
    out = processing.run(f"{PROVIDER_ID}:inventorychips", {
        "INVENTORY": str(TRUTH), "MOSAICS": _tiles(6), "MODEL": str(STARTER), "BAND_MAP": "red=1,green=2,blue=3",
        "CHIP": 64, "BACKGROUND": 2, "STEPS": 2, "START": 0, "OUTPUT": str(tmp_path / "chips")}, feedback=feedback)
    stem = "tsm_starter_" + starter_next_version().replace(".", "_")
    assert out["TRAINED"].endswith(f"{stem}.onnx") and Path(out["TRAINED"]).is_file()
    description = json.loads(Path(out["TRAINED"] + ".json").read_text())
    assert "slumps of GroundTruth_Final_20250625" in description["model_card"]


@REAL_DATA
def test_training_without_torch_weights_is_refused_before_any_chip(provider, tmp_path):
    import shutil

    import processing

    onnx = tmp_path / "only.onnx"
    shutil.copy(STARTER, onnx)
    shutil.copy(STARTER.with_suffix(".onnx.json"), tmp_path / "only.onnx.json")
    with pytest.raises(QgsProcessingException, match="Torch weights"):
        processing.run(f"{PROVIDER_ID}:inventorychips", {
            "INVENTORY": str(TRUTH), "MOSAICS": _tiles(1), "MODEL": str(onnx), "STEPS": 5,
            "OUTPUT": str(tmp_path / "chips")})
    assert not (tmp_path / "chips").exists()
