"""Review keys on the map and in the time-lapse window, not only in the dock: a click on the map
used to leave A, R, U… dead until the dock was clicked again.

An event filter on the map canvas (and its viewport) and on the time-lapse window forwards a key
press to the review dock while a review is active. Only these widgets are watched, never the
whole application: a Python filter on QApplication sees every object's events, DeferredDelete
included, and crashed QGIS (SIGSEGV) when PyQt wrapped objects being deleted.
"""

from __future__ import annotations

import logging

from qgis.PyQt.QtCore import QEvent, QObject
from qgis.PyQt.QtWidgets import QApplication

from ...adapters.qt_compat import event_code

LOGGER = logging.getLogger("thaw_slump_mapper.review")


class ReviewKeys(QObject):
    def __init__(self, dock, targets) -> None:
        """``targets()`` lists the widgets whose keys belong to the review (None entries skipped)."""
        super().__init__(dock)
        self.dock, self.targets = dock, targets
        self.active = False
        self.watched: list = []
        # QGIS finalises Python before its last events: no Python filter may outlive the session
        QApplication.instance().aboutToQuit.connect(lambda: self.set_active(False))

    def set_active(self, active: bool) -> None:
        self.active = active
        if active:
            self.refresh()
        else:
            for widget in self.watched:
                try:
                    widget.removeEventFilter(self)
                except RuntimeError:  # already deleted (a closed time-lapse window)
                    pass
            self.watched = []

    def refresh(self) -> None:
        """Watch the current targets (call again when one appears, such as a new time-lapse window)."""
        if not self.active:
            return
        for widget in self.targets():
            if widget is not None and not any(widget is w for w in self.watched):
                widget.installEventFilter(self)
                self.watched.append(widget)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
        # an exception escaping a filter would abort QGIS (PyQt's rule for virtuals): log it instead
        try:
            if event.type() != QEvent.Type.KeyPress or event.isAutoRepeat():
                return False
            return self.dock.handle_key(event_code(event))
        except Exception:
            LOGGER.exception("review key forwarding failed")
            return False
