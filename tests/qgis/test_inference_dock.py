"""The inference dock driven like a user: tick mosaics, pick a model, run on the view, cancel,
re-threshold; results arrive as a styled layer, errors as message-bar text."""

from __future__ import annotations

import json
import time
from dataclasses import replace

import numpy as np
import pytest
from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsGraduatedSymbolRenderer,
    QgsProject,
    QgsRasterLayer,
)
from qgis.gui import QgsMapCanvas
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QApplication
from tsm_testkit import BASIC, bare_soil_model, conv_model, write_raster

from thaw_slump_mapper.adapters import settings
from thaw_slump_mapper.adapters.layers import CANDIDATES_PROPERTY, PROBABILITY_PROPERTY
from thaw_slump_mapper.core.engine.models import openvino_available
from thaw_slump_mapper.core.preferences import Preferences
from thaw_slump_mapper.core.synthetic import SceneSpec, generate
from thaw_slump_mapper.ui.inference.controller import InferenceController
from thaw_slump_mapper.ui.inference.dock import COL_CHECK, COL_MASK, InferenceDock


def wait_for(condition, timeout=60.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        QApplication.processEvents()
        if condition():
            return
        time.sleep(0.01)
    raise AssertionError("timed out")


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("scene"), SceneSpec(width=384, height=384, years=(2019, 2021),
                                                                n_slumps=4, seed=11))


@pytest.fixture
def setup(qgis_app, fake_iface, scene, tmp_path):
    project = QgsProject.instance()
    project.removeAllMapLayers()
    project.removeEntry("thaw_slump_mapper", "mosaics")
    settings.save(Preferences(cache_dir=str(tmp_path / "cache")))
    layers = [QgsRasterLayer(str(p), f"planet_{y}") for p, y in scene.mosaics]
    project.addMapLayers(layers)
    canvas = QgsMapCanvas()
    canvas.resize(600, 600)
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:32646"))
    canvas.setExtent(layers[0].extent())
    fake_iface.mapCanvas.return_value = canvas
    dock = InferenceDock()
    controller = InferenceController(fake_iface, dock)
    controller.add_model_path(str(bare_soil_model(tmp_path / "bare.onnx")))
    for layer, (_, year) in zip(layers, scene.mosaics):
        dock.set_mosaic_used(layer.id(), True, str(year))
    dock.output.setFilePath(str(tmp_path / "cand.gpkg"))
    yield project, dock, controller, layers, canvas
    controller.unload()
    project.removeAllMapLayers()
    project.removeEntry("thaw_slump_mapper", "mosaics")
    settings.save(Preferences())


def _candidates(project):
    return [lyr for lyr in project.mapLayers().values() if lyr.customProperty(CANDIDATES_PROPERTY)]


