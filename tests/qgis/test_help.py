"""The user guide ships inside the plugin, in English and Chinese, and opens from the menu and
from the '?' of each dock at its section."""

from __future__ import annotations

import re

import pytest
from qgis.PyQt.QtWidgets import QToolButton

from thaw_slump_mapper.adapters import help as guide
from thaw_slump_mapper.ui.inference.dock import InferenceDock
from thaw_slump_mapper.ui.review.dock import ReviewDock

SECTIONS = ("workflow", "inference", "review", "change", "keys", "models", "troubleshooting")


@pytest.mark.parametrize("locale", ["en_US", "zh-Hans"])
def test_the_guide_covers_the_workflow_keys_models_and_troubleshooting(locale):
    path = guide.guide_path(locale)
    assert path.name == ("guide_zh_CN.html" if locale.startswith("zh") else "guide_en.html")
    text = path.read_text(encoding="utf-8")
    assert all(f'id="{s}"' in text for s in SECTIONS)
    assert all(f"<kbd>{k}</kbd>" in text for k in ("A", "R", "U", "B", "O", "E", "M", "Space", "Z"))
    assert not re.search(r'(src|href)="https?://', text)  # offline: nothing fetched from the web


def test_an_untranslated_language_falls_back_to_english():
    assert guide.guide_path("de_DE").name == "guide_en.html"


def test_each_dock_opens_the_guide_at_its_section(qgis_app, monkeypatch):
    opened = []
    monkeypatch.setattr(guide.QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    for dock, section in ((InferenceDock(), "inference"), (ReviewDock(), "review")):
        button = dock.findChild(QToolButton, f"ThawSlumpMapperHelp_{section}")
        button.click()
        assert opened[-1].fragment() == section and opened[-1].toLocalFile().endswith(".html")


def test_the_plugin_menu_has_help(fake_iface, monkeypatch):
    import thaw_slump_mapper

    opened = []
    monkeypatch.setattr(guide.QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    plugin = thaw_slump_mapper.classFactory(fake_iface)
    plugin.initGui()
    try:
        (action,) = [a for a in plugin.actions if a.text() == "Help"]
        action.trigger()
        assert opened and opened[-1].toLocalFile().endswith(".html")
    finally:
        plugin.unload()


def test_without_a_browser_the_guide_opens_in_a_window_of_its_own(qgis_app, monkeypatch):
    """Issue 27: Help (menu and every '?') did nothing where no browser was registered."""
    monkeypatch.setattr(guide.QDesktopServices, "openUrl", lambda url: False)
    dock = ReviewDock()
    dock.findChild(QToolButton, "ThawSlumpMapperHelp_review").click()
    window = guide._WINDOW[0]
    assert window.isVisible() and window.browser.source().fragment() == "review"
    assert "Space" in window.browser.toPlainText()
    window.close()
