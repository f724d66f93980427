"""The plugin object QGIS drives: everything registered in initGui is undone in unload."""

from __future__ import annotations

import logging

from qgis.core import QgsApplication, QgsSettings
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QDockWidget, QMessageBox

from .adapters import log, settings
from .adapters.help import open_guide
from .adapters.i18n import install_translator, remove_translator, tr
from .adapters.messages import localize
from .adapters.processing.provider import Provider
from .adapters.qt_compat import QAction
from .core import about, deps
from .resources.paths import icon_path
from .ui.environment import summary_lines
from .ui.inference.controller import InferenceController
from .ui.inference.dock import InferenceDock
from .ui.options_page import PAGE_NAME, OptionsFactory
from .ui.review.controller import ReviewController
from .ui.review.dock import ReviewDock

LOGGER = logging.getLogger(about.PLUGIN_ID)
LAYOUT_KEY = f"{about.PLUGIN_ID}/ui/docks_arranged"


class ThawSlumpMapperPlugin:
    def __init__(self, iface, statuses: list[deps.PackageStatus]) -> None:
        self.iface = iface
        self.statuses = statuses
        self.translator = None
        self.log_handler = None
        self.provider: Provider | None = None
        self.options_factory: OptionsFactory | None = None
        self.toolbar = None
        self.docks: dict[str, QDockWidget] = {}
        self.inference: InferenceController | None = None
        self.review: ReviewController | None = None
        self.actions: list[QAction] = []
        self.menu = ""
        self._waiting_for_init = False

    # Processing must work in qgis_process too, where initGui is never called.
    def initProcessing(self) -> None:  # noqa: N802 - QGIS API
        if self.provider is None:
            self.provider = Provider()
            QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self) -> None:  # noqa: N802 - QGIS API
        self.translator = install_translator()
        self.log_handler = log.attach(debug=settings.load().debug_log)
        LOGGER.info("Thaw Slump Mapper %s loaded; %s", about.version(), "; ".join(deps.report(self.statuses)))
        self.initProcessing()
        self.menu = tr("&Thaw Slump Mapper")

        window = self.iface.mainWindow()
        self.toolbar = self.iface.addToolBar(tr("Thaw Slump Mapper"))
        self.toolbar.setObjectName("ThawSlumpMapperToolbar")
        docks = (
            ("inference", InferenceDock(window), "inference.svg",
             tr("Inference panel"), "Ctrl+Alt+I"),
            ("review", ReviewDock(window), "review.svg",
             tr("Review panel"), "Ctrl+Alt+R"),
        )
        for key, dock, icon, text, shortcut in docks:
            self.iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
            action = dock.toggleViewAction()
            action.setIcon(QIcon(icon_path(icon)))
            action.setText(text)
            action.setShortcut(shortcut)
            action.setToolTip(tr("{panel} ({shortcut})").format(panel=text, shortcut=shortcut))
            self._add_action(action, owned=False)
            self.docks[key] = dock
        # At start-up QGIS restores its saved window layout after plugins load, which undoes any
        # tabifying done now: wait for initializationCompleted unless the window is already up.
        if window.isVisible():
            self._arrange_docks_first_time()
        else:
            self.iface.initializationCompleted.connect(self._arrange_docks_first_time)
            self._waiting_for_init = True

        self.docks["inference"].set_environment(summary_lines(self.statuses))
        self.inference = InferenceController(self.iface, self.docks["inference"])
        self.review = ReviewController(self.iface, self.docks["review"], self._ticked_mosaics)
        self.review.model_source = self.docks["inference"].model_path
        self.review.on_new_model = self.inference.add_model_path
        # the review opens the file the last run wrote (the dock and controller die with the plugin)
        self.inference.candidates_written.connect(self.docks["review"].gpkg.setFilePath)
        self.inference.candidates_written.connect(self.review.file_changed)  # counters follow the file
        run_action = QAction(QIcon(icon_path("inference.svg")), tr("Run model on current view"), window)
        run_action.setShortcut("Ctrl+Alt+Shift+R")
        run_action.triggered.connect(self.docks["inference"].request_run)
        self._add_action(run_action, toolbar=False)

        settings_action = QAction(QgsApplication.getThemeIcon("/mActionOptions.svg"), tr("Settings…"), window)
        settings_action.triggered.connect(self.show_settings)
        self._add_action(settings_action, toolbar=False)
        env_action = QAction(QIcon(icon_path("thaw_slump_mapper.svg")), tr("Environment…"), window)
        env_action.triggered.connect(self.show_environment)
        self._add_action(env_action, toolbar=False)
        help_action = QAction(QgsApplication.getThemeIcon("/mActionHelpContents.svg"), tr("Help"), window)
        help_action.triggered.connect(lambda: open_guide())
        self._add_action(help_action, toolbar=False)

        self.options_factory = OptionsFactory()
        self.iface.registerOptionsWidgetFactory(self.options_factory)

    def _ticked_mosaics(self) -> list[tuple[str, str]]:
        return [(path, date) for _, path, date, _mask in self.docks["inference"].selected_mosaics()]

    def _arrange_docks_first_time(self) -> None:
        if self._waiting_for_init:
            self.iface.initializationCompleted.disconnect(self._arrange_docks_first_time)
            self._waiting_for_init = False
        if len(self.docks) < 2 or QgsSettings().value(LAYOUT_KEY, False, type=bool):
            return
        window = self.iface.mainWindow()
        first, *others = self.docks.values()
        for dock in others:
            window.tabifyDockWidget(first, dock)
        first.raise_()
        # a third of the screen at 1366 px: wide enough for the docks' contents without scrolling
        window.resizeDocks([first], [min(460, max(400, window.width() // 3))], Qt.Orientation.Horizontal)
        QgsSettings().setValue(LAYOUT_KEY, True)

    def _add_action(self, action: QAction, owned: bool = True, toolbar: bool = True) -> None:
        self.iface.addPluginToRasterMenu(self.menu, action)
        if toolbar:
            self.toolbar.addAction(action)
        action.setProperty("tsm_owned", owned)
        self.actions.append(action)

    def show_settings(self) -> None:
        self.iface.showOptionsDialog(self.iface.mainWindow(), currentPage=PAGE_NAME)

    def show_environment(self) -> None:
        box = QMessageBox(self.iface.mainWindow())
        box.setWindowTitle(tr("Thaw Slump Mapper environment"))
        box.setText("\n\n".join(summary_lines(self.statuses)))
        box.setDetailedText("\n".join(localize(line) for line in deps.report(self.statuses)))
        box.exec()

    def unload(self) -> None:
        if self._waiting_for_init:
            self.iface.initializationCompleted.disconnect(self._arrange_docks_first_time)
            self._waiting_for_init = False
        for action in self.actions:
            self.iface.removePluginRasterMenu(self.menu, action)
            if action.property("tsm_owned"):
                action.deleteLater()
        self.actions = []
        if self.inference is not None:
            self.inference.unload()
            self.inference = None
        if self.review is not None:
            self.review.unload()
            self.review = None
        for dock in self.docks.values():
            self.iface.removeDockWidget(dock)
            dock.deleteLater()
        self.docks = {}
        if self.toolbar is not None:
            self.iface.mainWindow().removeToolBar(self.toolbar)
            self.toolbar.deleteLater()
            self.toolbar = None
        if self.options_factory is not None:
            self.iface.unregisterOptionsWidgetFactory(self.options_factory)
            self.options_factory = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        log.detach(self.log_handler)
        self.log_handler = None
        remove_translator(self.translator)
        self.translator = None
