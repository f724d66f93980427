"""The Processing provider's algorithms run through processing.run, as in batch and the modeller."""

from __future__ import annotations

import pytest
from qgis.core import QgsProcessingException, QgsProcessingFeedback

from thaw_slump_mapper.adapters.processing.provider import PROVIDER_ID


def test_check_environment_reports_every_package(provider):
    import processing

    feedback = QgsProcessingFeedback()
    result = processing.run(f"{PROVIDER_ID}:checkenvironment", {"IMPORT_OPTIONAL": True}, feedback=feedback)
    assert result["READY"] is True
    assert result["TRAINING"] is True
    report = result["REPORT"]
    for package in ("numpy", "onnxruntime", "shapely", "rasterio", "torch", "segmentation-models-pytorch"):
        assert f"\n{package} (" in "\n" + report
    assert "not installed" not in report


def test_check_environment_honours_cancel(provider):
    import processing

    feedback = QgsProcessingFeedback()
    feedback.cancel()
    result = processing.run(f"{PROVIDER_ID}:checkenvironment", {}, feedback=feedback)
    assert result["REPORT"] == ""
    assert result["TRAINING"] is False


def test_run_model_and_vectorise_through_processing(provider, tmp_path):
    import processing
    from qgis.core import QgsProject, QgsRasterLayer
    from tsm_testkit import bare_soil_model

    from thaw_slump_mapper.adapters import settings
    from thaw_slump_mapper.core.preferences import Preferences
    from thaw_slump_mapper.core.store.candidates import read_candidates
    from thaw_slump_mapper.core.synthetic import SceneSpec, generate

    settings.save(Preferences(cache_dir=str(tmp_path / "cache")))
    scene = generate(tmp_path / "scene", SceneSpec(width=256, height=256, years=(2019, 2021), n_slumps=3, seed=4))
    layers = [QgsRasterLayer(str(p), str(y)) for p, y in scene.mosaics]
    QgsProject.instance().addMapLayers(layers)
    try:
        feedback = QgsProcessingFeedback()
        progress = []
        feedback.progressChanged.connect(progress.append)
        out = processing.run(f"{PROVIDER_ID}:runmodel", {
            "MOSAICS": [lyr.id() for lyr in layers], "DATES": "2019,2021",
            "MODEL": str(bare_soil_model(tmp_path / "m.onnx")), "OUTPUT": str(tmp_path / "c.gpkg")},
            feedback=feedback)
        assert out["COUNT"] > 0 and out["NEW"] == out["COUNT"]
        assert len(read_candidates(out["OUTPUT"])) == out["COUNT"] and progress and max(progress) == 100
        strict = processing.run(f"{PROVIDER_ID}:vectorize", {
            "PROB": out["PROBABILITY"], "THRESHOLD": 0.95, "MIN_AREA": 1500, "BAND": 1,
            "OUTPUT": str(tmp_path / "strict.gpkg")})
        assert 0 <= strict["COUNT"] < out["COUNT"]
    finally:
        QgsProject.instance().removeAllMapLayers()
        settings.save(Preferences())


def test_run_model_reports_engine_errors_as_processing_errors(provider, tmp_path):
    import numpy as np
    import processing
    from qgis.core import QgsProcessingException, QgsProject, QgsRasterLayer
    from tsm_testkit import write_raster

    rgb = QgsRasterLayer(str(write_raster(tmp_path / "rgb.tif", np.ones((3, 32, 32), np.uint8))), "rgb")
    QgsProject.instance().addMapLayer(rgb)
    from tsm_testkit import bare_soil_model

    try:
        with pytest.raises(QgsProcessingException) as err:
            processing.run(f"{PROVIDER_ID}:runmodel", {"MOSAICS": [rgb.id()], "MODEL": str(
                bare_soil_model(tmp_path / "m.onnx")), "OUTPUT": str(tmp_path / "c.gpkg")})
        assert "needs 'nir'" in str(err.value)
    finally:
        QgsProject.instance().removeAllMapLayers()


