"""Start the real QGIS under Xvfb with the plugin installed from its zip into a fresh profile,
prove that it loaded, and save screenshots of the window with the plugin's docks open.

    python scripts/qgis_smoke.py --zip dist/thaw_slump_mapper-X.zip --out artifacts/qgis_smoke

Writes <out>/marker.json (what the plugin registered, as seen from inside QGIS) and
<out>/qgis_inference.png, <out>/qgis_review.png. Exit status 0 when the real plugin (not the
setup stub) loaded with both docks and its Processing provider.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PLUGIN = "thaw_slump_mapper"

# Runs inside QGIS (--code) once the main window is up.
STARTUP = r"""
import json, os
from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QTimer, Qt
from qgis.PyQt.QtWidgets import QDockWidget
from qgis.utils import iface, plugins, active_plugins

OUT = os.environ["TSM_SMOKE_OUT"]
window = iface.mainWindow()
if os.environ.get("TSM_SMOKE_SIZE") == "screen":  # under a window manager: the screen the user has
    window.showMaximized()
else:
    window.resize(1600, 1000)
    window.move(0, 0)


def stack_check():
    # the stack computing correctly inside the real application (not only importing): a shapely
    # wheel's GEOS and torch's triton/LLVM both broke here while passing in a plain Python process
    out = {}
    try:
        from shapely.geometry import box
        out["shapely_area"] = box(0, 0, 2, 3).area
        out["shapely_geojson_ok"] = bool(box(0, 0, 1, 1).__geo_interface__["coordinates"])
        import numpy as np
        import onnxruntime as ort
        from onnx import TensorProto, helper, numpy_helper
        w = np.arange(4, dtype=np.float32).reshape(1, 4, 1, 1)
        graph = helper.make_graph([helper.make_node("Conv", ["x", "w"], ["y"])], "g",
                                  [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4, 8, 8])],
                                  [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 1, 8, 8])],
                                  [numpy_helper.from_array(w, "w")])
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
        model.ir_version = 8
        y = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"]).run(
            None, {"x": np.ones((1, 4, 8, 8), np.float32)})[0]
        out["onnx_conv_mean"] = float(y.mean())
        if os.environ.get("TSM_SMOKE_TORCH") == "1":
            import segmentation_models_pytorch as smp
            import torch
            net = smp.Unet("resnet18", encoder_weights=None, in_channels=4, classes=1).eval()
            with torch.no_grad():
                out["smp_output_shape"] = list(net(torch.zeros(1, 4, 64, 64)).shape)
    except Exception as exc:  # recorded for the test to show
        out["error"] = f"{type(exc).__name__}: {exc}"
    return out


def finish():
    plugin = plugins.get("thaw_slump_mapper")
    docks = [d for d in window.findChildren(QDockWidget) if d.objectName().startswith("ThawSlumpMapper")]
    tabified = sorted(t.objectName() for d in docks for t in window.tabifiedDockWidgets(d))
    areas = sorted(int(window.dockWidgetArea(d)) for d in docks)
    floating = [d.isFloating() for d in docks]
    for dock in docks:
        dock.show()
    window.resizeDocks(docks, [470] * len(docks), Qt.Horizontal)
    shots = []
    all_docks = sorted(d.objectName() for d in docks)
    if marker_extra:  # a scenario ran: keep its dock in front for one screenshot
        wanted = "Review" if "review_keys" in marker_extra else "Inference"
        docks = [d for d in docks if wanted in d.objectName()]
    for dock in docks:
        dock.raise_()
        QgsApplication.processEvents()
        name = "qgis_" + ("review" if "Review" in dock.objectName() else "inference") + ".png"
        window.resizeDocks([dock], [620 if "Review" in dock.objectName() else 470], Qt.Horizontal)
        QgsApplication.processEvents()
        window.grab().save(os.path.join(OUT, name))
        shots.append(name)
    from qgis.PyQt.QtWidgets import QTabWidget
    log_dock = window.findChild(QDockWidget, "MessageLog")
    tabs = log_dock.findChild(QTabWidget) if log_dock else None
    bar = iface.messageBar()
    marker = {
        "log_tabs": [tabs.tabText(i) for i in range(tabs.count())] if tabs else None,
        "message_bar": [item.text() for item in bar.items()] if hasattr(bar, "items") else [],
        "loaded": "thaw_slump_mapper" in plugins,
        "active": "thaw_slump_mapper" in active_plugins,
        "class": type(plugin).__name__ if plugin else None,
        "module_file": getattr(__import__(type(plugin).__module__, fromlist=["x"]), "__file__", "")
            if plugin else "",
        "docks": all_docks,
        "dock_titles": sorted(d.windowTitle() for d in docks),
        "visible_docks": sorted(d.objectName() for d in docks if d.isVisible()),
        "provider": QgsApplication.processingRegistry().providerById("thawslumpmapper") is not None,
        "actions": [a.text() for a in getattr(plugin, "actions", [])],
        "qgis_version": QgsApplication.instance().applicationVersion() if False else
            __import__("qgis.core", fromlist=["Qgis"]).Qgis.QGIS_VERSION,
        "screenshots": shots,
        "tabified": tabified,
        "areas": areas,
        "floating": floating,
        **marker_extra,
        "plugin_log": plugin_log,
        "stack": stack_check() if plugin is not None and type(plugin).__name__ != "StubPlugin" else {},
    }
    with open(os.path.join(OUT, "marker.json"), "w", encoding="utf-8") as fh:
        json.dump(marker, fh, indent=2, ensure_ascii=False)
    QgsApplication.exit(0)


