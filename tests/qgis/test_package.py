"""The zip for Plugin Manager ▸ Install from ZIP: right contents, small, and it loads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

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
    assert not [n for n in names if n.endswith(".pth")]
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
