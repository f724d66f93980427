"""Entry point behind scripts/tsm: import the repository as the plugin package and run its CLI."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _bootstrap import register_package

register_package()

from thaw_slump_mapper.core.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
