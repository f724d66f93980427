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
window.resize(1600, 1000)
window.move(0, 0)


def finish():
    plugin = plugins.get("thaw_slump_mapper")
    docks = [d for d in window.findChildren(QDockWidget) if d.objectName().startswith("ThawSlumpMapper")]
    tabified = sorted(t.objectName() for d in docks for t in window.tabifiedDockWidgets(d))
    areas = sorted(int(window.dockWidgetArea(d)) for d in docks)
    floating = [d.isFloating() for d in docks]
    for dock in docks:
        dock.show()
    window.resizeDocks(docks, [430] * len(docks), Qt.Horizontal)
    shots = []
    for dock in docks:
        dock.raise_()
        QgsApplication.processEvents()
        name = "qgis_" + ("review" if "Review" in dock.objectName() else "inference") + ".png"
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
        "docks": sorted(d.objectName() for d in docks),
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
    }
    with open(os.path.join(OUT, "marker.json"), "w", encoding="utf-8") as fh:
        json.dump(marker, fh, indent=2, ensure_ascii=False)
    QgsApplication.exit(0)


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
    ini = QSettings(str(profile / "QGIS" / "QGIS3.ini"), QSettings.IniFormat)
    ini.setValue(f"PythonPlugins/{PLUGIN}", True)
    ini.setValue("qgis/checkVersion", False)
    ini.setValue("qgis/showTips", False)
    ini.setValue("qgis/allowVersionInformation", False)
    if lang:
        ini.setValue("locale/overrideFlag", True)
        ini.setValue("locale/userLocale", lang)
    ini.sync()
    return plugins_dir / PLUGIN


def run(zip_path: Path, out: Path, timeout: int, lang: str = "", env_dir: str | None = None) -> dict:
    """Start QGIS; ``env_dir`` overrides the plugin environment (default: this Python's venv)."""
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
        env_dir = venv_of_current_python() if env_dir is None else env_dir
        env["THAW_SLUMP_MAPPER_VENV"] = env_dir or str(tmp_path / "no-plugin-environment")
        cmd = ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", "qgis", "--profiles-path",
               str(tmp_path / "profiles"), "--profile", "default", "--nologo", "--noversioncheck",
               "--code", str(startup)]
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
    args = parser.parse_args()
    marker = run(args.zip, args.out, args.timeout, args.lang)
    print(json.dumps(marker, indent=2, ensure_ascii=False))
    sys.exit(0 if ok(marker) else 1)


if __name__ == "__main__":
    main()
