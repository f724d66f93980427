"""The review dock by keyboard: every decision lands in the GeoPackage the moment it is made."""

from __future__ import annotations

import sqlite3
import time

import pytest
from qgis.core import QgsCoordinateReferenceSystem, QgsProject
from qgis.gui import QgsMapCanvas
from qgis.PyQt.QtCore import QEvent, Qt
from qgis.PyQt.QtTest import QTest
from qgis.PyQt.QtWidgets import QApplication
from tsm_testkit import bare_soil_model, starter_next_version

from thaw_slump_mapper.adapters import settings
from thaw_slump_mapper.adapters.compat import FORM_SUPPRESS_ON
from thaw_slump_mapper.core.engine.inference import InferenceParams, run_inference
from thaw_slump_mapper.core.engine.raster import MosaicSpec
from thaw_slump_mapper.core.engine.vectorize import VectorizeParams, vectorize
from thaw_slump_mapper.core.preferences import Preferences
from thaw_slump_mapper.core.store.candidates import write_candidates
from thaw_slump_mapper.core.synthetic import SceneSpec, generate
from thaw_slump_mapper.ui.review.controller import ReviewController
from thaw_slump_mapper.ui.review.dialogs import TimelapseDialog
from thaw_slump_mapper.ui.review.dock import ReviewDock
from thaw_slump_mapper.ui.review.keys import KeyPace, now

FAST = dict(gap=0.05, lock=0.05, look=0.05)  # the pacing of the keys, shortened for the tests of other things


@pytest.fixture
def review(qgis_app, fake_iface, tmp_path):
    scene = generate(tmp_path / "scene", SceneSpec(width=384, height=384, years=(2019, 2020, 2021), n_slumps=4,
                                                   seed=11))
    mosaics = [(str(p), str(y)) for p, y in scene.mosaics]
    prob = run_inference(InferenceParams(tuple(MosaicSpec(p, d) for p, d in mosaics),
                                         str(bare_soil_model(tmp_path / "m.onnx")), cache_dir=str(tmp_path / "c")))
    gpkg = tmp_path / "cand.gpkg"
    write_candidates(gpkg, vectorize(prob.path, VectorizeParams(0.5, 300)), {"threshold": 0.5})
    settings.save(Preferences(reviewer="Tester"))
    canvas = QgsMapCanvas()
    canvas.resize(500, 500)
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:32646"))
    fake_iface.mapCanvas.return_value = canvas
    dock = ReviewDock()
    dock.pace = KeyPace(**FAST)
    controller = ReviewController(fake_iface, dock, lambda: mosaics)
    dock.gpkg.setFilePath(str(gpkg))
    dock.order.setCurrentIndex(dock.order.findData("probability"))
    dock.show()
    yield dock, controller, gpkg, canvas
    controller.unload()
    dock.deleteLater()
    QgsProject.instance().removeAllMapLayers()
    settings.save(Preferences())


def _status(gpkg):
    return dict(sqlite3.connect(gpkg).execute("SELECT candidate_id, status || '/' || coalesce(reject_reason, '') "
                                               "FROM candidates").fetchall())


def _key(dock, key, widget=None):
    """A person's key press: with the focus on ``widget`` (the dock by default), after the pause a
    person takes, then until the key has acted."""
    widget = widget or dock
    if QApplication.focusWidget() is not widget:
        QApplication.setActiveWindow(widget.window())
        widget.setFocus()
        QApplication.processEvents()
    time.sleep(dock.pace.wait_s(now()))
    QTest.keyClick(widget, key)
    _settle(lambda: not dock.key_pending())


def test_keyboard_review_commits_each_decision(review):
    dock, controller, gpkg, canvas = review
    dock.start.click()
    n = len(controller.queue)
    assert n >= 4 and "Candidate 1 of" in dock.header.text()
    assert dock.strip.count() == 3 + 1  # one thumbnail per year (+ stretch)
    first = controller.queue[0]["candidate_id"]
    assert canvas.extent().contains(controller.queue[0]["geometry"].centroid.x,
                                    controller.queue[0]["geometry"].centroid.y)
    _key(dock, Qt.Key.Key_A)
    assert _status(gpkg)[first] == "accepted/"  # committed before anything else happens
    second = controller.queue[1]["candidate_id"]
    _key(dock, Qt.Key.Key_1)  # reject as water
    assert _status(gpkg)[second] == "rejected/water"
    third = controller.queue[2]["candidate_id"]
    _key(dock, Qt.Key.Key_U)
    assert _status(gpkg)[third] == "unsure/"
    _key(dock, Qt.Key.Key_Space)  # skip the fourth
    assert controller.index == 4 % n
    _key(dock, Qt.Key.Key_B)  # back to the skipped one
    assert controller.index == 3
    assert f"3 of {n} reviewed" in dock.counters.text()
    reviewer = sqlite3.connect(gpkg).execute("SELECT DISTINCT reviewer FROM candidates WHERE status != "
                                             "'unreviewed'").fetchall()
    assert reviewer == [("Tester",)]


def test_reopening_resumes_at_the_first_undecided_candidate(review):
    dock, controller, _gpkg, _ = review
    dock.start.click()
    _key(dock, Qt.Key.Key_A)
    _key(dock, Qt.Key.Key_A)
    total = len(controller.queue)
    dock.start.click()  # as after a restart: the queue is read again from the GeoPackage
    assert controller.queue[controller.index]["status"] == "unreviewed"
    assert len(controller.queue) == total - 2  # by default only what is still undecided
    assert f"2 of {total} reviewed" in dock.counters.text()
    dock.show_filter.setCurrentIndex(dock.show_filter.findData("all"))
    dock.start.click()
    assert len(controller.queue) == total and controller.index == 2  # jumps over the decided ones


