"""Time the inference dock as a user meets it: click "Run on current view" over a 100 km² view
until the candidates layer is on the map, then move the threshold slider until the layer is
updated. Runs QGIS offscreen in this process; needs the files bench_inference.py generates.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/bench_dock.py [--bench build/bench]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from unittest.mock import MagicMock

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bootstrap import ROOT, register_package

register_package()


def wait_for(app, condition, timeout=900.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        app.processEvents()
        if condition():
            return
        time.sleep(0.005)
    raise SystemExit("timed out")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", type=Path, default=ROOT / "build" / "bench")
    args = parser.parse_args()
    mosaic, model = args.bench / "mosaic_100km2.tif", args.bench / "unet_r34.onnx"
    blobs = args.bench / "prob_blobs_100.tif"
    if not (mosaic.exists() and model.exists() and blobs.exists()):
        raise SystemExit("run scripts/bench_inference.py first (it writes the mosaic, model and blob raster)")

    from qgis.core import QgsApplication, QgsProject, QgsRasterLayer
    from qgis.gui import QgisInterface, QgsMapCanvas
    from qgis.PyQt.QtWidgets import QMainWindow

    app = QgsApplication([], True)
    app.initQgis()
    from thaw_slump_mapper.adapters import settings
    from thaw_slump_mapper.adapters.layers import CANDIDATES_PROPERTY
    from thaw_slump_mapper.core.preferences import Preferences
    from thaw_slump_mapper.ui.inference.controller import InferenceController
    from thaw_slump_mapper.ui.inference.dock import InferenceDock

    tmp = Path(tempfile.mkdtemp(prefix="tsm-bench-dock-"))
    settings.save(Preferences(cache_dir=str(tmp / "cache"), batch_size=1))
    window = QMainWindow()
    iface = MagicMock(spec=QgisInterface)
    iface.mainWindow.return_value = window
    layer = QgsRasterLayer(str(mosaic), "mosaic 2020")
    QgsProject.instance().addMapLayer(layer)
    canvas = QgsMapCanvas()
    canvas.resize(800, 800)
    canvas.setDestinationCrs(layer.crs())
    canvas.setExtent(layer.extent())
    iface.mapCanvas.return_value = canvas
    dock = InferenceDock()
    controller = InferenceController(iface, dock)
    controller.add_model_path(str(model))
    dock.set_mosaic_used(layer.id(), True, "2020")
    dock.output.setFilePath(str(tmp / "cand.gpkg"))

    start = time.monotonic()
    dock.run_button.click()
    wait_for(app, lambda: controller.task is None)
    run_s = time.monotonic() - start
    cands = [lyr for lyr in QgsProject.instance().mapLayers().values() if lyr.customProperty(CANDIDATES_PROPERTY)]
    print(f"run on current view, 100 km² (UNet-R34, random weights): {run_s:.1f} s from click to layer "
          f"({cands[0].featureCount()} candidates); {dock.status.text()}")

    # re-threshold on a view full of candidates: point the last run at the 2 543-blob raster
    controller.last["prob"] = str(blobs)
    controller.last["band"] = "2020"
    for value in (60, 70):
        start = time.monotonic()
        dock.threshold.setValue(value)
        before = dock.status.text()
        wait_for(app, lambda b=before: controller.task is None and dock.status.text() != b)
        print(f"re-threshold to {value / 100:.2f} (incl. the 300 ms pause after the slider stops): "
              f"{time.monotonic() - start:.2f} s; {dock.status.text()}")
    controller.unload()
    settings.save(Preferences())


if __name__ == "__main__":
    main()
