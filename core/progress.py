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

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 1.0

    @property
    def eta_s(self) -> float | None:
        if not self.done or not self.total:
            return None
        return self.elapsed_s * (self.total - self.done) / self.done


ProgressCallback = Callable[[Progress], None]


class ProgressMeter:
    """Counts units of work (tiles) across stages and reports them to a callback."""

    def __init__(self, total: int, callback: ProgressCallback | None = None) -> None:
        self.total = total
        self.done = 0
        self.callback = callback
        self.start = time.monotonic()

    def advance(self, n: int = 1, stage: str = "") -> None:
        self.done += n
        if self.callback is not None:
            self.callback(Progress(self.done, self.total, stage, time.monotonic() - self.start))
