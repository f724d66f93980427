"""The plugin that loads when required packages are missing or broken.

QGIS must never show a traceback on start: instead the user gets one menu entry and a message
that name each missing package and the exact command that installs it.
"""

from __future__ import annotations

import sys

from qgis.core import Qgis
from qgis.PyQt.QtGui import QGuiApplication, QIcon
from qgis.PyQt.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..adapters.i18n import install_translator, remove_translator, tr
from ..adapters.messages import localize
from ..adapters.qt_compat import QAction
from ..core.deps import PackageStatus, install_command, missing_required, this_system
from ..resources.paths import icon_path


def problem_lines(statuses: list[PackageStatus], error: str = "") -> list[str]:
    lines = [f"{s.requirement.dist}: {localize(s.error)}" for s in missing_required(statuses)]
    if error:
        lines.append(error)
    return lines


def problem_line(statuses: list[PackageStatus], error: str = "") -> str:
    """Everything in one line, for Processing and `qgis_process`: what is missing, and the fix."""
    missing = "; ".join(f"{s.requirement.dist}: {localize(s.error)}" for s in missing_required(statuses))
    if not missing and error:
        missing = error.strip().splitlines()[-1]  # the failure itself; the traceback is in the log
    command = install_command(statuses)
    fix = tr(" Install with: {command} (then restart QGIS).").format(command=command) if command else ""
    return tr("Thaw Slump Mapper cannot run: {missing}.").format(missing=missing) + fix


class SetupDialog(QDialog):
    def __init__(self, statuses: list[PackageStatus], error: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Thaw Slump Mapper: setup needed"))
        layout = QVBoxLayout(self)
        intro = QLabel(tr("Thaw Slump Mapper cannot start because these Python packages are "
                          "missing or broken:"))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        problems = QPlainTextEdit("\n".join(problem_lines(statuses, error)))
        problems.setReadOnly(True)
        layout.addWidget(problems)
        self.command = install_command(statuses)
        how = QLabel(localize(this_system().terminal))
        how.setWordWrap(True)
        layout.addWidget(how)
        command = QPlainTextEdit(self.command)
        command.setReadOnly(True)
        layout.addWidget(command)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = QPushButton(tr("Copy command"))
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.command))
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 360)


class StubPlugin:
    def __init__(self, iface, statuses: list[PackageStatus], error: str = "") -> None:
        self.iface = iface
        self.statuses = statuses
        self.error = error
        self.action: QAction | None = None
        self.translator = None
        self.provider = None

    def initProcessing(self) -> None:  # noqa: N802 - QGIS API (qgis_process calls it without initGui)
        """The plugin's algorithm ids answer with what is missing, instead of "not found"."""
        if self.provider is not None:
            return
        from qgis.core import QgsApplication

        from ..adapters.processing.setup_needed import SetupNeededProvider

        line = problem_line(self.statuses, self.error)
        if self.iface is None:  # headless (qgis_process): nobody sees a message bar
            print(line, file=sys.stderr)
        self.provider = SetupNeededProvider(line)
        QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self) -> None:  # noqa: N802 - QGIS API name
        self.translator = install_translator()
        self.initProcessing()
        self.action = QAction(QIcon(icon_path("thaw_slump_mapper.svg")),
                              tr("Thaw Slump Mapper: setup needed…"), self.iface.mainWindow())
        self.action.triggered.connect(self.show_setup)
        self.iface.addPluginToMenu(tr("&Thaw Slump Mapper"), self.action)
        self.iface.addToolBarIcon(self.action)
        names = ", ".join(s.requirement.dist for s in missing_required(self.statuses)) or tr("see details")
        self.iface.messageBar().pushMessage(
            tr("Thaw Slump Mapper"),
            tr("Missing or broken Python packages: {names}. Open Plugins ▸ Thaw Slump Mapper "
               "for the command that installs them.").format(names=names),
            Qgis.MessageLevel.Warning,
            0,
        )

    def show_setup(self) -> None:
        SetupDialog(self.statuses, self.error, self.iface.mainWindow()).exec()

    def unload(self) -> None:
        if self.provider is not None:
            from qgis.core import QgsApplication

            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        if self.action is not None:
            self.iface.removePluginMenu(tr("&Thaw Slump Mapper"), self.action)
            self.iface.removeToolBarIcon(self.action)
            self.action.deleteLater()
            self.action = None
        remove_translator(self.translator)
        self.translator = None
