"""Errors a user can act on. Each carries the problem and the fix in plain words; the plugin,
the CLI and Processing show ``str(error)`` and never a traceback."""

from __future__ import annotations

from .messages import Message


class TsmError(Exception):
    """Base class: ``problem`` says what is wrong, ``fix`` what to do about it."""

    def __init__(self, problem: str, fix: str = "") -> None:
        super().__init__(problem)
        self.problem = problem
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.problem} {self.fix}".strip()

    def __reduce__(self):
        # pickled as problem and fix (a cluster worker's error reaches the client whole)
        return _rebuild, (type(self), self.problem, self.fix)

    @property
    def message(self) -> str:
        """Problem and fix as one :class:`Message` when both are Messages (the plugin translates it)."""
        if isinstance(self.problem, Message) and isinstance(self.fix, Message):
            return Message("error.with_fix", problem=self.problem, fix=self.fix)
        return str(self)


class ModelError(TsmError):
    """The model file or its description is missing, corrupt, unsafe or unsupported."""


class InputError(TsmError):
    """A mosaic, extent or parameter does not fit (bands, CRS, NoData, extent)."""


class OutputError(TsmError):
    """An output cannot be written (unwritable folder, locked GeoPackage)."""


class Cancelled(TsmError):  # noqa: N818 - reads as "the run was cancelled"
    """The user cancelled; nothing half-written was left behind (finished chunks of an inference run
    are complete files, kept so that running again continues)."""

    def __init__(self, what: str = "The run") -> None:
        super().__init__(f"{what} was cancelled; nothing half-written was kept.")


def _rebuild(cls: type, problem, fix) -> TsmError:
    error = Exception.__new__(cls)
    TsmError.__init__(error, problem, fix)
    return error
