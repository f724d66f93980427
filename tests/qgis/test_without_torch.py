"""Inference needs only onnxruntime: with torch absent the real plugin loads, ONNX models run,
and the docks say why training is disabled."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import json, sys
for name in ("torch", "torchvision", "segmentation_models_pytorch"):
    sys.modules[name] = None  # any import of them raises ImportError, as if not installed
sys.path.insert(0, SCRIPTS)
from _bootstrap import register_package; register_package()
from unittest.mock import MagicMock
from qgis.core import QgsApplication
from qgis.gui import QgisInterface
from qgis.PyQt.QtWidgets import QMainWindow
app = QgsApplication([], True); app.initQgis()
window = QMainWindow()
iface = MagicMock(spec=QgisInterface); iface.mainWindow.return_value = window
iface.addToolBar.side_effect = window.addToolBar
import numpy as np, onnxruntime as ort
from onnx import TensorProto, helper
import thaw_slump_mapper
plugin = thaw_slump_mapper.classFactory(iface)
plugin.initGui()
graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "g",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]); model.ir_version = 8
out = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"]).run(
    None, {"x": np.array([-1.0, 2.0], np.float32)})[0]
print(json.dumps({
    "plugin": type(plugin).__name__,
    "onnx_output": out.tolist(),
    "dock_text": [plugin.docks["inference"].environment.text()],
    "torch_loaded": any(m == "torch" and sys.modules[m] is not None for m in sys.modules),
}))
plugin.unload()
"""


def test_plugin_runs_onnx_and_explains_missing_torch(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QGIS_CUSTOM_CONFIG_PATH=str(tmp_path))
    code = f"SCRIPTS = {str(ROOT / 'scripts')!r}\n" + SCRIPT
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["plugin"] == "ThawSlumpMapperPlugin"
    assert report["onnx_output"] == [0.0, 2.0]
    assert report["torch_loaded"] is False
    text = " ".join(report["dock_text"])
    assert "ONNX models: ready" in text
    assert "disabled because torch is not installed" in text
    assert '"torch>=2.0"' in text
