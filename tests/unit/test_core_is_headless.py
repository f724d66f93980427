"""core/ must run without QGIS or Qt: on a cluster node and in the CLI."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("qgis", "PyQt5", "PyQt6", "PySide2", "PySide6", "sip")


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def test_core_sources_import_no_qgis_or_qt():
    offenders = []
    for path in sorted((ROOT / "core").rglob("*.py")):
        for name in _imports(path):
            if name.split(".")[0] in FORBIDDEN:
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not offenders, offenders


def test_every_core_module_imports_with_qgis_and_qt_blocked():
    # Setting sys.modules[name] = None makes any import of it raise ImportError, so a hidden
    # (dynamic or transitive) qgis/Qt import anywhere in core/ fails this test.
    modules = sorted(
        "thaw_slump_mapper.core." + ".".join(p.relative_to(ROOT / "core").with_suffix("").parts)
        for p in (ROOT / "core").rglob("*.py")
        if p.name != "__init__.py"
    )
    assert modules, "no core modules found"
    code = "\n".join([
        "import sys, importlib",
        f"for name in {list(FORBIDDEN)!r}: sys.modules[name] = None",
        f"sys.path.insert(0, {str(ROOT / 'scripts')!r})",
        "from _bootstrap import register_package; register_package()",
        f"for m in {modules!r}: importlib.import_module(m)",
        "loaded = [m for m in sys.modules if m.split('.')[0] in "
        f"{list(FORBIDDEN)!r} and sys.modules[m] is not None]",
        "assert not loaded, loaded",
        "print('ok', len(" + repr(modules) + "))",
    ])
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok")


def test_the_package_itself_imports_without_qgis():
    # classFactory must import lazily: importing the plugin package touches no QGIS module.
    code = "\n".join([
        "import sys",
        "sys.modules['qgis'] = None",
        f"sys.path.insert(0, {str(ROOT / 'scripts')!r})",
        "from _bootstrap import register_package; register_package()",
        "import thaw_slump_mapper",
        "assert callable(thaw_slump_mapper.classFactory)",
    ])
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