def test_a_run_into_the_open_file_updates_the_queue_and_counters_at_once(review, tmp_path):
    """Seen: "28 of 28 reviewed" while 17 new candidates waited, until Start reviewing was pressed."""
    import numpy as np
    import rasterio
    from tsm_testkit import ORIGIN, UTM

    dock, controller, gpkg, _ = review
    dock.start.click()
    _key(dock, Qt.Key.Key_A)
    in_view = controller.queue[controller.index]["candidate_id"]
    total = len(controller.all_rows)
    v = np.zeros((40, 40), np.uint8)  # a new run finds two slumps far from the others
    v[5:15, 5:15] = v[25:35, 25:35] = 220
    with rasterio.open(tmp_path / "p2.tif", "w", driver="GTiff", width=40, height=40, count=1, dtype="uint8",
                       nodata=255, crs=UTM, transform=rasterio.transform.from_origin(ORIGIN[0] + 3000, ORIGIN[1], 3, 3)
                       ) as dst:
        dst.write(v, 1)
        dst.set_band_description(1, "2021")
        dst.update_tags(TSM_DATES='["2021"]', TSM_MODEL='{"name": "t", "version": "1"}')
    write_candidates(gpkg, vectorize(tmp_path / "p2.tif", VectorizeParams(0.5, 0)), {"threshold": 0.5})
    controller.file_changed(str(gpkg))  # what the inference dock's candidates_written signal calls
    assert len(controller.all_rows) == total + 2
    assert f"1 of {total + 2} reviewed" in dock.counters.text()
    assert controller.queue[controller.index]["candidate_id"] == in_view  # the reviewer stays where they were
    controller.file_changed(str(tmp_path / "another.gpkg"))  # another file: nothing changes
    assert len(controller.all_rows) == total + 2


def test_thumbnails_are_prepared_ahead(review):
    dock, controller, _, _ = review
    dock.start.click()
    QApplication.processEvents()  # the prefetch runs once the first candidate is on screen
    ahead = [r["candidate_id"] for r in controller.queue[1:4]]
    assert all(cid in controller.thumbs for cid in ahead)


def test_second_reviewer_blind_mode_and_agreement(review, monkeypatch):
    dock, controller, _gpkg, _ = review
    dock.start.click()
    first_two = [r["candidate_id"] for r in controller.queue[:2]]
    _key(dock, Qt.Key.Key_A)
    _key(dock, Qt.Key.Key_A)
    settings.save(Preferences(reviewer="Second"))
    dock.blind.setChecked(True)
    dock.start.click()
    assert all(r["status"] == "unreviewed" for r in controller.queue)  # a fresh queue for Second
    assert "probability" not in dock.header.text()  # blind: no model score shown
    for cid in first_two:  # Second judges the same two: one agrees, one not
        controller.index = next(i for i, r in enumerate(controller.queue) if r["candidate_id"] == cid)
        controller.decide("accepted" if cid == first_two[0] else "rejected", "water")
    shown = []
    monkeypatch.setattr("thaw_slump_mapper.ui.review.controller.QMessageBox.information",
                        lambda parent, title, text: shown.append(text))
    controller.show_agreement()
    assert shown and "Second and Tester: κ = 0.00 over 2 candidates, 1 disagreements" in shown[0]
    assert controller.disagreements == [first_two[1]]
    # the blind review changed no training label: the disagreement is out of training until settled
    assert "1 candidates where the reviewers disagree are left out of training" in shown[0]
    with sqlite3.connect(_gpkg) as conn:
        assert conn.execute("SELECT status FROM candidates WHERE candidate_id=?", (first_two[1],)).fetchone()[0] \
            == "unsure"
        assert conn.execute("SELECT count(*) FROM positives WHERE candidate_id=?", (first_two[1],)).fetchone()[0] == 0
    # an adjudicator goes through the disagreements: those decisions settle them
    settings.save(Preferences(reviewer="Chief"))
    dock.show_filter.setCurrentIndex(dock.show_filter.findData("disagreements"))
    dock.start.click()
    assert [r["candidate_id"] for r in controller.queue] == [first_two[1]]
    controller.index = 0
    controller.decide("accepted", "")
    with sqlite3.connect(_gpkg) as conn:
        assert conn.execute("SELECT status, reviewer FROM candidates WHERE candidate_id=?",
                            (first_two[1],)).fetchone() == ("accepted", "Chief")
        assert conn.execute("SELECT adjudicated FROM decisions WHERE reviewer='Chief'").fetchone()[0] == 1


def test_accept_records_activity_first_year_and_criteria(review):
    dock, controller, gpkg, _ = review
    dock.start.click()
    cid = controller.queue[controller.index]["candidate_id"]
    assert [dock.initiation.itemText(i) for i in range(1, dock.initiation.count())] == ["2019", "2020", "2021"]
    dock.activity.setCurrentIndex(dock.activity.findData("active"))
    dock.initiation.setCurrentIndex(dock.initiation.findData("2020"))
    dock.criteria["colour_contrast"].setChecked(True)
    dock.criteria["upslope_retreat"].setChecked(True)
    _key(dock, Qt.Key.Key_A)
    row = sqlite3.connect(gpkg).execute("SELECT activity, initiation_period, criteria FROM candidates WHERE "
                                        "candidate_id = ?", (cid,)).fetchone()
    assert row == ("active", "2020", "colour_contrast,upslope_retreat")
    assert dock.activity.currentData() is None and not dock.criteria["colour_contrast"].isChecked()  # reset


