"""The user guide shipped inside the plugin (offline HTML, English and Chinese), opened in the
system browser at a section."""

from __future__ import annotations

from pathlib import Path

from qgis.PyQt.QtCore import QUrl
from qgis.PyQt.QtGui import QDesktopServices

from ..resources.paths import RESOURCES
from .i18n import normalise_locale, user_locale

GUIDES = RESOURCES / "help"


def guide_path(locale: str | None = None) -> Path:
    """The guide in the interface language, English when there is none in it."""
    chosen = GUIDES / f"guide_{normalise_locale(locale or user_locale())}.html"
    return chosen if chosen.is_file() else GUIDES / "guide_en.html"


def guide_url(section: str = "", locale: str | None = None) -> QUrl:
    url = QUrl.fromLocalFile(str(guide_path(locale)))
    if section:
        url.setFragment(section)
    return url


def open_guide(section: str = "") -> bool:
    return QDesktopServices.openUrl(guide_url(section))