def test_evaluate_through_processing_writes_a_report(provider, tmp_path):
    import processing
    from tsm_testkit import bare_soil_model

    from thaw_slump_mapper.core.engine.inference import InferenceParams, run_inference
    from thaw_slump_mapper.core.engine.raster import MosaicSpec
    from thaw_slump_mapper.core.engine.vectorize import VectorizeParams, vectorize
    from thaw_slump_mapper.core.store.candidates import write_candidates
    from thaw_slump_mapper.core.synthetic import SceneSpec, generate

    scene = generate(tmp_path / "scene", SceneSpec(width=256, height=256, years=(2021,), n_slumps=3, seed=4))
    prob = run_inference(InferenceParams(tuple(MosaicSpec(str(p), str(y)) for p, y in scene.mosaics),
                                         str(bare_soil_model(tmp_path / "m.onnx")), cache_dir=str(tmp_path / "c")))
    write_candidates(tmp_path / "c.gpkg", vectorize(prob.path, VectorizeParams(0.5, 300)), {"threshold": 0.5})
    out = processing.run(f"{PROVIDER_ID}:evaluate", {"PRED": str(tmp_path / "c.gpkg"), "REF": str(scene.truth_path),
                                                     "IOU": 0.5, "REPORT": str(tmp_path / "report.md")})
    assert 0 < out["ANYOVERLAP_RECALL"] <= 1 and 0 <= out["PIXEL_IOU"] <= 1
    assert "| pixel IoU |" in (tmp_path / "report.md").read_text()


def test_run_model_takes_one_mask_per_mosaic(provider, tmp_path):
    import numpy as np
    import processing
    import rasterio
    from qgis.core import QgsProcessingException, QgsProject, QgsRasterLayer
    from tsm_testkit import BASIC, conv_model, write_raster

    from thaw_slump_mapper.adapters import settings
    from thaw_slump_mapper.core.engine.inference import NODATA
    from thaw_slump_mapper.core.preferences import Preferences

    settings.save(Preferences(cache_dir=str(tmp_path / "cache")))
    data = np.random.default_rng(1).integers(1, 4000, (4, 48, 48)).astype(np.uint16)
    mosaic = QgsRasterLayer(str(write_raster(tmp_path / "m_2020.tif", data)), "m")
    udm = np.zeros((1, 48, 48), np.uint8)
    udm[0, :20] = 2
    mask = QgsRasterLayer(str(write_raster(tmp_path / "udm.tif", udm, nodata=None)), "udm")
    QgsProject.instance().addMapLayers([mosaic, mask])
    model = str(conv_model(tmp_path / "m.onnx", np.array([8.0, -6, 5, -2]).reshape(1, 4, 1, 1), np.array([0.3]),
                           sidecar=BASIC))
    try:
        out = processing.run(f"{PROVIDER_ID}:runmodel", {
            "MOSAICS": [mosaic.id()], "MASKS": [mask.id()], "MODEL": model, "OUTPUT": str(tmp_path / "c.gpkg")})
        with rasterio.open(out["PROBABILITY"]) as src:
            values = src.read(1)
        assert (values[:20] == NODATA).all() and (values[20:] != NODATA).all()
        with pytest.raises(QgsProcessingException, match="2 masks were given for 1 mosaics"):
            processing.run(f"{PROVIDER_ID}:runmodel", {
                "MOSAICS": [mosaic.id()], "MASKS": [mask.id(), mask.id()], "MODEL": model,
                "OUTPUT": str(tmp_path / "d.gpkg")})
    finally:
        QgsProject.instance().removeAllMapLayers()
        settings.save(Preferences())