def scene_in_dock():
    # like a user: add the mosaics, zoom, tick them, add a model, choose the output
    from qgis.core import QgsProject, QgsRasterLayer
    from thaw_slump_mapper.adapters.layers import style_natural_colour

    scene = json.loads(os.environ["TSM_SMOKE_SCENE"])
    plugin = plugins["thaw_slump_mapper"]
    layers = [QgsRasterLayer(p, f"PlanetScope {y} (synthetic)") for p, y in scene["mosaics"]]
    for layer in layers:
        style_natural_colour(layer)
    QgsProject.instance().addMapLayers(layers)
    root = QgsProject.instance().layerTreeRoot()
    for layer in layers[:-1]:
        root.findLayer(layer.id()).setItemVisibilityChecked(False)
    QgsProject.instance().setCrs(layers[0].crs())
    iface.mapCanvas().setDestinationCrs(layers[0].crs())
    iface.mapCanvas().setExtent(layers[0].extent())
    dock = plugin.docks["inference"]
    dock.show()
    dock.raise_()
    plugin.inference.add_model_path(scene["model"])
    for layer, (_, year) in zip(layers, scene["mosaics"]):
        dock.set_mosaic_used(layer.id(), True, str(year))
    dock.output.setFilePath(scene["gpkg"])
    return scene, plugin, dock, layers


def show_dialog_then_finish(algorithm, params, png):
    # an algorithm's dialog as the user opens it, one screenshot of it, then the marker
    import processing

    dialog = processing.createAlgorithmDialog(algorithm, params)
    dialog.show()
    marker_extra["dialog"] = dialog.windowTitle()

    def shoot():
        dialog.grab().save(os.path.join(OUT, png))
        dialog.close()
        QTimer.singleShot(1500, finish)

    QTimer.singleShot(3500, shoot)


def run_area_scenario():
    # a study area from the dock (Area: polygons of a layer), then the same through Processing
    import processing
    from qgis.core import QgsFillSymbol, QgsProject, QgsVectorLayer
    from thaw_slump_mapper.ui.inference.dock import AREA_LAYER

    scene, plugin, dock, layers = scene_in_dock()
    area = QgsVectorLayer(scene["area"], "corridor (study area)", "ogr")
    area.renderer().setSymbol(QgsFillSymbol.createSimple(
        {"color": "0,160,255,50", "outline_color": "0,120,255", "outline_width": "0.8"}))
    QgsProject.instance().addMapLayer(area, False)
    QgsProject.instance().layerTreeRoot().insertLayer(0, area)  # on top of the imagery
    dock.area.setCurrentIndex(dock.area.findData(AREA_LAYER))
    dock.area_layer.setLayer(area)
    marker_extra["run_button"] = dock.run_button.text()
    dock.run_button.click()

    def poll():
        if plugin.inference.task is not None:
            QTimer.singleShot(200, poll)
            return
        marker_extra["status"] = dock.status.text()
        marker_extra["progress"] = dock.progress.format()
        import rasterio
        with rasterio.open(plugin.inference.last["prob"]) as src:
            marker_extra["dock_probability_px"] = [src.width, src.height]
        cands = [l for l in QgsProject.instance().mapLayers().values()
                 if l.customProperty("thaw_slump_mapper/candidates")]
        marker_extra["candidates"] = cands[0].featureCount() if cands else 0
        QgsApplication.processEvents()
        window.grab().save(os.path.join(OUT, "qgis_area_dock.png"))
        out = processing.run("thawslumpmapper:runmodel", {
            "MOSAICS": [l.id() for l in layers], "DATES": ",".join(str(y) for _, y in scene["mosaics"]),
            "MODEL": scene["model"], "AOI": area.id(), "OUTPUT": scene["gpkg"].replace(".gpkg", "_processing.gpkg")})
        marker_extra["processing_count"] = out["COUNT"]
        with rasterio.open(out["PROBABILITY"]) as src:
            marker_extra["processing_probability_px"] = [src.width, src.height]
        result = QgsVectorLayer(out["OUTPUT"] + "|layername=candidates", "candidates (Processing, study area)", "ogr")
        result.renderer().symbol().setColor(__import__("qgis.PyQt.QtGui", fromlist=["QColor"]).QColor("magenta"))
        QgsProject.instance().addMapLayer(result)
        QTimer.singleShot(1500, lambda: (QgsApplication.processEvents(),
                                         window.grab().save(os.path.join(OUT, "qgis_area_processing.png"))))
        show_dialog_then_finish("thawslumpmapper:runmodel", {
            "MOSAICS": [l.id() for l in layers], "MODEL": scene["model"], "AOI": area.id()},
            "qgis_area_processing_dialog.png")

    QTimer.singleShot(300, poll)


