"""Translation chores: ``update`` refreshes the .ts files from the sources (pylupdate5),
``compile`` builds the .qm files that QGIS loads (lrelease), only when they are stale."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
I18N = ROOT / "i18n"
LANGUAGES = ("zh_CN",)
SOURCE_DIRS = ("ui", "adapters")
SOURCE_FILES = ("plugin.py", "__init__.py")


def sources() -> list[Path]:
    files = [ROOT / f for f in SOURCE_FILES]
    for folder in SOURCE_DIRS:
        files.extend(sorted((ROOT / folder).rglob("*.py")))
    return files


def ts_files() -> list[Path]:
    return [I18N / f"thaw_slump_mapper_{lang}.ts" for lang in LANGUAGES]


def update() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        pro = Path(tmp) / "tsm.pro"
        pro.write_text(
            "SOURCES = " + " \\\n    ".join(str(p) for p in sources())
            + "\nTRANSLATIONS = " + " ".join(str(p) for p in ts_files()) + "\n",
            encoding="utf-8",
        )
        subprocess.run(["pylupdate5", "-noobsolete", str(pro)], check=True)
    # pylupdate writes absolute locations; keep the files relative so diffs stay clean
    for ts in ts_files():
        text = ts.read_text(encoding="utf-8").replace(f'filename="{ROOT}/', 'filename="../')
        ts.write_text(text, encoding="utf-8")


def compile_qm(force: bool = False) -> list[Path]:
    lrelease = shutil.which("lrelease") or "/usr/lib/qt5/bin/lrelease"
    built = []
    for ts in ts_files():
        qm = ts.with_suffix(".qm")
        if force or not qm.exists() or qm.stat().st_mtime < ts.stat().st_mtime:
            subprocess.run([lrelease, "-silent", str(ts), "-qm", str(qm)], check=True)
            built.append(qm)
    return built


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "compile"
    if command == "update":
        update()
    elif command == "compile":
        for qm in compile_qm(force="--force" in sys.argv):
            print(f"[i18n] built {qm.relative_to(ROOT)}")
    else:
        sys.exit(f"unknown command {command!r}: use 'update' or 'compile'")
