"""Fixtures for tests that run inside a QgsApplication (pytest-qgis, offscreen)."""

from __future__ import annotations

from unittest.mock import MagicMock

import pytest
from qgis.gui import QgisInterface
from qgis.PyQt.QtWidgets import QApplication, QMainWindow, QMenu


@pytest.fixture
def main_window(qgis_app):
    window = QMainWindow()
    window.setObjectName("TestMainWindow")
    yield window
    window.deleteLater()
    QApplication.processEvents()


@pytest.fixture
def fake_iface(main_window):
    """A QgisInterface whose window calls land on a real QMainWindow, so that what the plugin
    leaves behind after unload can be counted on real widgets (pytest-qgis 2.1.0's own iface
    lacks removeDockWidget and the options-factory methods)."""
    iface = MagicMock(spec=QgisInterface)
    iface.mainWindow.return_value = main_window
    iface.addToolBar.side_effect = lambda name: main_window.addToolBar(name)
    iface.addDockWidget.side_effect = lambda area, dock: main_window.addDockWidget(area, dock)
    iface.removeDockWidget.side_effect = main_window.removeDockWidget

    menus: dict[str, QMenu] = {}

    def add_to_menu(name, action):
        menus.setdefault(name, QMenu(name, main_window)).addAction(action)

    def remove_from_menu(name, action):
        menus[name].removeAction(action)

    iface.addPluginToRasterMenu.side_effect = add_to_menu
    iface.removePluginRasterMenu.side_effect = remove_from_menu
    iface.addPluginToMenu.side_effect = add_to_menu
    iface.removePluginMenu.side_effect = remove_from_menu
    iface.test_menus = menus
    return iface


@pytest.fixture
def provider(qgis_processing):
    """The plugin's Processing provider, registered for one test; its layers go with it."""
    from qgis.core import QgsApplication, QgsProject

    from thaw_slump_mapper.adapters.processing.provider import Provider

    provider = Provider()
    QgsApplication.processingRegistry().addProvider(provider)
    yield provider
    QgsApplication.processingRegistry().removeProvider(provider)
    QgsProject.instance().removeAllMapLayers()


@pytest.fixture(scope="session", autouse=True)
def _keep_project_wrapper(qgis_app):
    """Hold the Python wrapper of QgsProject.instance() for the whole session. pytest-qgis 2.1.0
    connects legendLayersAdded through the first wrapper and disconnects through whatever wrapper
    exists at the end; if the first one was garbage-collected in between (seen: after the
    lifecycle tests), PyQt no longer knows the connection and the session teardown errors."""
    from qgis.core import QgsProject

    _WRAPPERS.append(QgsProject.instance())  # module-global: outlives every fixture teardown
    yield _WRAPPERS[0]


_WRAPPERS: list = []