def test_run_on_current_view_adds_a_styled_candidates_layer(setup, tmp_path):
    project, dock, controller, layers, _ = setup
    assert controller.validate()
    assert "4 bands B,G,R,N · 16-bit SR · 3.0 m · EPSG:32646" in dock.table.item(0, COL_CHECK).text()
    assert "converted to the model's reflectance" in dock.table.item(0, COL_CHECK).toolTip()
    # the dock names the runtime: auto is the one measured faster for this model here (onnxruntime without
    # OpenVINO); a new setting loads the model again
    autos = ("CPU (openvino)", "CPU (onnxruntime)") if openvino_available() else ("CPU (onnxruntime)",)
    assert any(dock.model_summary.text().endswith(f"runs on {auto}") for auto in autos), dock.model_summary.text()
    settings.save(replace(settings.load(), backend="onnxruntime"))
    assert controller.validate() and dock.model_summary.text().endswith("runs on CPU (onnxruntime)")
    dock.run_button.click()
    assert not dock.run_button.isEnabled() and dock.cancel_button.isEnabled()
    wait_for(lambda: controller.task is None)
    (layer,) = _candidates(project)
    assert layer.featureCount() > 0
    assert isinstance(layer.renderer(), QgsGraduatedSymbolRenderer) and layer.renderer().classAttribute() == "max_prob"
    ranges = layer.renderer().ranges()  # copies: held while their symbols are read
    legend = [r.label() for r in ranges]  # fixed classes (was '1 - 1' five times)
    assert legend == ["0.0 – 0.6", "0.6 – 0.7", "0.7 – 0.8", "0.8 – 0.9", "0.9 – 1.0"], legend
    strokes = {r.symbol().symbolLayer(0).strokeColor().name() for r in ranges}
    assert len(strokes) == 5 and all(r.symbol().symbolLayer(0).fillColor().alpha() == 0 for r in ranges)
    assert project.layerTreeRoot().findGroup("Thaw Slump Mapper").findLayer(layer.id()) is not None
    assert "candidates" in dock.status.text() and dock.run_button.isEnabled()
    assert dock.tune_box.isEnabled()

    # a second run over the same view adds nothing twice
    first = layer.featureCount()
    dock.run_button.click()
    wait_for(lambda: controller.task is None)
    assert _candidates(project)[0].featureCount() == first
    assert "came from the cache" in dock.status.text()

    # live threshold: stricter threshold, fewer candidates, same layer
    dock.threshold.setValue(95)
    wait_for(lambda: controller.task is None and "threshold 0.95" in dock.status.text())
    assert _candidates(project)[0].featureCount() < first
    # the user's choices live in the project
    saved = json.loads(project.readEntry("thaw_slump_mapper", "mosaics")[0])
    assert saved[layers[0].id()] == {"use": True, "date": "2019", "mask": ""}


def test_cancel_stops_within_a_tile_and_leaves_no_candidates(setup, tmp_path):
    project, dock, controller, _, _ = setup
    model = controller.model(dock.model_path())
    real_run = model.backend.run
    calls = []

    def slow(batch):
        calls.append(len(batch))
        time.sleep(0.2)
        return real_run(batch)

    model.backend.run = slow
    try:
        dock.run_button.click()
        wait_for(lambda: len(calls) >= 1)
        dock.cancel_button.click()
        wait_for(lambda: controller.task is None)
    finally:
        model.backend.run = real_run
    assert len(calls) <= 3  # stopped within a batch or two of the click, not after all tiles
    assert "Cancelled" in dock.status.text()
    assert not (tmp_path / "cand.gpkg").exists()
    assert not list((tmp_path / "cache").glob("prob_*.vrt"))  # no raster that looks complete
    assert all(p.is_dir() for p in (tmp_path / "cache").iterdir())  # only the run's chunk folder, to resume
    assert _candidates(project) == []


def test_engine_errors_reach_the_message_bar_with_the_fix(setup, fake_iface, tmp_path):
    project, dock, controller, _, _ = setup
    rgb = write_raster(tmp_path / "rgb_2020.tif", np.full((3, 64, 64), 90, np.uint8))
    layer = QgsRasterLayer(str(rgb), "rgb_2020")
    project.addMapLayer(layer)
    for row in range(dock.table.rowCount()):
        dock.table.item(row, 0).setCheckState(0)
    dock.set_mosaic_used(layer.id(), True, "2020")
    assert not controller.validate()
    assert "needs 'nir'" in dock.fit_label.text()
    dock.run_button.click()
    wait_for(lambda: controller.task is None)
    _, text, detail, level, _ = fake_iface.messageBar().pushMessage.call_args.args
    assert level == Qgis.MessageLevel.Critical and "needs 'nir'" in text and "--band-map" in text
    assert "Traceback" in detail  # the full detail is offered, the message itself stays plain


def test_nothing_ticked_or_no_model_is_said_plainly(setup, fake_iface):
    _, dock, controller, _, _ = setup
    for row in range(dock.table.rowCount()):
        dock.table.item(row, 0).setCheckState(0)
    dock.run_button.click()
    assert controller.task is None
    text = fake_iface.messageBar().pushMessage.call_args.args[1]
    assert "No mosaic is ticked" in text