def test_edit_then_accept_records_the_edited_outline(review):
    from qgis.core import QgsGeometry
    from shapely import wkt as shapely_wkt

    dock, controller, gpkg, _ = review
    dock.start.click()
    cid = controller.queue[controller.index]["candidate_id"]
    old = controller.queue[controller.index]["geometry"]
    dock.buttons["edit"].click()
    layer = controller._layer()
    assert layer.isEditable() and layer.selectedFeatureCount() == 1
    feature = layer.selectedFeatures()[0]
    bigger = old.buffer(6).simplify(1)
    layer.changeGeometry(feature.id(), QgsGeometry.fromWkt(bigger.wkt))  # what the vertex tool would do
    dock.buttons["save"].click()
    assert not layer.isEditable()
    conn = sqlite3.connect(gpkg)
    status, edited = conn.execute("SELECT status, edited FROM candidates WHERE candidate_id=?", (cid,)).fetchone()
    assert (status, edited) == ("accepted", 1)
    from thaw_slump_mapper.core.store.gpkg import decode_geometry

    blob, pos_edited = conn.execute("SELECT geom, edited FROM positives WHERE candidate_id=?", (cid,)).fetchone()
    assert pos_edited == 1
    assert abs(decode_geometry(blob).area - shapely_wkt.loads(bigger.wkt).area) < 1.0  # the edited outline


def test_a_missed_slump_drawn_by_hand_becomes_a_positive(review):
    from qgis.core import QgsFeature, QgsGeometry, QgsVectorLayerUtils

    dock, controller, gpkg, _ = review
    dock.start.click()
    before = sqlite3.connect(gpkg).execute("SELECT count(*) FROM candidates").fetchone()[0]
    dock.buttons["missed"].click()
    layer = controller._layer()
    assert layer.isEditable()
    # no raw attribute form (fid, model_sha256…) pops up, and the header says how to save (issue 27)
    assert layer.editFormConfig().suppress() == FORM_SUPPRESS_ON and "Ctrl+Return" in dock.header.text()
    x0, y1 = 440000.0, 3860000.0
    geom = QgsGeometry.fromWkt(f"POLYGON(({x0 + 600} {y1 - 600},{x0 + 660} {y1 - 600},{x0 + 660} {y1 - 650},"
                               f"{x0 + 600} {y1 - 650},{x0 + 600} {y1 - 600}))")
    feature = QgsVectorLayerUtils.createFeature(layer, geom)  # as the add-feature tool does
    assert isinstance(feature, QgsFeature) and feature["candidate_id"]
    layer.addFeature(feature)
    dock.buttons["save"].click()
    conn = sqlite3.connect(gpkg)
    assert conn.execute("SELECT count(*) FROM candidates").fetchone()[0] == before + 1
    status, notes = conn.execute("SELECT status, notes FROM candidates WHERE candidate_id=?",
                                 (feature["candidate_id"],)).fetchone()
    assert status == "accepted" and "missed by the model" in notes
    assert layer.editFormConfig().suppress() != FORM_SUPPRESS_ON  # the layer's own setting again
    assert conn.execute("SELECT TrainClass FROM positives WHERE candidate_id=?",
                        (feature["candidate_id"],)).fetchone() == ("Positive",)
    # drawn on the ticked mosaics (2019-2021): ARTS BaseMapDate names that imagery, not the review day
    assert conn.execute("SELECT BaseMapDate FROM positives WHERE candidate_id=?",
                        (feature["candidate_id"],)).fetchone() == ("2019-01-01,2021-12-31",)


def test_export_inventory_from_the_dock_with_roads_and_dem(review, tmp_path, monkeypatch):
    import numpy as np
    from qgis.core import QgsFeature, QgsGeometry, QgsRasterLayer, QgsSingleSymbolRenderer, QgsVectorLayer
    from tsm_testkit import write_raster

    dock, controller, _gpkg, _ = review
    dock.start.click()
    _key(dock, Qt.Key.Key_A)
    roads = QgsVectorLayer("LineString?crs=EPSG:4326", "roads", "memory")  # another CRS on purpose
    feature = QgsFeature()
    feature.setGeometry(QgsGeometry.fromWkt("LINESTRING(93.34 34.87, 93.36 34.87)"))
    roads.dataProvider().addFeatures([feature])
    dem = QgsRasterLayer(str(write_raster(tmp_path / "dem.tif", np.full((1, 400, 400), 4650, np.float32),
                                          nodata=None)), "dem")
    out = tmp_path / "inventory.gpkg"
    assert controller.export(str(out), roads, 500.0, dem) == 1
    asked = []
    monkeypatch.setattr("thaw_slump_mapper.ui.review.controller.QMessageBox.question",
                        lambda *a: asked.append(a) or 0)  # "No": the existing file stays
    assert controller.export(str(out), roads, 500.0, dem) == -1 and asked
    row = sqlite3.connect(out).execute("SELECT dist_to_road_m, near_road, mean_elev_m, mean_slope_deg "
                                       "FROM rts_inventory").fetchone()
    assert row[0] > 0 and row[1] in (0, 1) and row[2] == pytest.approx(4650) and row[3] == pytest.approx(0)
    layer = next(lyr for lyr in QgsProject.instance().mapLayers().values() if lyr.name() == "RTS inventory")
    assert layer.featureCount() == 1
    assert isinstance(layer.renderer(), QgsSingleSymbolRenderer)  # the style embedded in the GeoPackage
    assert layer.renderer().symbol().symbolLayer(0).strokeColor().name() == "#008c32"


def test_export_inventory_through_processing(review, tmp_path, qgis_processing):
    import processing
    from qgis.core import QgsApplication

    from thaw_slump_mapper.adapters.processing.provider import Provider

    dock, _controller, gpkg, _ = review
    dock.start.click()
    _key(dock, Qt.Key.Key_A)
    _key(dock, Qt.Key.Key_A)
    provider = Provider()
    QgsApplication.processingRegistry().addProvider(provider)
    try:
        result = processing.run("thawslumpmapper:exportinventory", {
            "CANDIDATES": str(gpkg), "DISTANCE": 500, "OUTPUT": str(tmp_path / "inv.gpkg")})
    finally:
        QgsApplication.processingRegistry().removeProvider(provider)
    assert result["COUNT"] == 2