def run_cluster_scenario():
    # Run on: Dask cluster (the scheduler the smoke runner started), then the Processing algorithm
    import processing
    import rasterio
    from qgis.core import QgsProject
    from thaw_slump_mapper.adapters import settings
    from thaw_slump_mapper.ui.inference.dock import AREA_MOSAICS, RUN_CLUSTER
    from dataclasses import replace

    scene, plugin, dock, layers = scene_in_dock()
    settings.save(replace(settings.load(), cluster_address=os.environ["TSM_SMOKE_SCHEDULER"]))
    dock.area.setCurrentIndex(dock.area.findData(AREA_MOSAICS))
    dock.where.setCurrentIndex(dock.where.findData(RUN_CLUSTER))
    dock.run_button.click()
    marker_extra["status_running"] = dock.status.text()

    def poll():
        if plugin.inference.task is not None:
            QTimer.singleShot(200, poll)
            return
        marker_extra["status"] = dock.status.text()
        with rasterio.open(plugin.inference.last["prob"]) as src:
            marker_extra["dock_model_tag"] = src.tags()["TSM_MODEL"]
        cands = [l for l in QgsProject.instance().mapLayers().values()
                 if l.customProperty("thaw_slump_mapper/candidates")]
        marker_extra["candidates"] = cands[0].featureCount() if cands else 0
        from qgis.PyQt.QtWidgets import QScrollArea
        scroll = dock.findChild(QScrollArea)
        if scroll is not None:  # show the run choices, not the mosaic table
            scroll.ensureWidgetVisible(dock.where)
        QgsApplication.processEvents()
        window.grab().save(os.path.join(OUT, "qgis_cluster_dock.png"))
        out = processing.run("thawslumpmapper:runmodelcluster", {
            "MOSAICS": [l.id() for l in layers], "DATES": ",".join(str(y) for _, y in scene["mosaics"]),
            "MODEL": scene["model"], "OUTPUT": scene["gpkg"].replace(".gpkg", "_processing.gpkg"),
            "SCHEDULER": os.environ["TSM_SMOKE_SCHEDULER"]})
        marker_extra["processing_count"] = out["COUNT"]
        show_dialog_then_finish("thawslumpmapper:runmodelcluster", {
            "MOSAICS": [l.id() for l in layers], "MODEL": scene["model"]}, "qgis_cluster_processing_dialog.png")

    QTimer.singleShot(300, poll)


def run_inference_scenario():
    # then click Run and wait for the layer
    from qgis.core import QgsProject

    scene, plugin, dock, layers = scene_in_dock()
    dock.run_button.click()
    started = [False]

    def poll():
        if plugin.inference.task is None:
            marker_extra["status"] = dock.status.text()
            marker_extra["progress"] = dock.progress.format()
            cands = [l for l in QgsProject.instance().mapLayers().values()
                     if l.customProperty("thaw_slump_mapper/candidates")]
            marker_extra["candidates"] = cands[0].featureCount() if cands else 0
            if os.environ.get("TSM_SMOKE_SCENARIO") == "review":
                QTimer.singleShot(500, run_review_scenario)
            elif os.environ.get("TSM_SMOKE_SCENARIO") == "guard":
                QTimer.singleShot(500, run_guard_scenario)
            else:
                QTimer.singleShot(2500, finish)  # let the canvas draw the new layer
        else:
            QTimer.singleShot(200, poll)

    QTimer.singleShot(300, poll)


