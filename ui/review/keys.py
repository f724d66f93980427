"""Review keys on the map and in the time-lapse window, not only in the dock: a click on the map
used to leave A, R, U… dead until the dock was clicked again.

An event filter on the map canvas (and its viewport) and on the time-lapse window forwards a key
press to the review dock while a review is active. Only these widgets are watched, never the
whole application: a Python filter on QApplication sees every object's events, DeferredDelete
included, and crashed QGIS (SIGSEGV) when PyQt wrapped objects being deleted.

Keys that cannot run away (issue 27: typing meant for a dialog that had just closed reached the
map and committed 369 decisions in a minute). :class:`KeyPace` lets a review key act only

* after a short settle time with no other key (a key is held, not acted on, for ``gap`` seconds:
  any other keystroke in that time, review key or not, cancels it), so a burst of typing or a
  held key commits nothing, not even its first key;
* not within ``lock`` seconds of the focus arriving at the review from elsewhere (a dialog
  closing, another panel, another application);
* for a decision, not before the candidate has been in view for ``look`` seconds.
"""

from __future__ import annotations

import logging
import time

from qgis.PyQt.QtCore import QEvent, QObject, Qt
from qgis.PyQt.QtWidgets import QApplication

from ...adapters.qt_compat import event_code

LOGGER = logging.getLogger("thaw_slump_mapper.review")
MODIFIER_KEYS = (Qt.Key.Key_Control, Qt.Key.Key_Shift, Qt.Key.Key_Alt, Qt.Key.Key_Meta, Qt.Key.Key_AltGr,
                 Qt.Key.Key_CapsLock, Qt.Key.Key_Super_L, Qt.Key.Key_Super_R)


class KeyPace:
    """When a review key may act; times in seconds from ``time.monotonic``.

    ``press`` answers "wait" (act after ``gap`` seconds unless another key comes first), "burst",
    "locked" or "early"; ``due`` says whether the key held with that ticket may act now."""

    GAP, LOCK, LOOK = 0.35, 0.6, 0.5

    def __init__(self, gap: float = GAP, lock: float = LOCK, look: float = LOOK) -> None:
        self.gap, self.lock, self.look = gap, lock, look
        self.last_key = float("-inf")
        self.locked_until = float("-inf")
        self.shown_at = float("-inf")
        self.ticket = 0  # the held key's; any later keystroke moves it on
        self.ignored = 0  # keys dropped since the last one that acted

    def keystroke(self, now: float) -> bool:
        """Any key seen by the review (not only its own): True if it came in a burst."""
        burst = now - self.last_key < self.gap
        self.last_key = now
        self.ticket += 1  # a key held for acting is cancelled by whatever comes next
        return burst

    def press(self, now: float, decision: bool) -> str:
        if self.keystroke(now):
            verdict = "burst"
        elif now < self.locked_until:
            verdict = "locked"
        elif decision and now - self.shown_at < self.look:
            verdict = "early"
        else:
            return "wait"
        self.ignored += 1
        return verdict

    def due(self, ticket: int, now: float) -> bool:
        return ticket == self.ticket and now - self.last_key >= self.gap - 1e-3

    def focus_arrived(self, now: float) -> None:
        self.locked_until = now + self.lock

    def shown(self, now: float) -> None:
        self.shown_at = now

    def wait_s(self, now: float, decision: bool = True) -> float:
        """How long before a key pressed would be accepted (for tests and scripted reviews)."""
        ready = max(self.last_key + self.gap, self.locked_until, self.shown_at + self.look if decision else 0.0)
        return max(0.0, ready - now + 0.01)


def now() -> float:
    return time.monotonic()


class ReviewKeys(QObject):
    def __init__(self, dock, targets) -> None:
        """``targets()`` lists the widgets whose keys belong to the review (None entries skipped)."""
        super().__init__(dock)
        self.dock, self.targets = dock, targets
        self.active = False
        self.watched: list = []
        # QGIS finalises Python before its last events: no Python filter may outlive the session
        QApplication.instance().aboutToQuit.connect(lambda: self.set_active(False))
        # a signal, not a filter on the application: the focus coming back from a dialog locks the keys a moment
        QApplication.instance().focusChanged.connect(self._focus_changed)

    def close(self) -> None:
        """The review is unloaded: no filter, no focus signal left behind."""
        self.set_active(False)
        try:
            QApplication.instance().focusChanged.disconnect(self._focus_changed)
        except (TypeError, RuntimeError):
            pass

    def _ours(self, widget) -> bool:
        try:
            if widget is None:
                return False
            if widget is self.dock or self.dock.isAncestorOf(widget):
                return True
            return any(t is not None and (widget is t or t.isAncestorOf(widget)) for t in self.watched)
        except RuntimeError:  # a deleted widget
            return False

    def _focus_changed(self, old, new) -> None:
        try:
            if self.active and self._ours(new) and not self._ours(old):
                self.dock.pace.focus_arrived(now())
        except Exception:  # never raise into Qt
            LOGGER.exception("review focus tracking failed")

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
            if event.type() != QEvent.Type.KeyPress:
                return False
            if event.key() in MODIFIER_KEYS:  # Ctrl of Ctrl+Return is no keystroke of its own (seen: a burst)
                return False
            if event.isAutoRepeat():  # a held key: part of a burst, never a decision
                self.dock.pace.keystroke(now())
                return self.dock.is_review_key(event_code(event))
            return self.dock.handle_key(event_code(event))
        except Exception:
            LOGGER.exception("review key forwarding failed")
            return False