def test_model_with_wrong_description_is_explained_before_running(setup, tmp_path):
    _, dock, controller, _, _ = setup
    bad = conv_model(tmp_path / "three.onnx", np.ones((1, 3, 1, 1)), np.zeros(1), sidecar=BASIC)
    controller.add_model_path(str(bad))
    assert not controller.validate()
    assert "takes 3 input bands" in dock.fit_label.text()


def test_mask_column_finds_the_scenes_udm_and_the_run_masks_what_it_flags(qgis_app, fake_iface, tmp_path):
    import rasterio

    from thaw_slump_mapper.core.engine.inference import NODATA

    project = QgsProject.instance()
    project.removeAllMapLayers()
    project.removeEntry("thaw_slump_mapper", "mosaics")
    settings.save(Preferences(cache_dir=str(tmp_path / "cache")))
    scene_id = "20200715_101010_1a2b"
    data = np.random.default_rng(0).integers(1, 4000, (4, 64, 64)).astype(np.uint16)
    sr = write_raster(tmp_path / f"{scene_id}_3B_AnalyticMS_SR_clip.tif", data)
    udm = np.zeros((1, 64, 64), np.uint8)
    udm[0, :, 40:] = 0b10  # cloud over the east
    write_raster(tmp_path / f"{scene_id}_3B_AnalyticMS_DN_udm_clip.tif", udm, nodata=None)
    layer = QgsRasterLayer(str(sr), "planet_2020")
    project.addMapLayer(layer)
    canvas = QgsMapCanvas()
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:32646"))
    canvas.setExtent(layer.extent())
    fake_iface.mapCanvas.return_value = canvas
    dock = InferenceDock()
    controller = InferenceController(fake_iface, dock)
    try:
        controller.add_model_path(str(conv_model(tmp_path / "m.onnx", np.array([8.0, -6, 5, -2]).reshape(1, 4, 1, 1),
                                                 np.array([0.3]), sidecar=BASIC)))
        assert dock.table.item(0, COL_MASK).text() == "UDM"
        assert dock.table.item(0, COL_MASK).toolTip().endswith("_DN_udm_clip.tif")
        dock.set_mosaic_used(layer.id(), True, "2020")
        assert dock.selected_mosaics()[0][3].endswith("_DN_udm_clip.tif")
        dock.output.setFilePath(str(tmp_path / "cand.gpkg"))
        dock.run_button.click()
        assert controller.task is not None
        wait_for(lambda: controller.task is None, 60)
        (prob,) = list((tmp_path / "cache").glob("prob_*.vrt"))
        with rasterio.open(prob) as src:
            values = src.read(1)
        assert (values[:, 40:] == NODATA).all() and (values[:, :40] != NODATA).all()
        # "No mask" is remembered in the project: the next refresh does not bring the UDM back
        dock.set_mask(0, "")
        dock.refresh_layers(project)
        assert dock.table.item(0, COL_MASK).text() == "—" and dock.selected_mosaics()[0][3] == ""
        # a wrong file as a mask is named in the check column before anything runs
        dock.set_mask(0, str(sr))
        assert not controller.validate()
        assert "has 4 bands" in dock.table.item(0, COL_CHECK).text()
    finally:
        controller.unload()
        project.removeAllMapLayers()
        project.removeEntry("thaw_slump_mapper", "mosaics")
        settings.save(Preferences())


def test_the_full_date_in_a_file_name_beats_a_year_in_the_layer_name():
    from thaw_slump_mapper.core.engine.raster import best_date

    assert best_date("planet_2016", "/d/20160909_213104_0e19_3B_AnalyticMS_SR_clip.tif") == "2016-09-09"
    assert best_date("planet_2019", "/d/20160909_213104_0e19_SR.tif") == "2019"  # the user's name wins
    assert best_date("clip", "/d/mosaic_2021.tif") == "2021"
    assert best_date("2020-07-15 mosaic", "/d/mosaic.tif") == "2020-07-15"