def run_review_scenario():
    # keyboard only: open the review dock on the run's GeoPackage and decide 20 candidates
    import sqlite3
    import time
    from qgis.core import QgsSettings
    from qgis.PyQt.QtTest import QTest
    from qgis.PyQt.QtWidgets import QApplication

    scene = json.loads(os.environ["TSM_SMOKE_SCENE"])
    plugin = plugins["thaw_slump_mapper"]
    QgsSettings().setValue("thaw_slump_mapper/reviewer", "smoke test")
    review = plugin.docks["review"]
    review.show()
    review.raise_()
    review.gpkg.setFilePath(scene["gpkg"])
    review.start.click()
    keys = [Qt.Key_A, Qt.Key_1, Qt.Key_A, Qt.Key_U, Qt.Key_4] * 4
    done = [0]
    notices = []

    def press():
        if done[0] < len(keys) and plugin.review.queue:
            QApplication.setActiveWindow(window)
            review.setFocus()
            # at a person's pace: the review ignores keys typed in a burst (issue 27)
            wait = review.pace.wait_s(time.monotonic()) if hasattr(review, "pace") else 0.0
            if hasattr(review, "key_pending") and review.key_pending():
                wait = max(wait, 0.1)  # the last key has not acted yet
            if wait > 0:
                QTimer.singleShot(int(wait * 1000) + 1, press)
                return
            QTest.keyClick(review, keys[done[0]])
            done[0] += 1
            if getattr(review, "key_notice", None) is not None and review.key_notice.isVisible():
                notices.append(f"{done[0]}: {review.key_notice.text()}")  # a key the review ignored
            QTimer.singleShot(150, press)
        elif hasattr(review, "key_pending") and review.key_pending():
            QTimer.singleShot(100, press)  # the last key acts a moment after it is pressed
        else:
            conn = sqlite3.connect(scene["gpkg"])
            marker_extra["review_status"] = dict(conn.execute(
                "SELECT status, count(*) FROM candidates GROUP BY status").fetchall())
            marker_extra["review_keys"] = done[0]
            marker_extra["review_ignored"] = notices
            marker_extra["review_header"] = review.header.text()
            marker_extra["review_counters"] = review.counters.text()
            QTimer.singleShot(1500, finish)

    QTimer.singleShot(800, press)


