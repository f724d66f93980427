"""The zip for Plugin Manager ▸ Install from ZIP: right contents, small, and it loads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from tsm_testkit import starter_next_version

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import package  # noqa: E402


@pytest.fixture(scope="module")
def plugin_zip(tmp_path_factory) -> Path:
    return package.build(tmp_path_factory.mktemp("dist"))


def test_zip_holds_the_plugin_and_no_development_files(plugin_zip):
    names = zipfile.ZipFile(plugin_zip).namelist()
    assert all(n.startswith("thaw_slump_mapper/") for n in names)
    for needed in ("metadata.txt", "__init__.py", "plugin.py", "LICENSE",
                   "i18n/thaw_slump_mapper_zh_CN.qm", "resources/icons/thaw_slump_mapper.svg"):
        assert f"thaw_slump_mapper/{needed}" in names
    for banned in ("tests/", "scripts/", ".ci/", "Makefile", "pyproject.toml", "__pycache__", ".pyc",
                   "requirements/dev.txt", ".venv", "artifacts/", "dist/"):
        assert not [n for n in names if banned in n], banned
    assert "thaw_slump_mapper/models/tsm_starter/tsm_starter.onnx" in names  # the bundled model runs from the zip
    # ... and so does fine-tuning: the starter's Torch weights and their description travel too
    assert {"thaw_slump_mapper/models/tsm_starter/tsm_starter.pth",
            "thaw_slump_mapper/models/tsm_starter/tsm_starter.pth.json"} <= set(names)
    assert plugin_zip.stat().st_size < 25 * 1024 * 1024


LOADER = r"""
import json, sys
from unittest.mock import MagicMock
from qgis.core import QgsApplication
from qgis.gui import QgisInterface
from qgis.PyQt.QtWidgets import QMainWindow
app = QgsApplication([], True); app.initQgis()
window = QMainWindow()
iface = MagicMock(spec=QgisInterface); iface.mainWindow.return_value = window
iface.addToolBar.side_effect = window.addToolBar
import qgis.utils
qgis.utils.iface = iface
sys.path.insert(0, PLUGINS)
qgis.utils.plugin_paths = [PLUGINS]
qgis.utils.updateAvailablePlugins()
loaded = qgis.utils.loadPlugin("thaw_slump_mapper")
started = qgis.utils.startPlugin("thaw_slump_mapper")
plugin = qgis.utils.plugins.get("thaw_slump_mapper")
info = {"loaded": loaded, "started": started, "class": type(plugin).__name__,
        "file": sys.modules["thaw_slump_mapper"].__file__,
        "provider": QgsApplication.processingRegistry().providerById("thawslumpmapper") is not None}
info["unloaded"] = qgis.utils.unloadPlugin("thaw_slump_mapper")
info["provider_after"] = QgsApplication.processingRegistry().providerById("thawslumpmapper") is not None
print(json.dumps(info))
"""


def test_unpacked_zip_loads_through_qgis_plugin_machinery(plugin_zip, tmp_path):
    plugins = tmp_path / "profile" / "python" / "plugins"
    plugins.mkdir(parents=True)
    zipfile.ZipFile(plugin_zip).extractall(plugins)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QGIS_CUSTOM_CONFIG_PATH=str(tmp_path / "profile"))
    result = subprocess.run([sys.executable, "-c", f"PLUGINS = {str(plugins)!r}\n" + LOADER],
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    info = json.loads(result.stdout.strip().splitlines()[-1])
    assert info["loaded"] and info["started"] and info["unloaded"]
    assert info["class"] == "ThawSlumpMapperPlugin"
    assert info["file"].startswith(str(plugins))  # the unpacked copy, not the repository
    assert info["provider"] and not info["provider_after"]


FINE_TUNE = r"""
import json, sys
from pathlib import Path
sys.path.insert(0, PLUGINS)
import thaw_slump_mapper
from thaw_slump_mapper.core.engine.inference import InferenceParams, run_inference
from thaw_slump_mapper.core.engine.models import load_model
from thaw_slump_mapper.core.engine.raster import MosaicSpec
from thaw_slump_mapper.core.engine.vectorize import VectorizeParams, vectorize
from thaw_slump_mapper.core.learn.chips import export_chips
from thaw_slump_mapper.core.learn.evaluate import iou
from thaw_slump_mapper.core.learn.finetune import fine_tune
from thaw_slump_mapper.core.review.decisions import record_decision
from thaw_slump_mapper.core.store.candidates import read_candidates, write_candidates
from thaw_slump_mapper.core.synthetic import SceneSpec, generate

work = Path(WORK)
starter = Path(thaw_slump_mapper.__file__).parent / "models" / "tsm_starter" / "tsm_starter.onnx"
scene = generate(work / "scene", SceneSpec(width=384, height=384, years=(2020, 2022), n_slumps=5, seed=4))
mosaics = [MosaicSpec(str(p), str(y)) for p, y in scene.mosaics]
spec = load_model(starter).spec
prob = run_inference(InferenceParams(tuple(mosaics), str(starter), cache_dir=str(work / "cache")))
gpkg = work / "cand.gpkg"
write_candidates(gpkg, vectorize(prob.path, VectorizeParams(0.3, 300, band="max")), {"threshold": 0.3})
truth = [s.outlines[max(s.outlines)] for s in scene.slumps]
for r in read_candidates(gpkg):
    ok = any(iou(r["geometry"], t) > 0.1 for t in truth)
    record_decision(gpkg, r["candidate_id"], "accepted" if ok else "rejected", "auto",
                    reject_reason=None if ok else "other")
export_chips(gpkg, mosaics, spec, work / "chips", chip=64, background=6, block_m=60, val_share=0.3)
tuned = fine_tune(starter.with_suffix(".pth"), work / "chips", work / "tuned", steps=3)
import shutil
shutil.copy(starter.with_suffix(".pth.json"), work / "described.pth.json")  # a new network needs no weights
new = fine_tune(work / "described.pth", work / "chips", work / "new", steps=2, from_scratch="Unet",
                pretrained="none")
print(json.dumps({"starter": str(starter), "tuned": str(tuned["paths"]["onnx"]), "new": str(new["paths"]["onnx"]),
                  "runs": load_model(tuned["paths"]["onnx"]).spec.version}))
"""


def test_fine_tuning_runs_from_the_unpacked_zip(plugin_zip, tmp_path):
    """What a user who installed the zip gets: the review dock's Train (fine-tune the starter, or a new
    network) works from the installed copy, with nothing taken from the repository."""
    plugins = tmp_path / "plugins"
    zipfile.ZipFile(plugin_zip).extractall(plugins)
    code = f"PLUGINS = {str(plugins)!r}\nWORK = {str(tmp_path)!r}\n" + FINE_TUNE
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=900, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    info = json.loads(result.stdout.strip().splitlines()[-1])
    assert info["starter"].startswith(str(plugins))  # the installed copy, not the repository
    assert Path(info["tuned"]).is_file() and Path(info["new"]).is_file() and info["runs"] == starter_next_version()
