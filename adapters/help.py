"""The user guide shipped inside the plugin (offline HTML, English and Chinese), opened in the
system browser at a section, or in a window of its own where no browser is registered (the
failed ``openUrl`` used to be ignored: Help did nothing)."""

from __future__ import annotations

from pathlib import Path

from qgis.PyQt.QtCore import QUrl
from qgis.PyQt.QtGui import QDesktopServices
from qgis.PyQt.QtWidgets import QApplication, QDialog, QTextBrowser, QVBoxLayout

from ..resources.paths import RESOURCES
from .i18n import normalise_locale, tr, user_locale

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


class GuideWindow(QDialog):
    """The guide inside QGIS, for systems without a browser for local files."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("ThawSlumpMapperGuide")
        self.setWindowTitle(tr("Thaw Slump Mapper user guide"))
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        layout.addWidget(self.browser)
        self.resize(760, 620)

    def show_section(self, url: QUrl) -> None:
        self.browser.setSource(url)
        if url.fragment():
            self.browser.scrollToAnchor(url.fragment())
        self.show()
        self.raise_()
        self.activateWindow()


_WINDOW: list[GuideWindow] = []  # one, kept alive while QGIS runs


def open_guide(section: str = "") -> bool:
    """The guide at ``section`` in the system browser; where none opens it, in a window of the
    plugin's own. True when the browser took it."""
    url = guide_url(section)
    if QDesktopServices.openUrl(url):
        return True
    try:
        _WINDOW[0].show_section(url)
    except (IndexError, RuntimeError):  # none yet, or its parent window was closed
        _WINDOW[:] = [GuideWindow(QApplication.activeWindow())]
        _WINDOW[0].show_section(url)
    return False