def run_guard_scenario():
    # issue 27 in the real window, by real X events (xdotool): a burst of 50 keys typed on the map,
    # then 12 deliberate keys, a list undo of 10, and the wheel over the Runtime combo box
    import sqlite3
    import subprocess
    from qgis.core import QgsSettings
    from qgis.PyQt.QtWidgets import QApplication

    scene = json.loads(os.environ["TSM_SMOKE_SCENE"])
    plugin = plugins["thaw_slump_mapper"]
    QgsSettings().setValue("thaw_slump_mapper/reviewer", "smoke test")
    review, inference = plugin.docks["review"], plugin.docks["inference"]
    review.show()
    review.raise_()
    review.gpkg.setFilePath(scene["gpkg"])
    review.start.click()
    canvas = iface.mapCanvas()
    steps, log = [], marker_extra.setdefault("guard", {})

    def decided():
        conn = sqlite3.connect(scene["gpkg"])
        try:
            return conn.execute("SELECT count(*) FROM candidates WHERE status != 'unreviewed'").fetchone()[0]
        finally:
            conn.close()

    def xdo(*args):
        return subprocess.Popen(["xdotool", *args])

    def centre(widget):
        point = widget.mapToGlobal(widget.rect().center())
        return str(point.x()), str(point.y())

    def shot(name):
        subprocess.run(["import", "-window", "root", os.path.join(OUT, name)], check=False)

    def then(delay_ms, fn):
        steps.append((delay_ms, fn))

    def run_next():
        if steps:
            delay, fn = steps.pop(0)
            QTimer.singleShot(delay, lambda: (fn(), run_next()))

    def burst():
        log["decided_before_burst"] = decided()
        xdo("mousemove", *centre(canvas.viewport()), "click", "1").wait()
        typed = ("arua1oem4 " * 5)[:50]  # keys meant for a dialog: accept, reject, unsure, outline, edit, missed
        log["burst"] = typed
        log["burst_proc"] = xdo("type", "--delay", "70", typed)

    def after_burst():
        log["burst_proc"].wait()
        log.pop("burst_proc")
        log["decided_after_burst"] = decided()
        log["outline_still_on"] = review.show_outline.isChecked()
        log["editing_after_burst"] = plugin.review.editing
        log["notice"] = review.key_notice.text() if review.key_notice.isVisible() else ""
        shot("guard_burst.png")

    def deliberate(i):
        def press():
            xdo("key", "a").wait()
        return press

    def after_deliberate():
        log["decided_after_12_keys"] = decided()

    def undo():
        def pick():
            dialog = QApplication.activeModalWidget()
            log["undo_dialog"] = type(dialog).__name__ if dialog else None
            if dialog is not None and hasattr(dialog, "list"):
                log["undo_entries"] = dialog.list.count()
                dialog.list.setCurrentRow(9)
                QApplication.processEvents()
                shot("guard_undo.png")
                dialog.accept()
        QTimer.singleShot(1500, pick)
        xdo("key", "z")

    def after_undo():
        log["decided_after_undo"] = decided()
        log["counters_after_undo"] = review.counters.text()

    def wheel():
        inference.show()
        inference.raise_()
        QApplication.processEvents()
        log["runtime_before"] = inference.runtime.currentText()
        log["scroll_before"] = inference.widget().verticalScrollBar().value()
        xdo("mousemove", *centre(inference.runtime)).wait()
        for _ in range(3):
            xdo("click", "5").wait()  # the wheel, three notches down

    def after_wheel():
        log["runtime_after"] = inference.runtime.currentText()
        log["scroll_after"] = inference.widget().verticalScrollBar().value()
        shot("guard_wheel.png")
        review.raise_()

    def training_open():
        review.raise_()
        review.training_group.setCollapsed(False)
        QApplication.processEvents()
        area = review.widget()
        area.verticalScrollBar().setValue(area.verticalScrollBar().maximum())
        QApplication.processEvents()
        log["training_open_hscrollbar"] = area.horizontalScrollBar().isVisible()
        log["training_open_body_width"] = [area.widget().minimumSizeHint().width(), area.viewport().width()]
        shot("guard_training.png")
        review.training_group.setCollapsed(True)
        review.reveal_review()

    def missed_start():
        xdo("mousemove", *centre(canvas.viewport()), "click", "1").wait()

    def missed_key():
        xdo("key", "m").wait()

    def missed_draw():
        log["header_while_drawing"] = review.header.text()
        c = canvas.viewport().mapToGlobal(canvas.viewport().rect().center())
        for dx, dy in ((-200, -150), (-140, -150), (-140, -100), (-200, -100)):
            xdo("mousemove", str(c.x() + dx), str(c.y() + dy), "click", "1").wait()
        xdo("click", "3").wait()  # right-click ends the polygon

    def missed_form():
        modal = QApplication.activeModalWidget()
        log["form_after_drawing"] = type(modal).__name__ if modal is not None else None
        shot("guard_missed.png")
        if modal is not None:
            modal.accept()

    def missed_save():
        xdo("key", "ctrl+Return").wait()

    def missed_saved():
        conn = sqlite3.connect(scene["gpkg"])
        try:
            log["drawn_positives"] = conn.execute(
                "SELECT count(*), group_concat(BaseMapDate) FROM positives WHERE edited = 1").fetchone()  # drawn ones
        finally:
            conn.close()
        iface.actionPan().trigger()

    def help_click():
        from qgis.PyQt.QtWidgets import QToolButton
        button = review.findChild(QToolButton, "ThawSlumpMapperHelp_review")
        review.widget().verticalScrollBar().setValue(0)
        QApplication.processEvents()
        xdo("mousemove", *centre(button), "click", "1").wait()

    def help_seen():
        from qgis.PyQt.QtWidgets import QApplication as App
        guides = [w for w in App.topLevelWidgets() if w.objectName() == "ThawSlumpMapperGuide" and w.isVisible()]
        log["guide_window"] = bool(guides)
        shot("guard_help.png")
        for w in guides:
            w.close()

    then(2000, burst)
    then(6000, after_burst)
    for i in range(12):
        then(1300, deliberate(i))
    then(1500, after_deliberate)
    then(500, undo)
    then(3000, after_undo)
    then(500, wheel)
    then(1500, after_wheel)
    then(500, training_open)
    then(1000, missed_start)
    then(1500, missed_key)
    then(1500, missed_draw)
    then(1500, missed_form)
    then(500, missed_save)
    then(2500, missed_saved)
    then(500, help_click)
    then(3000, help_seen)
    then(1000, lambda: None)
    marker_extra["review_keys"] = 0  # the review dock in front for the last screenshot
    run_next()
    QTimer.singleShot(90000, finish)


marker_extra = {}
plugin_log = []
QgsApplication.messageLog().messageReceived.connect(
    lambda message, tag, level: plugin_log.append(message) if tag == "Thaw Slump Mapper" else None)
