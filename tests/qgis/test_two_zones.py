"""A time series across a UTM zone border (Sentinel-2 tiles of two zones, as every math76 site):
the inference panel asks before warping the mosaics onto one grid, Processing has a parameter
for it; without either, one line that names the three ways (before: the panel and Processing
could not run such a series at all, and the message named a command-line flag)."""

from __future__ import annotations

import pytest
from qgis.core import QgsCoordinateReferenceSystem, QgsProcessingException, QgsProject, QgsRasterLayer
from qgis.gui import QgsMapCanvas
from tsm_testkit import bare_soil_model

from thaw_slump_mapper.adapters import settings
from thaw_slump_mapper.adapters.processing.provider import PROVIDER_ID
from thaw_slump_mapper.core.preferences import Preferences
from thaw_slump_mapper.core.store.candidates import read_candidates
from thaw_slump_mapper.core.synthetic import SceneSpec, generate


@pytest.fixture(scope="module")
def two_zones(tmp_path_factory):
    """The 2021 mosaic of a synthetic scene warped into the neighbouring UTM zone (EPSG:32645)."""
    from osgeo import gdal

    gdal.UseExceptions()
    folder = tmp_path_factory.mktemp("zones")
    scene = generate(folder / "scene", SceneSpec(width=256, height=256, years=(2019, 2021), n_slumps=3, seed=4))
    (first, _), (second, _) = scene.mosaics
    warped = folder / "mosaic_2021_utm45.tif"
    gdal.Warp(str(warped), str(second), dstSRS="EPSG:32645", resampleAlg="bilinear")
    return [(str(first), "2019"), (str(warped), "2021")]


@pytest.fixture
def layers(qgis_app, two_zones, tmp_path):
    settings.save(Preferences(cache_dir=str(tmp_path / "cache")))
    found = [QgsRasterLayer(path, f"s2_{date}") for path, date in two_zones]
    assert {lyr.crs().authid() for lyr in found} == {"EPSG:32646", "EPSG:32645"}
    QgsProject.instance().addMapLayers(found)
    yield found
    QgsProject.instance().removeAllMapLayers()
    settings.save(Preferences())


def test_the_panel_asks_before_warping_a_series_of_two_zones(layers, fake_iface, tmp_path, monkeypatch):
    from test_inference_dock import _candidates, wait_for

    from thaw_slump_mapper.ui.inference.controller import InferenceController
    from thaw_slump_mapper.ui.inference.dock import AREA_MOSAICS, InferenceDock

    canvas = QgsMapCanvas()
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:32646"))
    canvas.setExtent(layers[0].extent())
    fake_iface.mapCanvas.return_value = canvas
    dock = InferenceDock()
    controller = InferenceController(fake_iface, dock)
    try:
        controller.add_model_path(str(bare_soil_model(tmp_path / "bare.onnx")))
        for layer, date in zip(layers, ("2019", "2021")):
            dock.set_mosaic_used(layer.id(), True, date)
        dock.output.setFilePath(str(tmp_path / "cand.gpkg"))
        dock.area.setCurrentIndex(dock.area.findData(AREA_MOSAICS))
        asked = []
        monkeypatch.setattr(controller, "_ask_warp", lambda crss: asked.append(crss) or False)
        dock.run_button.click()  # declined: nothing runs, nothing is written
        assert [[c.to_string() for c in crss] for crss in asked] == [["EPSG:32646", "EPSG:32645"]]
        assert controller.task is None and not (tmp_path / "cand.gpkg").exists()
        monkeypatch.setattr(controller, "_ask_warp", lambda crss: True)
        dock.run_button.click()
        wait_for(lambda: controller.task is None, timeout=120)
        (layer,) = _candidates(QgsProject.instance())
        assert layer.featureCount() > 0
        assert "over 2 dates measured" in dock.status.text()  # the series was measured as one
    finally:
        controller.unload()


def test_processing_warps_when_asked_and_names_the_ways_when_not(provider, layers, tmp_path):
    import processing

    params = {"MOSAICS": [lyr.id() for lyr in layers], "DATES": "2019,2021",
              "MODEL": str(bare_soil_model(tmp_path / "m.onnx")), "OUTPUT": str(tmp_path / "c.gpkg")}
    with pytest.raises(QgsProcessingException) as err:
        processing.run(f"{PROVIDER_ID}:runmodel", params)
    assert "EPSG:32645" in str(err.value) and "Warp mosaics in other coordinate systems" in str(err.value)
    assert not (tmp_path / "c.gpkg").exists()
    out = processing.run(f"{PROVIDER_ID}:runmodel", {**params, "REPROJECT": True})
    assert out["COUNT"] > 0 and len(read_candidates(out["OUTPUT"])) == out["COUNT"]
