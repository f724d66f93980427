"""Small widget helpers shared by the docks."""

from __future__ import annotations

from qgis.PyQt.QtWidgets import QComboBox, QFrame, QHBoxLayout, QScrollArea, QToolButton, QWidget

from ..adapters.help import open_guide
from ..adapters.i18n import tr


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
    screen scrolls instead of growing the QGIS window past it (1366×768 laptops)."""
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