def test_ticked_mosaics_show_in_natural_colour_with_one_stretch_but_user_styles_stay(qgis_app, fake_iface, tmp_path):
    from qgis.core import QgsMultiBandColorRenderer, QgsSingleBandGrayRenderer

    project = QgsProject.instance()
    project.removeAllMapLayers()
    project.removeEntry("thaw_slump_mapper", "mosaics")
    rng = np.random.default_rng(5)
    paths = [write_raster(tmp_path / f"planet_{y}.tif",
                          rng.integers(100, 3000 + 500 * i, (4, 40, 40)).astype(np.uint16))
             for i, y in enumerate((2019, 2021))]
    layers = [QgsRasterLayer(str(p), p.stem) for p in paths]
    styled_by_user = QgsRasterLayer(str(paths[0]), "my_grey")
    styled_by_user.setRenderer(QgsSingleBandGrayRenderer(styled_by_user.dataProvider(), 4))
    project.addMapLayers([*layers, styled_by_user])
    fake_iface.mapCanvas.return_value = QgsMapCanvas()
    dock = InferenceDock()
    controller = InferenceController(fake_iface, dock)
    try:
        controller.add_model_path(str(bare_soil_model(tmp_path / "bare.onnx")))
        assert (layers[0].renderer().redBand(), layers[0].renderer().blueBand()) == (1, 3)  # QGIS's default
        for layer in (*layers, styled_by_user):
            dock.set_mosaic_used(layer.id(), True, "2019")
        controller.validate()
        limits = set()
        for layer in layers:
            r = layer.renderer()
            assert isinstance(r, QgsMultiBandColorRenderer)
            assert (r.redBand(), r.greenBand(), r.blueBand()) == (3, 2, 1)  # B,G,R,N: red is band 3
            limits.add((r.redContrastEnhancement().minimumValue(), r.blueContrastEnhancement().maximumValue()))
        assert len(limits) == 1  # one stretch for both years
        assert isinstance(styled_by_user.renderer(), QgsSingleBandGrayRenderer)  # the user's style stays
        controller.natural_colour_now()  # on request it is applied to every ticked mosaic
        assert isinstance(styled_by_user.renderer(), QgsMultiBandColorRenderer)
        # a band mapping for stacks in R,G,B,N order (Sentinel-2): the map shows them as the run reads them
        dock.band_map.setText("red=1,green=2,blue=3,nir=4")
        controller.validate()
        for layer in layers:
            r = layer.renderer()
            assert (r.redBand(), r.greenBand(), r.blueBand()) == (1, 2, 3)
    finally:
        controller.unload()
        project.removeAllMapLayers()
        project.removeEntry("thaw_slump_mapper", "mosaics")