def run_environment_scenario():
    # the plugin's environment box (modal, as from the menu) with its details open, one screenshot
    from qgis.PyQt.QtWidgets import QApplication, QMessageBox

    def shoot():
        boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
        if not boxes:
            return
        box = boxes[0]
        for button in box.buttons():
            if box.buttonRole(button) == QMessageBox.ActionRole:  # "Show Details..."
                button.click()

        def save():
            QApplication.primaryScreen().grabWindow(0).save(os.path.join(OUT, "qgis_environment.png"))
            marker_extra["environment_box"] = box.windowTitle()
            marker_extra["environment_details"] = box.detailedText()
            box.done(0)

        QTimer.singleShot(1000, save)

    QTimer.singleShot(2500, shoot)
    plugins.get("thaw_slump_mapper").show_environment()  # returns when shoot() closes the box
    QTimer.singleShot(1000, finish)


def run_change_scenario():
    # issue 28: a real multi-date run (its change measured) in the review dock, a few of its dates
    # ticked as mosaics; the fastest-growing candidate shown, one screenshot of the window as it is
    from qgis.core import QgsProject, QgsRasterLayer
    from thaw_slump_mapper.adapters.layers import style_natural_colour

    scene = json.loads(os.environ["TSM_SMOKE_SCENE"])
    plugin = plugins["thaw_slump_mapper"]
    layers = [QgsRasterLayer(p, f"Sentinel-2 {d}") for p, d in scene["mosaics"]]
    for layer in layers:
        style_natural_colour(layer, scene.get("roles"))
    QgsProject.instance().addMapLayers(layers)
    QgsProject.instance().setCrs(layers[0].crs())
    iface.mapCanvas().setDestinationCrs(layers[0].crs())
    inference = plugin.docks["inference"]
    for layer, (_, date) in zip(layers, scene["mosaics"]):
        inference.set_mosaic_used(layer.id(), True, date)
    review = plugin.docks["review"]
    review.show()
    review.raise_()
    review.gpkg.setFilePath(scene["gpkg"])
    review.start.click()

    def pick():
        ctl = plugin.review
        if ctl.queue:
            ctl.jump(max(range(len(ctl.queue)), key=lambda i: ctl.queue[i].get("growth_m2_per_yr") or 0))
        QTimer.singleShot(2000, shoot)

    def shoot():
        QgsApplication.processEvents()
        window.grab().save(os.path.join(OUT, "qgis_1366x768_change.png"))
        plot = review.change_plot
        marker_extra["change"] = {
            "observed": len(plot.observed), "hidden": [d for d, _ in plot.hidden], "slope": plot.slope,
            "text": review.change_text.text(), "first_seen": review.first_seen.currentText(),
            "plot_size": [plot.width(), plot.height()], "header": review.header.text(),
            "dock_width": review.width(),
            "horizontal_scroll": review.widget().horizontalScrollBar().isVisible(),
            "accept_in_view": review.widget().viewport().rect().contains(review.buttons["accept"].mapTo(
                review.widget().viewport(), review.buttons["accept"].rect().bottomRight())),
        }
        marker_extra["review_keys"] = 0  # finish() keeps the review dock in front
        QTimer.singleShot(500, finish)

    QTimer.singleShot(2000, pick)


if os.environ.get("TSM_SMOKE_SCENARIO") == "change":
    QTimer.singleShot(int(os.environ.get("TSM_SMOKE_DELAY_MS", "4000")), run_change_scenario)
elif os.environ.get("TSM_SMOKE_SCENARIO") == "environment":
    QTimer.singleShot(int(os.environ.get("TSM_SMOKE_DELAY_MS", "4000")), run_environment_scenario)
elif os.environ.get("TSM_SMOKE_SCENARIO") == "area":
    QTimer.singleShot(int(os.environ.get("TSM_SMOKE_DELAY_MS", "4000")), run_area_scenario)
elif os.environ.get("TSM_SMOKE_SCENARIO") == "cluster":
    QTimer.singleShot(int(os.environ.get("TSM_SMOKE_DELAY_MS", "4000")), run_cluster_scenario)
elif os.environ.get("TSM_SMOKE_SCENARIO") in ("inference", "review", "guard"):
    QTimer.singleShot(int(os.environ.get("TSM_SMOKE_DELAY_MS", "4000")), run_inference_scenario)
else:
    QTimer.singleShot(int(os.environ.get("TSM_SMOKE_DELAY_MS", "4000")), finish)