def test_filters_by_size_and_date_extra_thumbnail_and_enlarge(review, tmp_path):
    from qgis.core import QgsRasterLayer

    dock, controller, _gpkg, _ = review
    dock.show_filter.setCurrentIndex(dock.show_filter.findData("all"))
    dock.start.click()
    sizes = sorted((r.get("area_m2") or 0) for r in controller.queue)
    dock.min_ha.setValue(sizes[len(sizes) // 2] / 1e4)
    dock.start.click()
    assert 0 < len(controller.queue) < len(sizes)
    assert all(r["area_m2"] >= dock.min_ha.value() * 1e4 - 1e-6 for r in controller.queue)
    dock.min_ha.setValue(0)
    dock.seen_in.setText("2019")
    dock.start.click()
    assert all("2019" in (r.get("dates_detected") or "") for r in controller.queue)
    dock.seen_in.setText("")
    dock.start.click()
    mosaic_path = controller.mosaics_source()[0][0]
    extra = QgsRasterLayer(mosaic_path, "hillshade stand-in")
    QgsProject.instance().addMapLayer(extra)
    dock.extra_layer.setLayer(extra)
    controller.show(controller.index)
    assert dock.strip.count() == 3 + 1 + 1  # three years, the extra layer, the stretch
    dock.thumb_size.setValue(96)
    controller.show(controller.index)
    controller.enlarge(1)
    dialog = controller.dialog
    screen = screen_height(controller)
    first = TimelapseDialog.initial_px(screen)
    assert dialog.caption.text() == "2020" and dialog.px == first == dialog.picture.pixmap().width() > 96
    dialog.step(1)
    assert dialog.caption.text() == "2021"
    dialog.step(1)
    assert dialog.caption.text() == "hillshade stand-in"
    assert dialog.picture.pixmap().width() == first  # the extra layer is rendered at that size too
    # a larger window: the years are read again from the imagery at the new size
    dialog.resize(dialog.width() + 300, dialog.height() + 300)
    _settle(lambda: dialog.px != first)
    assert dialog.px == dialog.frame_px() > first + 100
    dialog.step(-1)
    assert dialog.picture.pixmap().width() == dialog.px and dialog.caption.text() == "2021"
    dialog.close()


def screen_height(controller) -> int:
    screen = controller.iface.mainWindow().screen()
    return screen.availableGeometry().height() if screen is not None else 768


def _settle(condition, timeout: float = 5.0) -> None:
    import time

    end = time.monotonic() + timeout
    while time.monotonic() < end and not condition():
        QApplication.processEvents()
        time.sleep(0.02)


def test_fine_tune_from_the_dock_registers_the_next_model(review, tmp_path):
    import time
    from pathlib import Path

    dock, controller, _gpkg, _ = review
    starter = Path(__file__).resolve().parents[2] / "models" / "tsm_starter" / "tsm_starter.onnx"
    registered = []
    controller.model_source = lambda: str(starter)
    controller.on_new_model = registered.append
    dock.show_filter.setCurrentIndex(dock.show_filter.findData("all"))
    dock.start.click()
    for _ in range(len(controller.queue)):  # accept everything: enough positives to learn from
        _key(dock, Qt.Key.Key_A)
    dock.steps.setValue(10)
    dock.train_button.click()
    assert not dock.train_button.isEnabled()
    # the chips are read first: the bar says so and is busy (it stood blank ~35 s, issue 27)
    assert dock.train_progress.format() == "exporting training chips…" and dock.train_progress.maximum() == 0
    end = time.monotonic() + 300
    while controller.training is not None and time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.02)
    assert controller.training is None and dock.train_button.isEnabled()
    version = starter_next_version()
    assert registered and registered[0].endswith(f"tsm_starter_{version.replace('.', '_')}.onnx")
    assert Path(registered[0]).exists()
    assert dock.iterations.rowCount() == 1 and dock.iterations.item(0, 1).text() == f"tsm-starter {version}"
    assert dock.train_progress.format() == f"done: {version}"


def test_docks_never_ask_for_more_height_than_a_laptop_screen(qgis_app):
    # a dock's minimum height becomes the QGIS window's: at 1366×768 the window must still fit
    from qgis.PyQt.QtWidgets import QScrollArea

    from thaw_slump_mapper.ui.inference.dock import InferenceDock

    for dock in (ReviewDock(), InferenceDock()):
        dock.show()
        qgis_app.processEvents()
        assert dock.minimumSizeHint().height() < 300, type(dock).__name__
        assert dock.widget().widget().minimumSizeHint().width() <= 440, type(dock).__name__  # a third of 1366 px
        assert isinstance(dock.widget(), QScrollArea)  # the body scrolls inside the dock
        dock.close()
    review = ReviewDock()
    assert review.training_group.isCollapsed()  # training is folded away while reviewing


def test_reject_reason_never_carries_over_to_the_next_candidate(review):
    dock, controller, gpkg, _ = review
    dock.start.click()
    first, second = controller.queue[0]["candidate_id"], controller.queue[1]["candidate_id"]
    _key(dock, Qt.Key.Key_9)  # reject the first as "other"
    assert _status(gpkg)[first] == "rejected/other"
    assert dock.reason.currentData() is None  # the next candidate starts without a reason
    _key(dock, Qt.Key.Key_R)  # R alone does not reject: it asks for a reason
    assert _status(gpkg)[second] == "unreviewed/" and controller.queue[controller.index]["candidate_id"] == second
    assert dock.reason_hint.isVisibleTo(dock)
    _key(dock, Qt.Key.Key_2)  # a number rejects at once, with that reason
    assert _status(gpkg)[second] == "rejected/snow_ice"


def _in_window(fake_iface, dock, canvas):
    window = fake_iface.mainWindow()
    window.setCentralWidget(canvas)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    window.show()
    QApplication.setActiveWindow(window)
    QApplication.processEvents()
    return window


def test_review_keys_work_with_the_focus_on_the_map_but_not_in_other_panels(review, fake_iface):
    from qgis.PyQt.QtWidgets import QDockWidget, QLineEdit

    dock, controller, gpkg, canvas = review
    window = _in_window(fake_iface, dock, canvas)
    other = QDockWidget("Layers", window)
    search = QLineEdit()
    other.setWidget(search)
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, other)
    dock.start.click()
    assert dock.listening.isVisibleTo(dock)  # the dock says it is listening
    first, second = controller.queue[0]["candidate_id"], controller.queue[1]["candidate_id"]
    canvas.setFocus()  # one click on the map
    QApplication.processEvents()
    assert QApplication.focusWidget() is canvas
    _key(dock, Qt.Key.Key_A, canvas)
    assert _status(gpkg)[first] == "accepted/"
    search.setFocus()
    QApplication.processEvents()
    QTest.keyClick(search, Qt.Key.Key_U)  # typing in another panel stays typing
    assert search.text() == "u" and _status(gpkg)[second] == "unreviewed/"
    canvas.setFocus()
    _key(dock, Qt.Key.Key_3, canvas)  # numbers reject from the map too
    assert _status(gpkg)[second] == "rejected/cloud_shadow"
    controller.unload()  # review over: the map gets its keys back
    third = controller.queue[2]["candidate_id"]
    canvas.setFocus()
    QApplication.processEvents()
    _key(dock, Qt.Key.Key_A, canvas)
    assert _status(gpkg)[third] == "unreviewed/"


