"""Install the plugin zip into a QGIS profile and enable it; link the plugin environment.

    python scripts/install_plugin.py --zip dist/thaw_slump_mapper-X.zip [--profile default]
        [--profiles-path ~/.local/share/QGIS/QGIS3]

QGIS embeds the system Python, so the packages that Debian lacks are found through the plugin
environment (~/.local/share/thaw_slump_mapper/venv, see core/deps.py); when none exists yet it
is linked to this project's .venv.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from _bootstrap import register_package  # noqa: E402

register_package()

from thaw_slump_mapper.core import deps  # noqa: E402

PLUGIN = "thaw_slump_mapper"


def default_profiles_path() -> Path:
    return Path.home() / ".local" / "share" / "QGIS" / "QGIS3"


def install(zip_path: Path, profiles_path: Path, profile: str) -> dict[str, str]:
    from qgis.PyQt.QtCore import QSettings

    profile_dir = profiles_path / "profiles" / profile
    plugins = profile_dir / "python" / "plugins"
    target = plugins / PLUGIN
    plugins.mkdir(parents=True, exist_ok=True)
    if target.is_symlink() or target.is_file():
        target.unlink()
    elif target.exists():
        shutil.rmtree(target)
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(plugins)
    ini_path = profile_dir / "QGIS" / "QGIS3.ini"
    ini = QSettings(str(ini_path), QSettings.Format.IniFormat)
    ini.setValue(f"PythonPlugins/{PLUGIN}", True)
    ini.sync()
    result = {"plugin": str(target), "settings": str(ini_path)}

    env = deps.plugin_env_dir()
    venv = Path(sys.prefix)
    if not env.exists() and not env.is_symlink() and sys.prefix != sys.base_prefix:
        env.parent.mkdir(parents=True, exist_ok=True)
        env.symlink_to(venv, target_is_directory=True)
        result["environment"] = f"{env} -> {venv} (linked)"
    else:
        result["environment"] = f"{env} ({'exists' if env.exists() else 'missing'})"
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zip", type=Path, required=True)
    parser.add_argument("--profiles-path", type=Path, default=default_profiles_path())
    parser.add_argument("--profile", default="default")
    args = parser.parse_args()
    for key, value in install(args.zip, args.profiles_path, args.profile).items():
        print(f"  {key}: {value}")


if __name__ == "__main__":
    main()
