"""Progress reporting and cancellation shared by the CLI, QgsTask wrappers and Processing."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from .errors import Cancelled


class CancelToken:
    """Thread-safe flag; work loops call :meth:`check` once per tile."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self, what: str = "The run") -> None:
        if self._event.is_set():
            raise Cancelled(what)


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    stage: str
    elapsed_s: float
    resumed: int = 0  # units already done before this session (a resumed run): not in the rate

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 1.0

    @property
    def rate(self) -> float | None:
        """Units per second in this session."""
        worked = self.done - self.resumed
        if worked <= 0 or self.elapsed_s <= 0:
            return None
        return worked / self.elapsed_s

    @property
    def eta_s(self) -> float | None:
        rate = self.rate
        if not rate or not self.total:
            return None
        return (self.total - self.done) / rate


ProgressCallback = Callable[[Progress], None]


class ProgressMeter:
    """Counts units of work (tiles) across stages and reports them to a callback."""

    def __init__(self, total: int, callback: ProgressCallback | None = None) -> None:
        self.total = total
        self.done = 0
        self.resumed = 0
        self.callback = callback
        self.start = time.monotonic()

    def skip(self, n: int, stage: str = "") -> None:
        """Units done by an earlier, interrupted run: counted, not timed."""
        self.resumed += n
        self.advance(n, stage)

    def advance(self, n: int = 1, stage: str = "") -> None:
        self.done += n
        if self.callback is not None:
            self.callback(Progress(self.done, self.total, stage, time.monotonic() - self.start, self.resumed))
