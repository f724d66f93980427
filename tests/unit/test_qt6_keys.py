"""The review keys and the moved Qt classes work under PyQt5 (QGIS 3) and PyQt6 (QGIS 4).

Each binding runs qt_keys_probe.py in its own interpreter with QT_QPA_PLATFORM=offscreen, so
PyQt5 and PyQt6 never load in one process, and this test process loads neither. PyQt6 comes
from requirements/dev.txt; the QGIS tests never import it.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = Path(__file__).with_name("qt_keys_probe.py")


@pytest.mark.parametrize("binding", ["PyQt5", "PyQt6"])
def test_review_keys_and_moved_classes(binding):
    if importlib.util.find_spec(binding) is None:
        if os.environ.get("CI"):
            pytest.fail(f"{binding} is not installed (requirements/dev.txt; make setup)")
        pytest.skip(f"{binding} is not installed (requirements/dev.txt; make setup)")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, str(PROBE), binding], env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"probe ok under {binding}" in result.stdout