def test_candidates_belong_to_the_project_and_another_crs_is_asked_about(qgis_app, fake_iface, tmp_path):
    import hashlib
    import shutil

    import rasterio

    from thaw_slump_mapper.core.store.candidates import file_crs

    project = QgsProject.instance()
    project.clear()
    settings.save(Preferences(cache_dir=str(tmp_path / "cache")))
    canvas = QgsMapCanvas()
    fake_iface.mapCanvas.return_value = canvas
    dock = InferenceDock()
    controller = InferenceController(fake_iface, dock)
    written = []
    controller.candidates_written.connect(written.append)
    try:
        assert dock.default_output(project) == ""  # unsaved project: asked at the first run, never ~/…
        project.setFileName(str(tmp_path / "site.qgz"))
        assert dock.default_output(project) == str(tmp_path / "site_candidates.gpkg")
        scene = generate(tmp_path / "s", SceneSpec(width=128, height=128, years=(2021,), n_slumps=2, seed=2))
        layer = QgsRasterLayer(str(scene.mosaics[0][0]), "planet_2021")
        project.addMapLayer(layer)
        canvas.setDestinationCrs(layer.crs())
        canvas.setExtent(layer.extent())
        controller.add_model_path(str(bare_soil_model(tmp_path / "bare.onnx")))
        dock.set_mosaic_used(layer.id(), True, "2021")
        dock.output.setFilePath("")
        dock.run_button.click()
        wait_for(lambda: controller.task is None)
        gpkg = tmp_path / "site_candidates.gpkg"
        assert gpkg.is_file() and written == [str(gpkg)]
        assert project.readEntry("thaw_slump_mapper", "candidates")[0] == str(gpkg)  # remembered in the project
        # a mosaic in another UTM zone: the user is asked, and 'new file' keeps the first file untouched
        other = tmp_path / "other_2022.tif"
        shutil.copy(scene.mosaics[0][0], other)
        with rasterio.open(other, "r+") as dst:
            dst.crs = rasterio.crs.CRS.from_epsg(32603)
        second = QgsRasterLayer(str(other), "planet_2022")
        project.addMapLayer(second)
        dock.set_mosaic_used(layer.id(), False)
        dock.set_mosaic_used(second.id(), True, "2022")
        canvas.setDestinationCrs(second.crs())
        canvas.setExtent(second.extent())
        before = hashlib.sha256(gpkg.read_bytes()).hexdigest()
        asked = []
        controller._ask_other_crs = lambda *a: asked.append(a) or "cancel"
        dock.run_button.click()
        assert asked and controller.task is None  # cancelled before anything ran
        controller._ask_other_crs = lambda *a: "new"
        dock.run_button.click()
        wait_for(lambda: controller.task is None)
        assert hashlib.sha256(gpkg.read_bytes()).hexdigest() == before
        separate = tmp_path / "site_candidates_EPSG32603.gpkg"
        assert file_crs(separate).to_epsg() == 32603 and written[-1] == str(separate)
        # a new project starts clean: no file of the previous one, no run to re-threshold
        project.clear()
        assert dock.output.filePath() == "" and controller.last is None and not dock.tune_box.isEnabled()
    finally:
        controller.unload()
        project.clear()
        settings.save(Preferences())


def test_no_layer_the_run_adds_makes_qgis_warn_about_temporary_layers(setup, tmp_path, monkeypatch):
    # QGIS asks "temporary layers… will be lost" on every close for a layer inside the system's
    # temporary folder; the probability cache may well be there (and is evicted by size anyway)
    project, dock, controller, _, _ = setup
    systemp = tmp_path / "systemp"
    (systemp / "cache").mkdir(parents=True)
    monkeypatch.setenv("TMPDIR", str(systemp))
    settings.save(Preferences(cache_dir=str(systemp / "cache")))
    (tmp_path / "project").mkdir()
    gpkg = tmp_path / "project" / "cand.gpkg"
    dock.output.setFilePath(str(gpkg))
    dock.add_probability.setChecked(True)
    dock.run_button.click()
    wait_for(lambda: controller.task is None)
    (cached,) = list((systemp / "cache").glob("prob_*.vrt"))
    assert QgsRasterLayer(str(cached), "control").isTemporary()  # QGIS does read TMPDIR here
    added = [lyr for lyr in project.mapLayers().values()
             if lyr.customProperty(CANDIDATES_PROPERTY) or lyr.customProperty(PROBABILITY_PROPERTY)]
    assert len(added) == 2 and not any(lyr.isTemporary() for lyr in added)
    assert not any(lyr.isTemporary() for lyr in project.mapLayers().values())
    (prob,) = [lyr for lyr in added if lyr.customProperty(PROBABILITY_PROPERTY)]
    assert prob.isValid() and prob.source() == str(gpkg.with_name("cand_probability") / cached.name)
    assert prob.bandCount() == 4 and prob.dataProvider().sample(prob.extent().center(), 1)[1]  # chunks came along
    # a result, not a mosaic: not offered in the mosaic table
    assert prob.id() not in [dock.table.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(dock.table.rowCount())]


