"""Plugin identity, read from metadata.txt so that the version has a single source."""

from __future__ import annotations

import configparser
from functools import lru_cache
from pathlib import Path

PLUGIN_DIR = Path(__file__).resolve().parent.parent
PLUGIN_ID = "thaw_slump_mapper"
LOG_TAG = "Thaw Slump Mapper"


@lru_cache(maxsize=1)
def metadata() -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(PLUGIN_DIR / "metadata.txt", encoding="utf-8")
    return dict(parser["general"])


def version() -> str:
    return metadata()["version"]


def name() -> str:
    return metadata()["name"]
