"""Build the zip for Plugin Manager ▸ Install from ZIP: only what the plugin needs at run time.

    python scripts/package.py [--out dist/]

The zip holds one folder, thaw_slump_mapper/, with the compiled translations; tests, scripts,
CI and development files stay out (the same rules as .gitattributes export-ignore).
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import i18n  # noqa: E402

PACKAGE = "thaw_slump_mapper"
TOP_FILES = ("metadata.txt", "__init__.py", "plugin.py", "LICENSE", "README.md")
TOP_DIRS = ("core", "adapters", "ui", "models", "resources", "i18n")
EXTRA_FILES = ("requirements/runtime.txt", "requirements/train.txt", "requirements/constraints.txt")
SKIP_SUFFIXES = (".pyc", ".pyo")  # the starter's Torch weights (.pth) travel: fine-tuning starts from them
SKIP_PARTS = ("__pycache__", ".pytest_cache", ".ruff_cache")
LIMIT_BYTES = 25 * 1024 * 1024  # plugins.qgis.org's upload limit


def plugin_files(root: Path = ROOT) -> list[Path]:
    files = [root / f for f in TOP_FILES + EXTRA_FILES]
    for folder in TOP_DIRS:
        files.extend(p for p in sorted((root / folder).rglob("*")) if p.is_file())
    return [
        p for p in files
        if p.suffix not in SKIP_SUFFIXES and not set(p.relative_to(root).parts) & set(SKIP_PARTS)
    ]


def version(root: Path = ROOT) -> str:
    for line in (root / "metadata.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("version="):
            return line.split("=", 1)[1].strip()
    raise SystemExit("metadata.txt has no version")


def build(out_dir: Path) -> Path:
    i18n.compile_qm()
    missing = [str(p) for p in (ROOT / f for f in TOP_FILES) if not p.is_file()]
    if missing:
        raise SystemExit(f"cannot package, missing: {missing}")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{PACKAGE}-{version()}.zip"
    tmp = target.with_suffix(".zip.part")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in plugin_files():
            zf.write(path, f"{PACKAGE}/{path.relative_to(ROOT).as_posix()}")
    tmp.replace(target)
    size = target.stat().st_size
    if size > LIMIT_BYTES:
        raise SystemExit(f"{target} is {size / 2**20:.1f} MB, over the 25 MB limit of plugins.qgis.org")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    args = parser.parse_args()
    target = build(args.out)
    print(f"{target} ({target.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
