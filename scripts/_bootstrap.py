"""Make the repository importable as the package ``thaw_slump_mapper``.

The repository root is the plugin folder, whose name in a clone is arbitrary; the installed
plugin folder is ``thaw_slump_mapper``. Scripts and tests register the root under that name
instead of relying on the clone's folder name or on a symlink.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "thaw_slump_mapper"


def register_package(root: Path = ROOT) -> None:
    if PACKAGE in sys.modules:
        return
    spec = importlib.util.spec_from_file_location(
        PACKAGE, root / "__init__.py", submodule_search_locations=[str(root)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[PACKAGE] = module
    spec.loader.exec_module(module)