def test_the_mosaic_table_shows_several_rows_and_the_dock_fits_a_narrow_width(setup, scene):
    project, dock, _, _, _ = setup
    # five mosaics, as after reopening a project: the table must not shrink to one row
    project.addMapLayers([QgsRasterLayer(str(scene.mosaics[i % 2][0]), f"copy {i}") for i in range(3)])
    assert dock.table.rowCount() == 5
    dock.show()
    dock.resize(300, 200)  # narrow and low (a dock shared with others): the body scrolls, the table keeps its rows
    QApplication.processEvents()
    table = dock.table
    # a table's own minimum is about one row; the scroll area squeezes it there when the dock is
    # low (seen after a restart): the dock asks for room for several rows instead
    assert table.minimumHeight() >= table.horizontalHeader().height() + sum(table.rowHeight(r) for r in range(4))
    visible = table.rowAt(table.viewport().height() - 1)
    assert visible == -1 or visible >= 3, visible  # -1: every row fits
    assert table.viewport().height() >= sum(table.rowHeight(r) for r in range(4))
    area = dock.widget()
    assert area.horizontalScrollBar().maximum() == 0, area.widget().minimumSizeHint().width()
    dock.hide()


def test_the_layer_column_follows_a_rename_until_unload(setup):
    _, dock, controller, layers, _ = setup
    names = [dock.table.item(r, 1).text() for r in range(dock.table.rowCount())]
    row = names.index(layers[0].name())
    layers[0].setName("Planet 2019 renamed")
    assert dock.table.item(row, 1).text() == "Planet 2019 renamed"
    controller.unload()
    layers[0].setName("after unload")
    assert dock.table.item(row, 1).text() == "Planet 2019 renamed"  # no longer connected


def test_area_choices_run_on_a_study_area_layer_or_the_whole_mosaics(setup, tmp_path):
    from qgis.core import QgsFeature, QgsGeometry, QgsVectorLayer

    from thaw_slump_mapper.ui.inference.dock import AREA_LAYER, AREA_MOSAICS

    project, dock, controller, layers, canvas = setup
    full = layers[0].extent()
    # the user zoomed into a corner: "whole mosaics" must not depend on the view
    canvas.setExtent(full.buffered(-full.width() * 0.4))
    dock.area.setCurrentIndex(dock.area.findData(AREA_MOSAICS))
    assert dock.run_button.text() == "Run on whole mosaics" and not dock.area_layer.isVisibleTo(dock)
    seen = []
    dock.progress.valueChanged.connect(lambda _v: seen.append(dock.progress.format()))
    dock.run_button.click()
    wait_for(lambda: controller.task is None)
    whole = controller.last
    with rasterio_open(whole["prob"]) as src:
        assert (src.width, src.height) == (384, 384)
    assert any("/s" in text for text in seen)  # tiles per second shown while it runs

    area = QgsVectorLayer("Polygon?crs=EPSG:32646", "study area", "memory")
    feature = QgsFeature()
    x0, y1 = full.xMinimum(), full.yMaximum()
    feature.setGeometry(QgsGeometry.fromWkt(  # a strip along the top, 40 px high, 3 m pixels
        f"POLYGON(({x0} {y1}, {x0 + 384 * 3} {y1}, {x0 + 384 * 3} {y1 - 120}, {x0} {y1 - 120}, {x0} {y1}))"))
    area.dataProvider().addFeatures([feature])
    project.addMapLayer(area)
    dock.area.setCurrentIndex(dock.area.findData(AREA_LAYER))
    dock.area_layer.setLayer(area)
    assert dock.run_button.text() == "Run on area" and dock.area_layer.isVisibleTo(dock)
    dock.run_button.click()
    wait_for(lambda: controller.task is None)
    with rasterio_open(controller.last["prob"]) as src:
        assert (src.width, src.height) == (384, 40)  # the area's bounds, not the view's
        assert src.tags()["TSM_AOI"] == "study area"


