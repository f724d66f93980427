"""Shared test set-up: the repository root is importable as the package ``thaw_slump_mapper``."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from _bootstrap import register_package  # noqa: E402

register_package()
