"""Small widget helpers shared by the docks."""

from __future__ import annotations

from qgis.PyQt.QtWidgets import QFrame, QScrollArea, QWidget


def scrolling(body: QWidget) -> QScrollArea:
    """``body`` in a frameless vertical scroll area: a dock whose contents are taller than the
    screen scrolls instead of growing the QGIS window past it (1366×768 laptops)."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.NoFrame)
    area.setWidget(body)
    area.setMinimumHeight(120)
    return area
