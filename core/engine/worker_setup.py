"""Run on every Dask worker before any task: make ``thaw_slump_mapper`` importable there.

Tasks name their functions by module (``thaw_slump_mapper.core.engine.cluster.run_chunk``), and the
scripts, the tests and QGIS register that package from a folder instead of installing it. This
module is sent to the workers by value (it imports nothing of the package), so a worker that
cannot import the package registers it from the same folder, if it sees that folder.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path

from distributed.diagnostics.plugin import WorkerPlugin

PACKAGE = "thaw_slump_mapper"


class RegisterPackage(WorkerPlugin):
    name = "thaw-slump-mapper-package"

    def __init__(self, root: str) -> None:
        self.root = root

    def setup(self, worker=None) -> None:
        if PACKAGE in sys.modules:
            return
        if importlib.util.find_spec(PACKAGE) is not None:
            importlib.import_module(PACKAGE)
            return
        init = Path(self.root) / "__init__.py"
        if not init.is_file():
            raise RuntimeError(
                f"Thaw Slump Mapper is not at {self.root} on this worker. Put the plugin folder at the same path on "
                f"every worker (a shared file system), or make '{PACKAGE}' importable there (PYTHONPATH).")
        spec = importlib.util.spec_from_file_location(PACKAGE, init, submodule_search_locations=[self.root])
        module = importlib.util.module_from_spec(spec)
        sys.modules[PACKAGE] = module
        spec.loader.exec_module(module)


def install(client, root: str) -> None:
    """Register the plugin on ``client``'s workers, present and future."""
    import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    client.register_plugin(RegisterPackage(root))
