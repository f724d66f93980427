"""Shared test set-up: the repository root is importable as the package ``thaw_slump_mapper``."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

# Before torch is imported (its OpenMP runtime reads this once): threads that wait sleep instead of
# spinning. On 2 cores shared with other work, spinning threads waiting for a descheduled sibling
# made each training step 4-8 times slower (6 steps: 76 s against 9 s). It changes no result.
# Subprocesses (the tsm CLI, Dask workers) inherit it.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
# The default cache folder (probability rasters, the remembered runtime choice) in a folder of the
# test session, never the user's ~/.cache; subprocesses inherit it.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="tsm-tests-cache-")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from _bootstrap import register_package  # noqa: E402

register_package()