def test_time_lapse_window_follows_the_candidate_and_keeps_space_for_itself(review, fake_iface):
    dock, controller, gpkg, canvas = review
    _in_window(fake_iface, dock, canvas)
    dock.start.click()
    first = controller.queue[0]["candidate_id"]
    controller.enlarge(0)
    dialog = controller.dialog
    assert dialog.isVisible()
    frames_before = dialog.frames
    QApplication.setActiveWindow(dialog)
    dialog.setFocus()
    QApplication.processEvents()
    QTest.keyClick(dialog, Qt.Key.Key_Space)  # plays the years; does not skip the candidate behind
    assert dialog.timer.isActive() and controller.index == 0
    _key(dock, Qt.Key.Key_A, dialog)  # decide from the time-lapse window
    assert _status(gpkg)[first] == "accepted/"
    assert controller.dialog is dialog and dialog.isVisible() and dialog.frames is not frames_before
    dialog.close()


def test_review_opens_the_candidates_file_of_the_project(qgis_app, fake_iface, tmp_path):
    project = QgsProject.instance()
    project.clear()
    dock = ReviewDock()
    controller = ReviewController(fake_iface, dock, lambda: [])
    try:
        project.writeEntry("thaw_slump_mapper", "candidates", str(tmp_path / "site_candidates.gpkg"))
        assert project.write(str(tmp_path / "site.qgs"))
        project.clear()
        assert dock.gpkg.filePath() == ""  # a new project: no file of the previous one
        assert project.read(str(tmp_path / "site.qgs"))
        assert dock.gpkg.filePath() == str(tmp_path / "site_candidates.gpkg")
    finally:
        controller.unload()
        project.clear()


def test_the_candidate_list_sorts_jumps_and_follows_the_decisions(review):
    dock, controller, gpkg, _ = review
    dock.start.click()
    table = dock.queue_table
    assert table.rowCount() == len(controller.queue)
    table.sortItems(2, Qt.SortOrder.AscendingOrder)  # by area, smallest first
    areas = [table.item(r, 2).data(Qt.ItemDataRole.DisplayRole) for r in range(table.rowCount())]
    assert areas == sorted(areas)
    row = table.rowCount() - 1  # the largest candidate
    target = table.item(row, 0).data(Qt.ItemDataRole.UserRole)
    table.cellClicked.emit(row, 1)
    assert controller.index == target
    assert round(controller.queue[target]["area_m2"] / 1e4, 2) == max(areas)
    QApplication.setActiveWindow(dock)
    table.setFocus()
    QApplication.processEvents()
    _key(dock, Qt.Key.Key_A, table)  # the review keys keep working in the list
    assert _status(gpkg)[controller.queue[target]["candidate_id"]] == "accepted/"
    role = Qt.ItemDataRole.UserRole
    statuses = {table.item(r, 0).data(role): table.item(r, 3).text() for r in range(table.rowCount())}
    assert statuses[target] == "accepted"


def test_thumbnail_size_is_adjustable_and_remembered(review):
    dock, controller, _, _ = review
    dock.resize(1200, 900)  # room for three years at the largest size
    QApplication.processEvents()
    dock.start.click()
    first = controller.queue[controller.index]["candidate_id"]
    assert controller.thumbs[first][0].rgb.shape[:2] == (160, 160)
    dock.thumb_size.setValue(288)
    thumbs = controller.thumbs[controller.queue[controller.index]["candidate_id"]]
    assert thumbs[0].rgb.shape[:2] == (288, 288)  # read again from the imagery at that size
    assert dock._pictures[0].pixmap().width() == 288
    assert settings.load().thumbnail_px == 288
    assert ReviewController(controller.iface, ReviewDock(), lambda: []).dock.thumb_size.value() == 288


def _arts_file(path, polygons, crs_wkt):
    """An ARTS-schema GeoJSON in EPSG:3413 of (polygon in ``crs_wkt``, UID, TrainClass)."""
    import json

    from rasterio.crs import CRS
    from rasterio.warp import transform_geom
    from shapely.geometry import mapping

    feats = [{"type": "Feature", "properties": {"UID": uid, "TrainClass": cls},
              "geometry": transform_geom(CRS.from_wkt(crs_wkt), CRS.from_epsg(3413), mapping(g))}
             for g, uid, cls in polygons]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats,
                                "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3413"}}}))
    return path


