"""What the engine writes opens in QGIS as it should: candidates layer and probability raster."""

from __future__ import annotations

from qgis.core import QgsRasterLayer, QgsVectorLayer, QgsWkbTypes
from tsm_testkit import bare_soil_model

from thaw_slump_mapper.adapters.compat import GEOMETRY_POLYGON
from thaw_slump_mapper.core.engine.inference import InferenceParams, run_inference
from thaw_slump_mapper.core.engine.raster import MosaicSpec
from thaw_slump_mapper.core.engine.vectorize import VectorizeParams, vectorize
from thaw_slump_mapper.core.store.candidates import write_candidates
from thaw_slump_mapper.core.synthetic import SceneSpec, generate


def test_candidates_and_probabilities_open_in_qgis(qgis_app, tmp_path):
    scene = generate(tmp_path / "scene", SceneSpec(width=256, height=256, years=(2019, 2020), n_slumps=3, seed=2))
    prob = run_inference(InferenceParams(tuple(MosaicSpec(str(p), str(y)) for p, y in scene.mosaics),
                                         str(bare_soil_model(tmp_path / "m.onnx")), cache_dir=str(tmp_path / "c")))
    result = vectorize(prob.path, VectorizeParams(0.5, 300))
    gpkg = tmp_path / "cand.gpkg"
    write_candidates(gpkg, result, {"threshold": 0.5})

    layer = QgsVectorLayer(f"{gpkg}|layername=candidates", "candidates", "ogr")
    assert layer.isValid()
    assert layer.featureCount() == len(result.candidates) > 0
    assert layer.crs().authid() == "EPSG:32646"
    assert QgsWkbTypes.geometryType(layer.wkbType()) == GEOMETRY_POLYGON
    names = layer.fields().names()
    assert "max_prob" in names and "status" in names
    feature = next(layer.getFeatures())
    assert feature["status"] == "unreviewed" and feature.geometry().area() > 0
    runs = QgsVectorLayer(f"{gpkg}|layername=runs", "runs", "ogr")
    assert runs.isValid() and runs.featureCount() == 1

    raster = QgsRasterLayer(str(prob.path), "prob")
    assert raster.isValid() and raster.bandCount() == 4
    assert raster.bandName(3).endswith("mean")
    truth = QgsVectorLayer(f"{scene.truth_path}|layername=slumps", "truth", "ogr")
    assert truth.isValid() and truth.featureCount() >= 3