def test_run_model_over_a_study_area_layer_skips_tiles_outside_it(provider, tmp_path):
    import processing
    import rasterio
    from qgis.core import QgsFeature, QgsGeometry, QgsProject, QgsRasterLayer, QgsVectorLayer
    from tsm_testkit import bare_soil_model

    from thaw_slump_mapper.adapters import settings
    from thaw_slump_mapper.core.preferences import Preferences
    from thaw_slump_mapper.core.synthetic import SceneSpec, generate

    settings.save(Preferences(cache_dir=str(tmp_path / "cache")))
    scene = generate(tmp_path / "scene", SceneSpec(width=256, height=256, years=(2019, 2021), n_slumps=3, seed=4))
    layers = [QgsRasterLayer(str(p), str(y)) for p, y in scene.mosaics]
    full = layers[0].extent()
    area = QgsVectorLayer("Polygon?crs=EPSG:32646", "corridor", "memory")
    feature = QgsFeature()
    cx, y0, y1 = full.center().x(), full.yMinimum(), full.yMaximum()
    feature.setGeometry(QgsGeometry.fromWkt(  # a corridor 30 px wide down the middle
        f"POLYGON(({cx - 45} {y0}, {cx + 45} {y0}, {cx + 45} {y1}, {cx - 45} {y1}, {cx - 45} {y0}))"))
    area.dataProvider().addFeatures([feature])
    QgsProject.instance().addMapLayers([*layers, area])
    try:
        params = {"MOSAICS": [lyr.id() for lyr in layers], "DATES": "2019,2021",
                  "MODEL": str(bare_soil_model(tmp_path / "m.onnx"))}
        out = processing.run(f"{PROVIDER_ID}:runmodel",
                             {**params, "AOI": area.id(), "OUTPUT": str(tmp_path / "a.gpkg")})
        with rasterio.open(out["PROBABILITY"]) as src:
            assert (src.width, src.height) == (30, 256) and src.tags()["TSM_AOI"] == "corridor"
        with pytest.raises(QgsProcessingException, match="not both"):
            processing.run(f"{PROVIDER_ID}:runmodel", {**params, "AOI": area.id(), "EXTENT": full,
                                                       "OUTPUT": str(tmp_path / "b.gpkg")})
        assert not (tmp_path / "b.gpkg").exists()
    finally:
        QgsProject.instance().removeAllMapLayers()
        settings.save(Preferences())


def test_run_model_on_a_dask_cluster_through_processing(provider, tmp_path):
    distributed = pytest.importorskip("distributed", reason="Dask is optional (requirements/cluster.txt)")
    import processing
    import rasterio
    from qgis.core import QgsProject, QgsRasterLayer
    from tsm_testkit import bare_soil_model

    from thaw_slump_mapper.adapters import settings
    from thaw_slump_mapper.core.preferences import Preferences
    from thaw_slump_mapper.core.synthetic import SceneSpec, generate

    settings.save(Preferences(cache_dir=str(tmp_path / "cache")))
    scene = generate(tmp_path / "scene", SceneSpec(width=256, height=256, years=(2019, 2021), n_slumps=3, seed=4))
    layers = [QgsRasterLayer(str(p), str(y)) for p, y in scene.mosaics]
    QgsProject.instance().addMapLayers(layers)
    params = {"MOSAICS": [lyr.id() for lyr in layers], "DATES": "2019,2021",
              "MODEL": str(bare_soil_model(tmp_path / "m.onnx")), "OUTPUT": str(tmp_path / "c.gpkg")}
    try:
        with pytest.raises(QgsProcessingException, match="not a scheduler address"):
            processing.run(f"{PROVIDER_ID}:runmodelcluster", {**params, "SCHEDULER": "local:2"})
        assert not (tmp_path / "c.gpkg").exists()
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                      dashboard_address=":0") as cluster:
            out = processing.run(f"{PROVIDER_ID}:runmodelcluster", {**params, "SCHEDULER": cluster.scheduler_address})
        local = processing.run(f"{PROVIDER_ID}:runmodel", {**params, "OUTPUT": str(tmp_path / "here.gpkg")})
        assert out["COUNT"] > 0 and out["COUNT"] == local["COUNT"]
        assert out["PROBABILITY"] == local["PROBABILITY"]  # the same run: the cluster's raster is the cached one
        with rasterio.open(out["PROBABILITY"]) as src:
            assert "Dask cluster of 2 workers" in src.tags()["TSM_MODEL"]
    finally:
        QgsProject.instance().removeAllMapLayers()
        settings.save(Preferences())