"""


def venv_of_current_python() -> str:
    return sys.prefix if sys.prefix != sys.base_prefix else ""


def install_profile(zip_path: Path, profiles: Path, lang: str) -> Path:
    from qgis.PyQt.QtCore import QSettings

    profile = profiles / "profiles" / "default"
    plugins_dir = profile / "python" / "plugins"
    plugins_dir.mkdir(parents=True)
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(plugins_dir)
    ini = QSettings(str(profile / "QGIS" / "QGIS3.ini"), QSettings.Format.IniFormat)
    ini.setValue(f"PythonPlugins/{PLUGIN}", True)
    ini.setValue("qgis/checkVersion", False)
    ini.setValue("qgis/showTips", False)
    ini.setValue("qgis/allowVersionInformation", False)
    if lang:
        ini.setValue("locale/overrideFlag", True)
        ini.setValue("locale/userLocale", lang)
    ini.sync()
    return plugins_dir / PLUGIN


def prepare_inference_scene(folder: Path) -> dict:
    """A SYNTHETIC two-year scene and a small test model (bare-ground index) for the scenario."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from _bootstrap import register_package

    register_package()
    from tsm_testkit import bare_soil_model

    from thaw_slump_mapper.core.synthetic import SceneSpec, generate

    scene = generate(folder / "scene", SceneSpec(width=768, height=768, years=(2019, 2020, 2021), n_slumps=10,
                                                 n_ponds=8, n_rocks=6, seed=21))
    model = bare_soil_model(folder / "bare_soil_index.onnx")
    area = folder / "corridor.gpkg"  # a diagonal corridor across the scene, as a study area
    from osgeo import ogr, osr

    x0, y1, res = 440000.0, 3860000.0, 3.0  # SceneSpec's default origin and GSD
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(str(area))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32646)
    layer = ds.CreateLayer("corridor", srs, ogr.wkbPolygon)
    feature = ogr.Feature(layer.GetLayerDefn())
    w = 768 * res
    feature.SetGeometry(ogr.CreateGeometryFromWkt(
        f"POLYGON(({x0} {y1}, {x0 + 0.3 * w} {y1}, {x0 + w} {y1 - 0.7 * w}, {x0 + w} {y1 - w}, "
        f"{x0 + 0.7 * w} {y1 - w}, {x0} {y1 - 0.3 * w}, {x0} {y1}))"))
    layer.CreateFeature(feature)
    ds = None
    return {"mosaics": [[str(p), y] for p, y in scene.mosaics], "model": str(model),
            "gpkg": str(folder / "candidates.gpkg"), "area": str(area)}


