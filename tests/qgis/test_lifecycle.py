"""initGui registers toolbar, menu actions, docks, options page and Processing provider;
unload removes every one of them, and the cycle can repeat."""

from __future__ import annotations

import logging

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QCoreApplication, QEvent
from qgis.PyQt.QtWidgets import QApplication, QDockWidget, QToolBar

import thaw_slump_mapper
from thaw_slump_mapper.adapters.processing.provider import PROVIDER_ID
from thaw_slump_mapper.plugin import ThawSlumpMapperPlugin

DOCK_NAMES = {"ThawSlumpMapperInferenceDock", "ThawSlumpMapperReviewDock"}


def _flush_deletes():
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QApplication.processEvents()


def _our_docks(window):
    return {d.objectName() for d in window.findChildren(QDockWidget) if d.objectName() in DOCK_NAMES}


def _our_toolbars(window):
    return [t for t in window.findChildren(QToolBar) if t.objectName() == "ThawSlumpMapperToolbar"]


def _menu_actions(iface):
    return sum(len(menu.actions()) for menu in iface.test_menus.values())


def test_load_and_unload_twice_leaves_nothing_behind(fake_iface, main_window):
    logger = logging.getLogger("thaw_slump_mapper")
    handlers_before = list(logger.handlers)
    for _ in range(2):
        plugin = thaw_slump_mapper.classFactory(fake_iface)
        assert isinstance(plugin, ThawSlumpMapperPlugin)
        plugin.initGui()
        assert _our_docks(main_window) == DOCK_NAMES
        assert len(_our_toolbars(main_window)) == 1
        assert _menu_actions(fake_iface) == 6  # two panels, run, settings, environment, help
        assert QgsApplication.processingRegistry().providerById(PROVIDER_ID) is not None
        assert len(logger.handlers) == len(handlers_before) + 1
        fake_iface.registerOptionsWidgetFactory.assert_called_once_with(plugin.options_factory)
        factory = plugin.options_factory

        plugin.unload()
        _flush_deletes()
        assert _our_docks(main_window) == set()
        assert _our_toolbars(main_window) == []
        assert _menu_actions(fake_iface) == 0
        assert QgsApplication.processingRegistry().providerById(PROVIDER_ID) is None
        assert logger.handlers == handlers_before
        fake_iface.unregisterOptionsWidgetFactory.assert_called_once_with(factory)
        assert fake_iface.addDockWidget.call_count == fake_iface.removeDockWidget.call_count == 2
        fake_iface.reset_mock(return_value=False, side_effect=False)


def test_dock_toggle_actions_show_and_hide_their_docks(fake_iface, main_window):
    plugin = thaw_slump_mapper.classFactory(fake_iface)
    plugin.initGui()
    try:
        main_window.show()
        review = plugin.docks["review"]
        action = next(a for a in plugin.actions if a.shortcut().toString() == "Ctrl+Alt+R")
        review.hide()
        action.trigger()
        assert review.isVisible()
        action.trigger()
        assert not review.isVisible()
    finally:
        plugin.unload()
        _flush_deletes()


def test_processing_is_available_without_the_gui(qgis_app):
    # qgis_process calls initProcessing only; the provider must come up and go away by itself.
    plugin = ThawSlumpMapperPlugin(iface=None, statuses=[])
    plugin.initProcessing()
    plugin.initProcessing()  # idempotent: QGIS may call it again
    assert QgsApplication.processingRegistry().providerById(PROVIDER_ID) is not None
    QgsApplication.processingRegistry().removeProvider(plugin.provider)
    assert QgsApplication.processingRegistry().providerById(PROVIDER_ID) is None


def test_docks_share_one_tab_stack_the_first_time_only(fake_iface, main_window):
    from qgis.core import QgsSettings

    from thaw_slump_mapper.plugin import LAYOUT_KEY

    QgsSettings().remove(LAYOUT_KEY)
    # QGIS start-up: the window is not shown yet, so the plugin waits for initializationCompleted
    plugin = thaw_slump_mapper.classFactory(fake_iface)
    plugin.initGui()
    try:
        assert main_window.tabifiedDockWidgets(plugin.docks["inference"]) == []
        (slot,), _ = fake_iface.initializationCompleted.connect.call_args
        slot()
        assert main_window.tabifiedDockWidgets(plugin.docks["inference"]) == [plugin.docks["review"]]
        fake_iface.initializationCompleted.disconnect.assert_called_once_with(slot)
        assert QgsSettings().value(LAYOUT_KEY, False, type=bool)
    finally:
        plugin.unload()
        _flush_deletes()
    # enabled later from the Plugin Manager, after the user has arranged things: left alone
    main_window.show()
    plugin = thaw_slump_mapper.classFactory(fake_iface)
    plugin.initGui()
    try:
        assert main_window.tabifiedDockWidgets(plugin.docks["inference"]) == []
    finally:
        plugin.unload()
        _flush_deletes()
        QgsSettings().remove(LAYOUT_KEY)


def test_first_enable_from_plugin_manager_arranges_at_once(fake_iface, main_window):
    from qgis.core import QgsSettings

    from thaw_slump_mapper.plugin import LAYOUT_KEY

    QgsSettings().remove(LAYOUT_KEY)
    main_window.show()
    plugin = thaw_slump_mapper.classFactory(fake_iface)
    plugin.initGui()
    QApplication.processEvents()
    try:
        assert main_window.tabifiedDockWidgets(plugin.docks["inference"]) == [plugin.docks["review"]]
        fake_iface.initializationCompleted.connect.assert_not_called()
    finally:
        plugin.unload()
        _flush_deletes()
        QgsSettings().remove(LAYOUT_KEY)