def test_known_slumps_are_marked_from_an_inventory_and_hidden_on_request(review, tmp_path):
    from thaw_slump_mapper.core.store.candidates import read_candidates
    from thaw_slump_mapper.ui.review.inventory_dialog import InventoryDialog

    dock, controller, gpkg, _ = review
    dock.show_filter.setCurrentIndex(dock.show_filter.findData("all"))
    dock.start.click()
    n = len(controller.queue)
    rows = read_candidates(gpkg)
    path = _arts_file(tmp_path / "arts.geojson", [(rows[0]["geometry"], "ARTS-A", "Positive"),
                                                  (rows[1]["geometry"], "ARTS-B", "Positive"),
                                                  (rows[2]["geometry"], "ARTS-N", "Negative")], controller.crs)
    dialog = InventoryDialog(None, "known")
    dialog.file.setFilePath(str(path))
    assert controller.inventory.mark_with(dialog) == 2  # the negative marks nothing
    known = {r["candidate_id"]: r["known_uid"] for r in read_candidates(gpkg) if r.get("known_uid")}
    assert known == {rows[0]["candidate_id"]: "ARTS-A", rows[1]["candidate_id"]: "ARTS-B"}
    controller.jump(next(i for i, r in enumerate(controller.queue) if r["candidate_id"] == rows[0]["candidate_id"]))
    assert "already in arts.geojson (ARTS-A)" in dock.header.text()
    dock.new_only.setChecked(True)  # reopens the queue without the known ones
    assert len(controller.queue) == n - 2
    assert not {r["candidate_id"] for r in controller.queue} & set(known)
    dock.new_only.setChecked(False)
    assert len(controller.queue) == n


def test_train_from_an_inventory_layer_in_the_dock(review, tmp_path):
    import time
    from pathlib import Path

    from qgis.core import QgsFeature, QgsGeometry, QgsRasterLayer, QgsVectorLayer

    from thaw_slump_mapper.core.store.candidates import read_candidates
    from thaw_slump_mapper.ui.review.inventory_dialog import InventoryDialog

    dock, controller, gpkg, _ = review
    starter = Path(__file__).resolve().parents[2] / "models" / "tsm_starter" / "tsm_starter.onnx"
    registered = []
    controller.model_source = lambda: str(starter)
    controller.on_new_model = registered.append
    mosaics = controller.mosaics_source()
    QgsProject.instance().addMapLayers([QgsRasterLayer(p, d) for p, d in mosaics])
    # the user's own inventory as a layer in the map (in the candidates' CRS), with their own negative field
    layer = QgsVectorLayer("Polygon?crs=EPSG:32646&field=kind:string", "my slumps", "memory")
    features = []
    for i, row in enumerate(read_candidates(gpkg)):
        f = QgsFeature(layer.fields())
        f.setGeometry(QgsGeometry.fromWkt(row["geometry"].wkt))
        f.setAttribute("kind", "pond" if i == 0 else "rts")
        features.append(f)
    layer.dataProvider().addFeatures(features)
    QgsProject.instance().addMapLayer(layer)
    dialog = InventoryDialog(None, "train", mosaics)
    assert dialog.chosen_mosaics() == [p for p, _ in mosaics]  # the inference panel's ticked mosaics
    dialog.layer.setLayer(layer)
    dialog.field.setField("kind")
    dialog.value.setText("pond")
    task = controller.inventory.train_with(dialog, 3, "")
    assert task is not None and not dock.train_inventory.isEnabled()
    end = time.monotonic() + 300
    while controller.training is not None and time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.02)
    assert controller.training is None and dock.train_inventory.isEnabled()
    assert registered and Path(registered[0]).exists() and "my slumps_training" in registered[0]
    manifest = Path(registered[0]).parent.parent / "chips_1" / "manifest.json"
    import json

    counts = json.loads(manifest.read_text())["counts"]
    assert counts["negative"] <= 1 and counts["positive"] >= 1
    assert dock.train_progress.format() == f"done: {starter_next_version()}"


def _unreviewed(gpkg):
    return sqlite3.connect(gpkg).execute("SELECT count(*) FROM candidates WHERE status = 'unreviewed'").fetchone()[0]


def test_a_burst_of_fifty_keys_on_the_map_commits_nothing(review, fake_iface):
    """Issue 27: keystrokes meant for a dialog that had just closed committed 369 decisions in a
    minute, toggled the outline and entered edit mode."""
    dock, controller, gpkg, canvas = review
    dock.pace = KeyPace()  # the real pacing
    _in_window(fake_iface, dock, canvas)
    dock.start.click()
    total = _unreviewed(gpkg)
    canvas.setFocus()
    QApplication.processEvents()
    time.sleep(dock.pace.wait_s(now()))  # the reviewer had looked and the focus had settled
    typed = [Qt.Key.Key_A, Qt.Key.Key_R, Qt.Key.Key_1, Qt.Key.Key_U, Qt.Key.Key_O, Qt.Key.Key_E, Qt.Key.Key_M,
             Qt.Key.Key_T, Qt.Key.Key_Space, Qt.Key.Key_9]
    for i in range(50):  # typing speed: 8 keys a second
        QTest.keyClick(canvas, typed[i % len(typed)])
        _settle(lambda: False, 0.12)
    _settle(lambda: False, 1.0)  # and nothing acts afterwards either
    assert _unreviewed(gpkg) == total and not controller.log
    assert dock.show_outline.isChecked() and controller.editing is None and controller.index == 0
    assert dock.key_notice.isVisibleTo(dock) and "ignored" in dock.key_notice.text()
    _key(dock, Qt.Key.Key_A, canvas)  # one deliberate key, after a pause, decides as before
    assert _unreviewed(gpkg) == total - 1 and controller.index == 1
    assert not dock.key_notice.isVisibleTo(dock)


