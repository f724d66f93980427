"""Run engine work as a QgsTask: in the background, with progress, tiles count and cancel.

The worker gets only plain parameters (paths, numbers), never layers or widgets; exceptions are
kept and reported on the main thread in ``finished``.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from qgis.core import QgsTask
from qgis.PyQt.QtCore import pyqtSignal

from ..core.errors import Cancelled, TsmError
from ..core.progress import CancelToken, Progress
from .i18n import tr
from .messages import error_text

LOGGER = logging.getLogger("thaw_slump_mapper.tasks")

Work = Callable[[Callable[[Progress], None], CancelToken], Any]


def duration_text(seconds: float) -> str:
    if seconds < 90:
        return tr("{n} s").format(n=int(seconds))
    if seconds < 5400:
        return tr("{n} min").format(n=round(seconds / 60))
    return tr("{n} h").format(n=f"{seconds / 3600:.1f}")


def progress_text(done: int, total: int, seconds_left: float, rate: float = 0.0) -> str:
    """'tiles 120 / 23,000 · 8.5/s · 45 min left'"""
    text = tr("tiles {done} / {total}").format(done=f"{done:,}", total=f"{total:,}")
    if rate > 0:
        text += " · " + tr("{rate}/s").format(rate=f"{rate:.1f}")
    if seconds_left >= 0:
        text += " · " + tr("{time} left").format(time=duration_text(seconds_left))
    return text


class EngineTask(QgsTask):
    """``work(progress, cancel)`` runs in a worker thread; one of the signals fires at the end."""

    succeeded = pyqtSignal(object)  # the work's return value
    failed = pyqtSignal(str, str)  # message for the user (problem and fix), full detail for the log
    cancelled = pyqtSignal()
    tiles = pyqtSignal(int, int, float, float)  # done, total, seconds left (-1 unknown), tiles per second

    def __init__(self, description: str, work: Work, describe_tiles: bool = False) -> None:
        super().__init__(description, QgsTask.Flag.CanCancel)
        self.work = work
        self.token = CancelToken()
        self.result: Any = None
        self.error: tuple[str, str] | None = None
        self.was_cancelled = False
        self.base_description = description
        if describe_tiles:  # delivered in the main thread: QGIS's task manager shows the description
            self.tiles.connect(lambda *a: self.setDescription(f"{self.base_description} · {progress_text(*a)}"))

    def cancel(self) -> None:
        self.token.cancel()
        super().cancel()

    def _progress(self, p: Progress) -> None:
        self.setProgress(100.0 * p.fraction)
        self.tiles.emit(p.done, p.total, -1.0 if p.eta_s is None else p.eta_s, p.rate or 0.0)
        if self.isCanceled():
            self.token.cancel()

    def run(self) -> bool:
        try:
            self.result = self.work(self._progress, self.token)
            return True
        except Cancelled:
            self.was_cancelled = True
            return False
        except TsmError as exc:
            self.error = (error_text(exc), traceback.format_exc())  # QCoreApplication.translate is thread-safe
            return False
        except Exception as exc:  # noqa: BLE001 - a bug must reach the log, not kill QGIS
            self.error = (tr("Unexpected error: {error}. Details are in the Thaw Slump Mapper log.").format(
                error=f"{type(exc).__name__}: {exc}"), traceback.format_exc())
            return False

    def finished(self, ok: bool) -> None:
        if ok:
            self.succeeded.emit(self.result)
        elif self.was_cancelled or self.token.cancelled:
            self.cancelled.emit()
        else:
            message, detail = self.error or (tr("The task stopped without a result."), "")
            LOGGER.error("%s\n%s", message, detail)
            self.failed.emit(message, detail)
