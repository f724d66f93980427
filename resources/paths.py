"""Locate plain resource files (no .qrc: Qt6 has no pyrcc)."""

from pathlib import Path

RESOURCES = Path(__file__).resolve().parent


def icon_path(name: str) -> str:
    return str(RESOURCES / "icons" / name)