def test_a_key_right_after_the_focus_comes_back_or_the_candidate_appears_does_nothing(review, fake_iface):
    from qgis.PyQt.QtWidgets import QDockWidget, QLineEdit

    dock, _controller, gpkg, canvas = review
    dock.pace = KeyPace()
    window = _in_window(fake_iface, dock, canvas)
    other = QDockWidget("Dialog stand-in", window)
    field = QLineEdit()
    other.setWidget(field)
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, other)
    dock.start.click()
    total = _unreviewed(gpkg)
    field.setFocus()
    _settle(lambda: False, dock.pace.look + 0.05)
    canvas.setFocus()  # the focus comes back to the map: the next keystroke was meant for elsewhere
    QApplication.processEvents()
    QTest.keyClick(canvas, Qt.Key.Key_A)
    _settle(lambda: False, 0.5)
    assert _unreviewed(gpkg) == total and "focus" in dock.key_notice.text()
    _key(dock, Qt.Key.Key_A, canvas)
    assert _unreviewed(gpkg) == total - 1
    _settle(lambda: False, dock.pace.gap + 0.02)  # no burst, but the next candidate has just appeared
    QTest.keyClick(canvas, Qt.Key.Key_A)
    _settle(lambda: False, 0.5)
    assert _unreviewed(gpkg) == total - 1 and "just appeared" in dock.key_notice.text()


