"""Imports only run down the floors: plugin.py → ui/ → adapters/ → core/, and inside core/ along
the data path (engine → store → change → review → learn). Beside test_core_is_headless.py, which keeps
qgis and Qt out of core/ altogether."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "thaw_slump_mapper"
SOURCE_DIRS = ("core", "adapters", "ui", "resources")

# Higher floors may import lower ones, never the reverse. resources/ only locates files.
FLOORS = {"core": 0, "resources": 0, "adapters": 1, "ui": 2, "plugin": 3, "": 3}
# core/ subpackages in data-path order; the shared modules at core's root sit below them all.
STAGES = ("engine", "store", "change", "review", "learn")
SHARED = {"about", "errors", "messages", "progress", "preferences", "deps", "outputs"}
# Entry points at core's root that drive every stage (the command line, the synthetic scenes).
FRONT_ENDS = {"cli", "synthetic"}


def module_name(path: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def is_module(dotted: str) -> bool:
    base = ROOT.joinpath(*dotted.split(".")) if dotted else ROOT
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def plugin_imports(source: str, module: str, is_package: bool) -> list[tuple[int, str]]:
    """(line, dotted module inside the plugin) for every import of the plugin's own code."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name[len(PACKAGE) + 1:])
                         for alias in node.names if alias.name.startswith(PACKAGE + "."))
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                if node.module and node.module.startswith(PACKAGE + "."):
                    found.append((node.lineno, node.module[len(PACKAGE) + 1:]))
                continue
            here = module.split(".") if module else []
            base = here if is_package else here[:-1]
            base = base[: len(base) - (node.level - 1)]
            target = ".".join([*base, node.module]) if node.module else ".".join(base)
            if node.module is None:  # from . import a, b: a and b may be modules themselves
                for alias in node.names:
                    sub = f"{target}.{alias.name}" if target else alias.name
                    found.append((node.lineno, sub if is_module(sub) else target))
            else:
                found.append((node.lineno, target))
    return found


def floor(dotted: str) -> int:
    return FLOORS.get(dotted.split(".")[0], FLOORS["plugin"])


def violation(module: str, target: str) -> str | None:
    """Why importing ``target`` from ``module`` runs up a floor, or None."""
    top = module.split(".")[0]
    if top == "core" and not target.startswith("core"):
        return "core/ imports only core/"
    if floor(target) > floor(module):
        return "imports a higher floor"
    if top == "core" and target.startswith("core."):
        return stage_violation(module.split(".")[1:], target.split(".")[1:])
    return None


def stage_violation(source: list[str], target: list[str]) -> str | None:
    if not source or not target or source[0] in FRONT_ENDS:
        return None
    if target[0] in FRONT_ENDS:
        return "a stage imports a front end"
    if source[0] in SHARED:
        return None if target[0] in SHARED else "a shared module imports a stage"
    if target[0] in SHARED:
        return None
    if STAGES.index(target[0]) > STAGES.index(source[0]):
        return f"core/{source[0]} imports a later stage"
    return None


def sources() -> list[Path]:
    files = [ROOT / "plugin.py", ROOT / "__init__.py"]
    for folder in SOURCE_DIRS:
        files.extend(sorted((ROOT / folder).rglob("*.py")))
    return files


def test_no_import_runs_back_up_a_floor():
    offenders = []
    checked = 0
    for path in sources():
        module, is_package = module_name(path)
        for line, target in plugin_imports(path.read_text(encoding="utf-8"), module, is_package):
            checked += 1
            reason = violation(module, target)
            if reason:
                offenders.append(f"{path.relative_to(ROOT)}:{line} imports {target}: {reason}")
    assert checked > 150, f"only {checked} imports seen: is the resolver broken?"
    assert not offenders, "\n".join(offenders)


def test_every_core_module_belongs_to_a_stage_or_the_shared_root():
    loose = [p.stem for p in (ROOT / "core").glob("*.py")
             if p.stem not in SHARED | FRONT_ENDS | {"__init__"}]
    assert not loose, f"core/ modules outside a stage: {loose}"
    assert sorted(p.name for p in (ROOT / "core").iterdir() if (p / "__init__.py").is_file()) == sorted(STAGES)


@pytest.mark.parametrize(("module", "source", "reason"), [
    ("adapters.layers", "from ..ui.review.dock import ReviewDock", "higher floor"),
    ("adapters.processing.provider", "from ...ui.inference import dock", "higher floor"),
    ("core.engine.raster", "from ...adapters.i18n import tr", "only core/"),
    ("core.engine.inference", "from ..store.candidates import write_candidates", "later stage"),
    ("core.errors", "from .engine import models", "shared module imports a stage"),
    ("core.store.gpkg", "import thaw_slump_mapper.plugin", "only core/"),
    ("ui.review.dock", "from ...plugin import ThawSlumpMapperPlugin", "higher floor"),
])
def test_the_check_catches_upward_imports(module, source, reason):
    # The checker itself must fail on the imports it exists to forbid.
    found = plugin_imports(source, module, is_package=False)
    reasons = [violation(module, target) for _, target in found]
    assert any(r and reason in r for r in reasons), (found, reasons)


@pytest.mark.parametrize(("module", "source"), [
    ("ui.review.controller", "from ...core.review.inventory import export_inventory"),
    ("ui.review.controller", "from ...adapters import settings"),
    ("core.learn.chips", "from ..engine.raster import MosaicSpec"),
    ("core.review.decisions", "from ..store import training_layers"),
    ("core.cli", "from .learn.finetune import fine_tune"),
    ("plugin", "from .ui.review.dock import ReviewDock"),
])
def test_the_check_allows_downward_imports(module, source):
    found = plugin_imports(source, module, is_package=False)
    assert found and all(violation(module, target) is None for _, target in found), found
