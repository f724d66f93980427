"""Small widget helpers shared by the docks."""

from __future__ import annotations

import logging

from qgis.PyQt.QtCore import QEvent, QObject, Qt
from qgis.PyQt.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QScrollArea,
    QToolButton,
    QWidget,
)

from ..adapters.help import open_guide
from ..adapters.i18n import tr

LOGGER = logging.getLogger("thaw_slump_mapper")


class WheelGuard(QObject):
    """A wheel turned over a combo box or spin box that the user has not clicked scrolls the
    panel instead of changing the setting (issue 27: scrolling the inference panel switched the
    runtime from Automatic to OpenVINO bf16 without a click)."""

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
        try:
            if event.type() == QEvent.Type.Wheel and not obj.hasFocus():
                event.ignore()  # not accepted: Qt hands it on to the scroll area around the panel
                return True
        except Exception:  # never raise into Qt
            LOGGER.exception("wheel guard failed")
        return False


def guard_wheel(root: QWidget) -> WheelGuard:
    """Every combo box and spin box under ``root`` changes on the wheel only once it has the
    focus (a click or Tab); the guard lives as long as ``root``."""
    guard = root.findChild(WheelGuard, "ThawSlumpMapperWheelGuard")
    if guard is None:
        guard = WheelGuard(root)
        guard.setObjectName("ThawSlumpMapperWheelGuard")
    for widget in (*root.findChildren(QComboBox), *root.findChildren(QAbstractSpinBox)):
        if widget.focusPolicy() == Qt.FocusPolicy.WheelFocus:
            widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # the wheel does not give it the focus either
        widget.installEventFilter(guard)  # installing twice keeps one
    return guard


def disconnect(signals, slot) -> None:
    """Undo ``signal.connect(slot)`` for each signal; one never connected is no error (unload
    runs after partial set-ups too)."""
    for signal in signals:
        try:
            signal.disconnect(slot)
        except TypeError:
            pass


def scrolling(body: QWidget) -> QScrollArea:
    """``body`` in a frameless vertical scroll area: a dock whose contents are taller than the
    screen scrolls instead of growing the QGIS window past it (1366×768 laptops). Its combo boxes
    and spin boxes ignore a wheel they did not get a click for (:func:`guard_wheel`)."""
    guard_wheel(body)
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(body)
    area.setMinimumHeight(120)
    return area


def help_row(section: str) -> QHBoxLayout:
    """A right-aligned '?' that opens the user guide at ``section``."""
    row = QHBoxLayout()
    row.addStretch(1)
    button = QToolButton()
    button.setText("?")
    button.setObjectName(f"ThawSlumpMapperHelp_{section}")
    button.setToolTip(tr("Open the user guide (offline)"))
    button.clicked.connect(lambda: open_guide(section))
    row.addWidget(button)
    return row


def narrow(combo: QComboBox, characters: int = 14) -> None:
    """A combo box whose longest entry does not set the dock's width (the popup still shows it whole)."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(characters)