def test_ctrl_return_on_the_map_is_one_key_not_a_burst_of_two(review, fake_iface):
    """Seen in the real window: the Control press before Return counted as a keystroke of its own,
    so Ctrl+Return on the map was ignored as a burst and a drawn slump was not saved."""
    from qgis.PyQt.QtGui import QKeyEvent

    dock, _controller, _gpkg, canvas = review
    dock.pace = KeyPace()
    _in_window(fake_iface, dock, canvas)
    dock.start.click()
    saved = []
    dock.save_edits_requested.connect(lambda: saved.append(True))
    canvas.setFocus()
    QApplication.processEvents()
    time.sleep(dock.pace.wait_s(now()))
    control = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Control, Qt.KeyboardModifier.ControlModifier)
    QApplication.sendEvent(canvas, control)
    QTest.keyClick(canvas, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    _settle(lambda: bool(saved), 1.0)
    assert saved and not dock.key_notice.isVisibleTo(dock)


def test_a_list_undo_takes_back_the_last_ten_decisions_at_once(review, monkeypatch):
    from thaw_slump_mapper.ui.review.dialogs import UndoDialog

    dock, controller, gpkg, _ = review
    dock.show_filter.setCurrentIndex(dock.show_filter.findData("all"))
    dock.start.click()
    n = len(controller.queue)
    for i in range(12):  # more decisions than candidates: some are decided twice
        controller.index = i % n
        controller.decide("accepted" if i % 3 else "rejected", "water")
    shown = []

    def pick_tenth(dialog):
        shown.append([dialog.list.item(i).text() for i in range(dialog.list.count())])
        dialog.list.setCurrentRow(9)  # the tenth newest: it and the nine newer go
        assert dialog.buttons.button(dialog.buttons.StandardButton.Ok).text() == "Undo 10 decisions"
        return 1

    monkeypatch.setattr(UndoDialog, "exec", pick_tenth)
    conn = sqlite3.connect(gpkg)
    _key(dock, Qt.Key.Key_Z)
    assert len(shown[0]) == 12 and shown[0][0].startswith("accepted · candidate ")  # newest first
    assert len(controller.log) == 2
    assert conn.execute("SELECT count(*) FROM decisions").fetchone() == (2,)
    statuses_after_two = dict(conn.execute("SELECT candidate_id, status FROM candidates").fetchall())
    first_two = {controller.queue[0]["candidate_id"]: "rejected", controller.queue[1]["candidate_id"]: "accepted"}
    assert {k: v for k, v in statuses_after_two.items() if v != "unreviewed"} == first_two
    assert conn.execute("SELECT count(*) FROM positives").fetchone() == (1,)
    assert conn.execute("SELECT count(*) FROM negatives").fetchone() == (1,)
    assert f"2 of {n} reviewed" in dock.counters.text()
    assert controller.index == 2  # the oldest decision taken back is in view again


def _in_view(widget, area) -> bool:
    from qgis.PyQt.QtCore import QPoint, QRect

    viewport = area.viewport()
    top_left = widget.mapTo(viewport, QPoint(0, 0))
    return widget.isVisible() and viewport.rect().contains(QRect(top_left, widget.size()))


def test_at_1366x768_the_counter_the_years_and_the_decision_are_in_view_together(review, fake_iface):
    """Issue 27: after Start reviewing the dock scrolled to the decision block, the counter and the
    thumbnails out of view; opening the training section added a horizontal scrollbar."""
    dock, _controller, _gpkg, canvas = review
    window = _in_window(fake_iface, dock, canvas)
    # QGIS at 1366×768 leaves a dock about 560 px (title bar, menus, two or three toolbar rows, status bar)
    window.resize(1366, 590)
    dock.setMinimumWidth(0)
    window.resizeDocks([dock], [440], Qt.Orientation.Horizontal)
    QApplication.processEvents()
    area = dock.widget()
    dock.start.click()
    _settle(lambda: False, 0.2)
    assert area.viewport().height() <= 570 and area.viewport().width() <= 460
    for widget in (dock.counters, dock.header, dock.strip_scroll, dock.buttons["accept"], dock.buttons["reject"],
                   dock.reason):
        assert _in_view(widget, area), widget
    # every year side by side in the strip, none behind a sideways scroll (160 px each did not fit)
    assert len(dock._pictures) == 3 and all(_in_view(p, dock.strip_scroll) for p in dock._pictures)
    assert 96 <= dock._pictures[0].pixmap().width() < 160
    assert "reviewed" in dock.counters.text()
    dock.training_group.setCollapsed(False)
    dock.list_group.setCollapsed(False)
    _settle(lambda: False, 0.2)
    assert not area.horizontalScrollBar().isVisible()
    # the training section never sets the panel's width (its train button and Cancel in one row did:
    # a sideways scrollbar in a 360 px dock in the real window)
    decision = dock.buttons["accept"].parentWidget()
    assert dock.training_group.minimumSizeHint().width() <= decision.minimumSizeHint().width()
    assert area.widget().minimumSizeHint().width() <= area.viewport().width()


def test_the_current_candidate_is_highlighted_apart_from_selection_and_framed_at_a_sensible_scale(review):
    from shapely.geometry import box

    from thaw_slump_mapper.ui.review.controller import CURRENT_COLOUR

    dock, controller, _gpkg, canvas = review
    dock.start.click()
    band = controller.band
    selection = canvas.mapSettings().selectionColor()
    assert band.strokeColor().name() == CURRENT_COLOUR.name() != selection.name()
    assert band.strokeColor().name() not in ("#ffff00", "#ffdc00")  # not yellow like selection and outlines
    # a 196 ha slump (1400 m across) fills a sensible share of the map, not a speck at 1:91,205
    big = controller.queue[0]["geometry"].centroid.buffer(1).envelope
    x, y = big.centroid.x, big.centroid.y
    controller.queue[0]["geometry"] = box(x - 700, y - 700, x + 700, y + 700)
    controller.show(0)
    extent = canvas.extent()
    assert extent.contains(x, y)
    assert 1400 / min(extent.width(), extent.height()) >= 0.4  # was 0.14 (a margin of three times its size)
    controller.queue[1]["geometry"] = box(x - 15, y - 15, x + 15, y + 15)  # a small one keeps its slope around it
    controller.show(1)
    assert 300 <= min(canvas.extent().width(), canvas.extent().height()) <= 400


def test_the_inventory_dialog_opens_only_a_whole_file_name_and_ticks_all_mosaics_at_once(review, tmp_path,
                                                                                         monkeypatch):
    """Issue 27: the inventory dialog logged "Cannot open" at each keystroke of a path, and had no "tick all"."""
    from qgis.core import QgsRasterLayer

    from thaw_slump_mapper.ui.review import inventory_dialog
    from thaw_slump_mapper.ui.review.inventory_dialog import InventoryDialog

    _dock, controller, gpkg, _ = review
    mosaics = controller.mosaics_source()
    QgsProject.instance().addMapLayers([QgsRasterLayer(p, d) for p, d in mosaics])
    dialog = InventoryDialog(None, "train", mosaics[:1])
    assert [dialog.mosaics.item(i).checkState() for i in range(3)].count(Qt.CheckState.Checked) == 1
    assert not dialog.tick_all.isChecked()
    dialog.tick_all.click()
    assert dialog.chosen_mosaics() == [p for p, _ in mosaics]
    dialog.tick_all.click()
    assert dialog.chosen_mosaics() == []
    opened = []
    real = inventory_dialog.QgsVectorLayer
    monkeypatch.setattr(inventory_dialog, "QgsVectorLayer", lambda *a: opened.append(a[0]) or real(*a))
    path = str(gpkg)
    for end in range(1, len(path) + 1):  # typed letter by letter
        dialog.file.lineEdit().setText(path[:end])  # the file widget says fileChanged at each
    assert opened == [path]  # opened once, when the name was whole
    assert dialog.field.layer() is not None
    dialog.done(0)


def test_a_damaged_candidates_file_is_named_with_its_fix(review, fake_iface):
    """Opening a GeoPackage whose candidates pages are damaged says so with the repair command, in the
    message catalogue's words (was: 'Cannot read candidates from …: <the exception in English>')."""
    _, controller, gpkg, _ = review
    conn = sqlite3.connect(gpkg)
    try:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        (page,) = conn.execute("SELECT pageno FROM dbstat WHERE name = 'candidates' ORDER BY pageno LIMIT 1").fetchone()
    finally:
        conn.close()
    with open(gpkg, "r+b") as f:  # noise over the table's first page, the file's length unchanged
        f.seek((page - 1) * page_size)
        f.write(bytes((i * 37 + 11) % 256 for i in range(page_size)))
    fake_iface.messageBar().pushMessage.reset_mock()
    assert controller.open(str(gpkg), "probability") is False
    text = fake_iface.messageBar().pushMessage.call_args[0][1]
    assert "is damaged" in text and ".recover" in text and "Cannot read candidates" not in text, text


def test_training_steps_follow_the_start_unless_typed(qgis_app):
    # fine-tuning on a review takes FINE_TUNE_STEPS (300 made the loop benchmark's model worse); a new
    # network many more; a number the reviewer typed is kept when the start changes
    from thaw_slump_mapper.core.preferences import FINE_TUNE_STEPS, NEW_NETWORK_STEPS

    dock = ReviewDock()
    assert dock.steps.value() == FINE_TUNE_STEPS == 100
    dock.start_from.setCurrentIndex(dock.start_from.findData("Unet"))
    assert dock.steps.value() == NEW_NETWORK_STEPS
    dock.start_from.setCurrentIndex(dock.start_from.findData(""))
    assert dock.steps.value() == FINE_TUNE_STEPS
    dock.steps.setValue(250)
    dock.start_from.setCurrentIndex(dock.start_from.findData("DeepLabV3Plus"))
    assert dock.steps.value() == 250
