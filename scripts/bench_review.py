"""Time to show the next candidate in the review dock: five years of mosaics, thumbnails
prepared ahead (as while a reviewer looks at the current one) and cold (nothing prepared).

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/bench_review.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path
from unittest.mock import MagicMock

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from _bootstrap import register_package

register_package()


def main() -> None:
    from qgis.core import QgsApplication, QgsCoordinateReferenceSystem
    from qgis.gui import QgisInterface, QgsMapCanvas
    from qgis.PyQt.QtWidgets import QMainWindow

    app = QgsApplication([], True)
    app.initQgis()
    from tsm_testkit import bare_soil_model

    from thaw_slump_mapper.adapters import settings
    from thaw_slump_mapper.core.engine.inference import InferenceParams, run_inference
    from thaw_slump_mapper.core.engine.raster import MosaicSpec
    from thaw_slump_mapper.core.engine.vectorize import VectorizeParams, vectorize
    from thaw_slump_mapper.core.preferences import Preferences
    from thaw_slump_mapper.core.store.candidates import write_candidates
    from thaw_slump_mapper.core.synthetic import SceneSpec, generate
    from thaw_slump_mapper.ui.review.controller import ReviewController
    from thaw_slump_mapper.ui.review.dock import ReviewDock

    tmp = Path(tempfile.mkdtemp(prefix="tsm-bench-review-"))
    years = (2017, 2018, 2019, 2020, 2021)
    scene = generate(tmp / "scene", SceneSpec(width=1024, height=1024, years=years, n_slumps=14, n_ponds=10,
                                              n_rocks=8, seed=5))
    mosaics = [(str(p), str(y)) for p, y in scene.mosaics]
    prob = run_inference(InferenceParams(tuple(MosaicSpec(p, d) for p, d in mosaics),
                                         str(bare_soil_model(tmp / "m.onnx")), cache_dir=str(tmp / "c")))
    gpkg = tmp / "cand.gpkg"
    write_candidates(gpkg, vectorize(prob.path, VectorizeParams(0.5, 300)), {"threshold": 0.5})
    settings.save(Preferences(reviewer="bench"))
    window = QMainWindow()
    iface = MagicMock(spec=QgisInterface)
    iface.mainWindow.return_value = window
    canvas = QgsMapCanvas()
    canvas.resize(800, 800)
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:32646"))
    iface.mapCanvas.return_value = canvas
    dock = ReviewDock()
    dock.show()
    controller = ReviewController(iface, dock, lambda: mosaics)
    controller.open(str(gpkg), "probability")
    n = len(controller.queue)
    warm, cold = [], []
    for i in range(min(20, n - 1)):
        for _ in range(3):
            app.processEvents()  # idle time while the reviewer looks: the prefetch runs
        start = time.perf_counter()
        controller.decide("accepted" if i % 2 else "rejected", "water" if i % 2 == 0 else "")
        warm.append(time.perf_counter() - start)
    controller.open(str(gpkg), "uncertainty")
    for _ in range(min(10, n - 1)):
        controller.thumbs.clear()
        start = time.perf_counter()
        controller.skip()
        cold.append(time.perf_counter() - start)
    print(f"{n} candidates, {len(years)} years (thumbnails 160 px)")
    print(f"next candidate after a decision (commit + map + 5 thumbnails), prepared ahead: median "
          f"{1000 * statistics.median(warm):.0f} ms, max {1000 * max(warm):.0f} ms over {len(warm)} decisions")
    print(f"next candidate with nothing prepared (cold): median {1000 * statistics.median(cold):.0f} ms, "
          f"max {1000 * max(cold):.0f} ms")
    settings.save(Preferences())


if __name__ == "__main__":
    main()
