"""Issue 27, point 2: scrolling the inference panel switched Runtime from Automatic to "OpenVINO
bf16 (reduced precision)" without a click. A wheel over a combo box or spin box of the docks that
has not been clicked changes nothing (and goes on to scroll the panel)."""

from __future__ import annotations

from qgis.PyQt.QtCore import QPoint, QPointF, Qt
from qgis.PyQt.QtGui import QWheelEvent
from qgis.PyQt.QtWidgets import QAbstractSpinBox, QApplication, QComboBox

from thaw_slump_mapper.ui.inference.dock import InferenceDock
from thaw_slump_mapper.ui.review.dock import ReviewDock


def _wheel(widget, notches: int) -> bool:
    """Turn the wheel ``notches`` down over ``widget``; True if the widget took the event."""
    centre = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(0, 0),
                        QPoint(0, -120 * notches), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)
    return event.isAccepted()


def _value(widget):
    return widget.currentIndex() if isinstance(widget, QComboBox) else widget.value()


def _settable(widget) -> bool:
    if isinstance(widget, QComboBox):
        return widget.count() > 1 and widget.isEnabled()
    return widget.isEnabled() and widget.maximum() > widget.minimum()


def test_a_wheel_over_the_docks_changes_no_setting_until_one_is_clicked(qgis_app):
    for dock in (InferenceDock(), ReviewDock()):
        dock.show()
        QApplication.setActiveWindow(dock)
        qgis_app.processEvents()
        widgets = [w for w in (*dock.findChildren(QComboBox), *dock.findChildren(QAbstractSpinBox)) if _settable(w)]
        assert len(widgets) >= 3, type(dock).__name__
        dock.setFocus()
        for widget in widgets:
            widget.setValue(widget.minimum()) if isinstance(widget, QAbstractSpinBox) else widget.setCurrentIndex(0)
            before = _value(widget)
            taken = _wheel(widget, 1)
            assert _value(widget) == before and not taken, (type(dock).__name__, widget.objectName(), type(widget))
            assert widget.focusPolicy() != Qt.FocusPolicy.WheelFocus  # the wheel does not focus it either
        runtime = getattr(dock, "runtime", None) or dock.reason  # shown whatever the groups remember
        qgis_app.processEvents()  # whatever other windows still had queued is done with first
        QApplication.setActiveWindow(dock)
        runtime.setFocus()  # clicked: now the wheel is the user's choice
        assert runtime.hasFocus(), (QApplication.activeWindow(), QApplication.focusWidget())
        _wheel(runtime, 1)
        assert runtime.currentIndex() == 1
        dock.close()