def test_area_layer_mode_without_a_layer_says_what_to_do(setup):
    from thaw_slump_mapper.ui.inference.dock import AREA_LAYER

    _, dock, controller, _, _ = setup
    dock.area.setCurrentIndex(dock.area.findData(AREA_LAYER))
    messages = []
    controller._message = lambda text, level: messages.append(text)
    dock.run_button.click()
    assert controller.task is None and messages and "polygon layer" in messages[0]


def rasterio_open(path):
    import rasterio

    return rasterio.open(path)


@pytest.fixture(scope="module")
def dask_scheduler():
    distributed = pytest.importorskip("distributed", reason="Dask is optional (requirements/cluster.txt)")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        yield cluster.scheduler_address


def test_a_run_goes_to_the_dask_scheduler_of_the_settings(setup, dask_scheduler, tmp_path):
    from thaw_slump_mapper.ui.inference.dock import AREA_MOSAICS, RUN_CLUSTER

    project, dock, controller, _, _ = setup
    settings.save(Preferences(cache_dir=str(tmp_path / "cache"), cluster_address=dask_scheduler))
    dock.area.setCurrentIndex(dock.area.findData(AREA_MOSAICS))
    dock.where.setCurrentIndex(dock.where.findData(RUN_CLUSTER))
    dock.run_button.click()
    assert "Dask scheduler" in dock.status.text() and dask_scheduler in dock.status.text()
    wait_for(lambda: controller.task is None, timeout=180)
    (layer,) = _candidates(project)
    assert layer.featureCount() > 0
    with rasterio_open(controller.last["prob"]) as src:
        assert "Dask cluster of 2 workers" in src.tags()["TSM_MODEL"] and (src.width, src.height) == (384, 384)
    assert "Dask cluster" in dock.status.text()  # the summary names what ran it


def test_the_cluster_choice_without_an_address_says_where_to_set_it(setup):
    from thaw_slump_mapper.ui.inference.dock import RUN_CLUSTER

    _, dock, controller, _, _ = setup
    dock.where.setCurrentIndex(dock.where.findData(RUN_CLUSTER))
    messages = []
    controller._message = lambda text, level: messages.append(text)
    dock.run_button.click()
    assert controller.task is None and len(messages) == 1
    assert "No Dask scheduler address is set" in messages[0] and "Options" in messages[0]


def test_the_runtime_is_chosen_in_the_dock_and_the_model_line_names_it(setup):
    pytest.importorskip("openvino", reason="OpenVINO is optional (requirements/openvino.txt)")
    _, dock, controller, _, _ = setup
    dock.show()
    for backend, words in (("onnxruntime", "CPU (onnxruntime)"), ("openvino", "CPU (openvino)"),
                           ("openvino-bf16", "CPU (openvino")):
        dock.runtime.setCurrentIndex(dock.runtime.findData(backend))
        assert settings.load().backend == backend  # the dock's choice is the setting
        assert words in dock.model_summary.text()
    settings.save(replace(settings.load(), backend="onnxruntime"))  # as the options page does
    controller.validate()
    assert dock.runtime.currentData() == "onnxruntime" and "CPU (onnxruntime)" in dock.model_summary.text()
    dock.hide()