def prepare_change_scene(folder: Path, gpkg: Path, mosaics_dir: Path, count: int = 5) -> dict:
    """A copy of a multi-date candidates file (e.g. 49 real Sentinel-2 dates of math76 site s019),
    its change measured as `tsm change` does, and ``count`` of its dates spread over the run to
    tick as mosaics (the thumbnails; the curve shows every date)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from _bootstrap import register_package

    register_package()
    from thaw_slump_mapper.core.change.update import update_change
    from thaw_slump_mapper.core.engine.raster import guess_date

    copy = folder / gpkg.name
    shutil.copy(gpkg, copy)
    dates = update_change(copy).dates
    files = {guess_date(p.name): p for p in sorted(mosaics_dir.glob("*.tif"))}
    files = [(str(files[d]), d) for d in dates if d in files]
    if not files:
        raise SystemExit(f"no mosaic in {mosaics_dir} is named with a date of {gpkg.name}'s run")
    picked = [files[round(i * (len(files) - 1) / max(count - 1, 1))] for i in range(min(count, len(files)))]
    return {"gpkg": str(copy), "mosaics": [list(m) for m in picked], "roles": {"red": 1, "green": 2, "blue": 3}}


def run(zip_path: Path, out: Path, timeout: int, lang: str = "", env_dir: str | None = None,
        scenario: str = "", torch: bool = False, display: str = "", change_gpkg: Path | None = None,
        change_mosaics: Path | None = None) -> dict:
    """Start QGIS; ``env_dir`` overrides the plugin environment (default: this Python's venv);
    ``scenario`` 'inference' runs the model from the dock like a user before the screenshots;
    ``torch`` also builds and runs an smp network inside QGIS."""
    out.mkdir(parents=True, exist_ok=True)
    for stale in ("marker.json", "qgis_inference.png", "qgis_review.png"):
        (out / stale).unlink(missing_ok=True)
    if not shutil.which("qgis") or not shutil.which("xvfb-run"):
        raise SystemExit("qgis and xvfb-run are needed: run `make setup` (apt packages qgis, xvfb)")
    with tempfile.TemporaryDirectory(prefix="tsm-qgis-") as tmp:
        tmp_path = Path(tmp)
        installed = install_profile(zip_path, tmp_path / "profiles", lang)
        startup = tmp_path / "startup.py"
        startup.write_text(STARTUP, encoding="utf-8")
        env = dict(os.environ, TSM_SMOKE_OUT=str(out.resolve()), XDG_RUNTIME_DIR=str(tmp_path))
        env.pop("QT_QPA_PLATFORM", None)  # a real X server (Xvfb) this time
        env.pop("QGIS_CUSTOM_CONFIG_PATH", None)
        if scenario:
            env["TSM_SMOKE_SCENARIO"] = scenario
        if scenario in ("inference", "review", "area", "cluster", "guard"):
            env["TSM_SMOKE_SCENE"] = json.dumps(prepare_inference_scene(tmp_path))
        if scenario == "change":
            if change_gpkg is None or change_mosaics is None:
                raise SystemExit("--scenario change needs --change-gpkg and --change-mosaics")
            env["TSM_SMOKE_SCENE"] = json.dumps(prepare_change_scene(tmp_path, change_gpkg, change_mosaics))
        env["TSM_SMOKE_TORCH"] = "1" if torch else "0"
        env_dir = venv_of_current_python() if env_dir is None else env_dir
        env["THAW_SLUMP_MAPPER_VENV"] = env_dir or str(tmp_path / "no-plugin-environment")
        cmd = ["qgis", "--profiles-path", str(tmp_path / "profiles"), "--profile", "default", "--nologo",
               "--noversioncheck", "--code", str(startup)]
        if display:  # a running X server with a window manager, at the screen size the user has
            env["DISPLAY"] = display
            env["TSM_SMOKE_SIZE"] = "screen"
        else:
            cmd = ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", *cmd]
        try:
            proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            raise SystemExit(f"QGIS did not finish within {timeout} s") from exc
        (out / "qgis_stderr.txt").write_text(proc.stderr, encoding="utf-8")
        marker_path = out / "marker.json"
        if not marker_path.exists():
            raise SystemExit(f"QGIS exited with {proc.returncode} and wrote no marker; "
                             f"see {out / 'qgis_stderr.txt'}")
        marker = json.loads(marker_path.read_text(encoding="utf-8"))
        marker["installed_from_zip"] = str(installed)
        marker["loaded_from_profile"] = marker["module_file"].startswith(str(installed))
        marker["returncode"] = proc.returncode
        marker_path.write_text(json.dumps(marker, indent=2, ensure_ascii=False), encoding="utf-8")
        return marker


def ok(marker: dict) -> bool:
    return (marker.get("class") == "ThawSlumpMapperPlugin" and marker.get("provider")
            and len(marker.get("docks", [])) == 2 and marker.get("loaded_from_profile"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zip", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--timeout", type=int, default=180)
    parser.add_argument("--lang", default="", help="e.g. zh_CN to start QGIS in Chinese")
    parser.add_argument("--scenario", choices=["", "inference", "review", "area", "cluster", "environment", "guard",
                                               "change"],
                        default="",
                        help="inference: run the model on a synthetic scene from the dock first; "
                             "review: then review 20 candidates by keyboard; guard: then (under --display, with "
                             "xdotool) a burst of 50 keys on the map, 12 keys, a list undo of 10 and the wheel over "
                             "the Runtime combo (issue 27); environment: the environment box with "
                             "its details; area: a study-area run from the "
                             "dock, then through Processing; cluster: a run sent to a Dask LocalCluster "
                             "(2 workers started here) from the dock, then through Processing; change: a multi-date "
                             "run (--change-gpkg, its dated mosaics in --change-mosaics) in the review dock, the "
                             "fastest-growing candidate's curve (qgis_1366x768_change.png)")
    parser.add_argument("--change-gpkg", type=Path, help="candidates of a run over several dates (copied)")
    parser.add_argument("--change-mosaics", type=Path, help="the folder of that run's dated GeoTIFFs")
    parser.add_argument("--display", default="", help="an X display with a window manager (e.g. :79 running "
                                                       "Xvfb and openbox) instead of a bare xvfb-run")
    args = parser.parse_args()
    if args.scenario == "cluster":  # the scheduler and workers live in this process's LocalCluster
        from distributed import LocalCluster

        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
            os.environ["TSM_SMOKE_SCHEDULER"] = cluster.scheduler_address
            marker = run(args.zip, args.out, args.timeout, args.lang, scenario=args.scenario, display=args.display)
    else:
        marker = run(args.zip, args.out, args.timeout, args.lang, scenario=args.scenario, display=args.display,
                     change_gpkg=args.change_gpkg, change_mosaics=args.change_mosaics)
    print(json.dumps(marker, indent=2, ensure_ascii=False))
    sys.exit(0 if ok(marker) else 1)


if __name__ == "__main__":
    main()
