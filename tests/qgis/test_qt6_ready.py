"""QGIS 4 (Qt 6) loads the same code as QGIS 3.22: no PyQt5-only construct in the plugin's Qt code.

The rules of QGIS's migration checker (scripts/pyqt5_to_pyqt6/pyqt5_to_pyqt6.py), checked here
without it against the enums of the PyQt5 and QGIS installed: every Qt and QGIS enum scoped,
``exec()`` not ``exec_()``, QAction/QShortcut/QActionGroup from adapters/qt_compat.py, no ``int()``
on flags or key combinations, and the QGIS enums that QGIS 4 removed only through
adapters/compat.py. scripts/qt6_check.py runs the checker itself when it is given one.
"""

from __future__ import annotations

import ast
import enum
import os
import subprocess
import sys
from pathlib import Path

import pytest
import qgis.core
import qgis.gui
from qgis.PyQt import QtCore, QtGui, QtWidgets
from qt6_check import ENV, plugin_files

ROOT = Path(__file__).resolve().parents[2]
FILES = [*plugin_files(ROOT), *sorted((ROOT / "tests" / "qgis").glob("*.py")), ROOT / "tests" / "conftest.py"]
IDS = [str(p.relative_to(ROOT)) for p in FILES]
MODULES = (QtCore, QtGui, QtWidgets, qgis.core, qgis.gui)
MOVED_ACTIONS = {"QAction", "QActionGroup", "QShortcut"}  # QtWidgets on Qt 5, QtGui on Qt 6
# QGIS enums moved into Qgis (3.30-3.36); QGIS 4 has only the new name: adapters/compat.py
MOVED_QGIS_ENUMS = {("QgsProcessing", "SourceType"), ("QgsProcessingParameterNumber", "Type"),
                    ("QgsMapLayerProxyModel", "Filter"), ("QgsWkbTypes", "GeometryType")}
# calls that return flags or modifiers, which Qt 6 no longer converts with int()
FLAG_CALLS = {"modifiers", "keyboardModifiers", "queryKeyboardModifiers", "flags", "windowFlags", "buttons",
              "alignment", "features", "standardButtons", "keyCombination", "textInteractionFlags"}


def lookup(name: str):
    for module in MODULES:
        value = getattr(module, name, None)
        if isinstance(value, type):
            return value
    return None


def is_enum_value(value) -> bool:
    # a sip enum member on PyQt5 (QGIS 3), a Python enum member on PyQt6 (QGIS 4)
    return type(type(value)).__name__ == "enumtype" or isinstance(value, enum.Enum)


def moved_enum_names() -> set[tuple[str, str]]:
    """(class, name) of each moved enum and each of its members, as the old API spells them."""
    names = set()
    for cls_name, enum_name in MOVED_QGIS_ENUMS:
        cls = lookup(cls_name)
        enum = getattr(cls, enum_name, None) if cls is not None else None
        if enum is None:  # a QGIS without the old name
            continue
        names.add((cls_name, enum_name))
        names.update((cls_name, attr) for attr in dir(cls) if type(getattr(cls, attr, None)) is enum)
    return names


MOVED = moved_enum_names()


def findings(path: Path, root: Path = ROOT) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    rel = path.relative_to(root)
    out = []
    for node in ast.walk(tree):
        where = f"{rel}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Attribute) and node.attr == "exec_":
            out.append(f"{where}: exec_() (exec() works on Qt 5 and 6)")
        elif isinstance(node, ast.FunctionDef) and node.name == "exec_":
            out.append(f"{where}: def exec_")
        elif (isinstance(node, ast.ImportFrom) and node.module and node.module.endswith("QtWidgets")
              and rel.as_posix() != "adapters/qt_compat.py"):
            moved = sorted(MOVED_ACTIONS & {alias.name for alias in node.names})
            if moved:
                out.append(f"{where}: {', '.join(moved)} from QtWidgets (QtGui on Qt 6: adapters/qt_compat.py)")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "int" and node.args:
            inner = list(ast.walk(node.args[0]))
            if any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in FLAG_CALLS
                   for n in inner) or any(isinstance(n, ast.Subscript) and "sequence" in ast.unparse(n.value).lower()
                                          for n in inner):
                out.append(f"{where}: {ast.unparse(node)} (int() of flags or a QKeyCombination fails on Qt 6: "
                           "adapters/qt_compat.py)")
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            pair = (node.value.id, node.attr)
            if pair in MOVED and rel.as_posix() != "adapters/compat.py":
                out.append(f"{where}: {'.'.join(pair)} is gone in QGIS 4 (adapters/compat.py)")
                continue
            if isinstance(parents.get(node), ast.Attribute) and parents[node].value is node:
                if not is_enum_value(getattr(lookup(node.value.id), node.attr, None)):
                    continue  # Class.Enum.member, or Class.method()
            cls = lookup(node.value.id)
            value = getattr(cls, node.attr, None) if cls is not None else None
            if value is not None and is_enum_value(value):
                out.append(f"{where}: {'.'.join(pair)} unscoped (write {node.value.id}."
                           f"{type(value).__name__}.{node.attr})")
    return sorted(out, key=lambda line: int(line.split(":")[1]))


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_no_pyqt5_only_construct(path):
    assert findings(path) == []


def test_the_rules_catch_what_the_migration_checker_reports(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from qgis.PyQt.QtWidgets import QAction, QLabel\n"
        "from qgis.core import Qgis, QgsProcessing, QgsWkbTypes\n"
        "QLabel().setAlignment(Qt.AlignCenter)\n"
        "Qt.ItemDataRole.UserRole\n"
        "dialog.exec_()\n"
        "code = int(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)\n"
        "code = int(sequence[0])\n"
        "level = Qgis.Warning\n"
        "ok = Qgis.MessageLevel.Warning\n"
        "kind = QgsProcessing.SourceType.TypeRaster\n"
        "geometry = QgsWkbTypes.PolygonGeometry\n", encoding="utf-8")
    found = findings(sample, tmp_path)
    assert [line.split(":")[1] for line in found] == ["1", "3", "5", "6", "7", "8", "10", "11"], found


def test_compat_picks_the_name_this_qgis_has():
    from thaw_slump_mapper.adapters import compat

    assert compat._pick(lambda: "new", lambda: 1 / 0) == "new"
    assert compat._pick(lambda: qgis.core.Qgis.NoSuchEnumAnywhere, lambda: "old") == "old"
    new = getattr(qgis.core.Qgis, "ProcessingSourceType", None)
    assert compat.SOURCE_RASTER == (new.Raster if new else qgis.core.QgsProcessing.SourceType.TypeRaster)
    layer = qgis.core.QgsVectorLayer("Polygon?crs=EPSG:4326", "p", "memory")
    assert layer.geometryType() == compat.GEOMETRY_POLYGON


@pytest.mark.skipif(not os.environ.get(ENV), reason=f"QGIS's pyqt5_to_pyqt6.py not given (${ENV})")
def test_qgis_migration_checker_reports_nothing():
    """With TSM_QT6_CHECKER and TSM_QT6_PYTHON (an interpreter with tokenize-rt), QGIS's own checker."""
    python = os.environ.get("TSM_QT6_PYTHON", sys.executable)
    result = subprocess.run([python, str(ROOT / "scripts" / "qt6_check.py")], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