def test_the_check_column_keeps_each_row_to_two_lines_with_the_whole_check_in_its_tooltip(qgis_app, tmp_path):
    """Issue 27: the Check column wrapped to 5-6 lines, so rows moved under the pointer as checks arrived."""
    from qgis.core import QgsRasterLayer

    project = QgsProject.instance()
    project.removeAllMapLayers()
    layer = QgsRasterLayer(str(write_raster(tmp_path / "planet_2020.tif", np.ones((4, 20, 20), np.uint16))),
                           "planet_2020")
    project.addMapLayer(layer)
    dock = InferenceDock()
    dock.resize(420, 700)
    dock.show()
    try:
        dock.refresh_layers(project)
        before = dock.table.rowHeight(0)
        qgis_app.processEvents()
        body = dock.widget().widget()
        cancel_at = dock.cancel_button.mapTo(body, dock.cancel_button.rect().topLeft()).y()
        text = "\n".join(["4 bands B,G,R,N · 16-bit SR · 3.0 m · EPSG:32646",
                          "The model expects 3 bands in the order red, green, blue; this mosaic gives them as "
                          "blue, green, red, near-infrared, so the colours would be swapped.",
                          "Half of the tiles are NoData at the edges of the scene; those are left out.",
                          "The pixel size 3.0 m differs from the model's 4.77 m; tiles are resampled on the fly."])
        dock.set_check(layer.id(), text, False)
        item = dock.table.item(0, COL_CHECK)
        assert item.text().startswith("✖ The model expects 3 bands") and "EPSG:32646" in item.text()
        assert item.toolTip() == text
        assert dock.table.rowHeight(0) <= 2 * dock.table.fontMetrics().lineSpacing() + 8
        assert dock.table.rowHeight(0) == before  # the same height before and after the check
        dock.set_running(True)  # a run starts: Cancel stays under the pointer (it moved ~60 px)
        qgis_app.processEvents()
        assert dock.cancel_button.mapTo(body, dock.cancel_button.rect().topLeft()).y() == cancel_at
    finally:
        dock.close()
        project.removeAllMapLayers()


def test_the_model_area_and_tuning_come_back_with_the_project_and_no_area_layer_is_chosen_for_the_user(
        qgis_app, fake_iface, tmp_path):
    """Issue 27: the chosen model, Area, threshold and steps reset when the project was reopened;
    "Area layer" defaulted to the plugin's own candidates layer."""
    from qgis.core import QgsVectorLayer

    from thaw_slump_mapper.ui.inference.dock import AREA_LAYER
    from thaw_slump_mapper.ui.review.dock import ReviewDock

    project = QgsProject.instance()
    project.clear()
    fake_iface.mapCanvas.return_value = QgsMapCanvas()
    candidates = QgsVectorLayer("Polygon?crs=EPSG:32646", "Slump candidates", "memory")
    candidates.setCustomProperty(CANDIDATES_PROPERTY, str(tmp_path / "c.gpkg"))
    study = QgsVectorLayer("Polygon?crs=EPSG:32646", "study area", "memory")
    project.addMapLayers([candidates, study])
    model = str(bare_soil_model(tmp_path / "bare.onnx"))
    dock, review = InferenceDock(), ReviewDock()
    controller = InferenceController(fake_iface, dock)
    try:
        assert dock.area_layer.currentLayer() is None  # not the plugin's own candidates layer
        controller.add_model_path(model)
        dock.model_combo.setCurrentIndex(dock.model_combo.findData(model))
        dock.area.setCurrentIndex(dock.area.findData(AREA_LAYER))
        dock.area_layer.setLayer(study)
        dock.threshold.setValue(70)
        dock.min_area.setValue(800)
        review.steps.setValue(1234)
        assert project.write(str(tmp_path / "site.qgs"))
        project.clear()
    finally:
        controller.unload()
    # QGIS restarted: new docks, the project opened again
    dock, review = InferenceDock(), ReviewDock()
    controller = InferenceController(fake_iface, dock)
    try:
        assert project.read(str(tmp_path / "site.qgs"))
        review.restore_training_choices(project)  # what the review controller does on readProject
        assert dock.model_path() == model and dock.area.currentData() == AREA_LAYER
        assert dock.area_layer.currentLayer() is not None and dock.area_layer.currentLayer().name() == "study area"
        assert dock.threshold.value() == 70 and dock.min_area.value() == 800
        assert review.steps.value() == 1234
    finally:
        controller.unload()
        project.clear()
        settings.save(Preferences())
