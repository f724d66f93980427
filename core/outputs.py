"""Output paths checked before the long work starts: nothing the user did not ask to replace is
overwritten, and an unwritable folder is said at once, not after the model has run. Outputs are
written under temporary names and moved into place when complete (atomic_file, atomic_files,
staged_folder)."""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from .errors import OutputError, TsmError


def check_new_file(path: str | Path, overwrite: bool = False, what: str = "output") -> Path:
    """``path`` as a Path, or OutputError when it exists (unless ``overwrite``) or its folder is
    missing or read-only."""
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"The {what} {path} is a folder.", "Give a file name.")
    if path.exists() and not overwrite:
        raise OutputError(f"{path} already exists.", "Choose another file name, or allow overwriting it (--overwrite).")
    check_folder(path.parent if str(path.parent) else Path("."))
    return path


def check_folder(folder: str | Path, create: bool = False) -> Path:
    """``folder`` exists (or can be made, with ``create``) and is writable."""
    folder = Path(folder)
    probe = folder
    while not probe.exists() and create and probe.parent != probe:
        probe = probe.parent
    if not probe.exists():
        raise OutputError(f"The folder {folder} does not exist.", "Create it first or choose another folder.")
    if not probe.is_dir():
        raise OutputError(f"{probe} is a file, not a folder.", "Choose a folder.")
    if not os.access(probe, os.W_OK):
        raise OutputError(f"The folder {probe} is not writable.", "Choose a folder you can write to.")
    return folder


# -- writing: complete or not at all ------------------------------------------------------------
# An output is written under a temporary name beside its target (same folder, so the final rename is
# atomic) and moved into place only when complete; a failed, cancelled or killed command leaves no
# partial file under the target's name, so nothing blocks running it again. The temporary names are
# hidden, unique to the process and the call (two runs sharing a folder never collide), and keep the
# target's name at the end (GDAL, PIL and numpy choose the format by the suffix; ``x.onnx`` and its
# ``x.onnx.json`` stay a pair).

PART_PREFIX = ".tsm-part-"
STALE_PART_S = 86400  # leftovers of a killed write older than this are removed by the next write


def part_tag() -> str:
    """A prefix for the temporary names of one write: hidden, unique to this process and call."""
    return f"{PART_PREFIX}{os.getpid()}-{secrets.token_hex(4)}."


def part_name(target: str | Path, tag: str | None = None) -> Path:
    target = Path(target)
    return target.with_name((tag or part_tag()) + target.name)


def _remove(path: Path) -> None:
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    except OSError:
        pass


def discard_parts(folder: Path, tag: str) -> None:
    """Everything one write left under its tag in ``folder`` (with SQLite's -journal beside it)."""
    try:
        leftovers = list(folder.glob(glob.escape(tag) + "*"))
    except OSError:
        return
    for path in leftovers:
        _remove(path)


def _writer_gone(path: Path) -> bool:
    """The process named in a temporary name has ended (on this machine; elsewhere: unknown, False)."""
    if os.name != "posix":
        return False
    try:
        pid = int(path.name[len(PART_PREFIX):].split("-", 1)[0])
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except (ValueError, OSError):
        return False
    return False


def sweep_stale_parts(folder: Path, older_than_s: float = STALE_PART_S, idle_s: float = 5.0) -> None:
    """Temporary files of killed writes (SIGKILL, power cut) in ``folder``: those of a process that
    has ended and untouched for ``idle_s`` (a write in flight on another machine sharing the folder
    is younger), and any older than ``older_than_s``."""
    now = time.time()
    try:
        leftovers = list(folder.glob(PART_PREFIX + "*"))
    except OSError:
        return
    for path in leftovers:
        try:
            age = now - path.stat().st_mtime
            if age > older_than_s or (age > idle_s and _writer_gone(path)):
                _remove(path)
        except OSError:
            pass


_FULL_WORDS = ("no space left", "disk is full", "disk full", "quota exceeded", "read-only file system",
               "permission denied", "file too large")


def _free_bytes(folder: Path) -> int | None:
    try:
        st = os.statvfs(folder)
    except (OSError, AttributeError):  # statvfs: not on Windows
        return None
    return st.f_bavail * st.f_frsize


def write_error(exc: BaseException, target: Path, what: str = "output", fix: str = "") -> OutputError | None:
    """``exc`` raised while writing ``target``, as an OutputError naming the file and the cause, when it
    is one the user can act on (a full disk, a read-only or unwritable place); None otherwise (a bug:
    left as it is)."""
    if isinstance(exc, TsmError) or not isinstance(exc, Exception):
        return None
    text = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, OSError) and exc.errno is not None:
        reason = exc.strerror or text
    elif any(word in text.lower() for word in _FULL_WORDS):
        reason = text
    else:
        free = _free_bytes(target.parent if str(target.parent) else Path("."))
        if free is None or free > 1024 * 1024:
            return None
        reason = f"{text}; the disk is full"
    return OutputError(f"Cannot write the {what} {target} ({reason}).",
                       fix or "Free disk space (or choose another folder) and run the command again; nothing "
                              "half-written was left behind.")


@contextmanager
def atomic_files(targets: Sequence[str | Path], what: str = "output", fix: str = "",
                 sweep: bool = True) -> Iterator[tuple[Path, ...]]:
    """Temporary paths for ``targets`` (one tag for all: companions keep their names' relation), each
    moved onto its target, in the given order, once the block has completed: put the file that makes
    the set usable last. When the block raises (or is interrupted) the temporary files are removed and
    the targets are untouched; a full disk or an unwritable folder becomes an OutputError.
    ``sweep``: also remove leftovers of writes killed more than a day ago in the targets' folders."""
    paths = [Path(t) for t in targets]
    tag = part_tag()
    temps = tuple(part_name(p, tag) for p in paths)
    try:
        yield temps
        for tmp, target in zip(temps, paths):
            if tmp.exists():  # a companion the block chose not to write stays absent
                os.replace(tmp, target)
    except BaseException as exc:
        error = write_error(exc, paths[0], what, fix)  # before discarding: the space they took tells
        for folder in {p.parent for p in paths}:
            discard_parts(folder, tag)
        _name_targets(exc, temps, paths)
        if error is None:
            raise
        raise error from exc
    if sweep:
        for folder in {p.parent for p in paths}:
            sweep_stale_parts(folder)


def _name_targets(exc: BaseException, temps: Sequence[Path], targets: Sequence[Path]) -> None:
    """A message about a temporary file names its target: the user never sees the temporary name."""
    if not isinstance(exc, TsmError) or not isinstance(exc.problem, str):
        return
    problem = exc.problem
    for tmp, target in zip(temps, targets):
        problem = problem.replace(str(tmp), str(target)).replace(tmp.name, target.name)
    exc.problem, exc.args = problem, (problem, *exc.args[1:])


@contextmanager
def atomic_file(target: str | Path, what: str = "output", fix: str = "", sweep: bool = True) -> Iterator[Path]:
    """:func:`atomic_files` for one file: ``with atomic_file(out) as tmp: write(tmp)``."""
    with atomic_files([target], what, fix, sweep) as (tmp,):
        yield tmp


@contextmanager
def staged_folder(folder: str | Path, marker: str, what: str = "output", fix: str = "") -> Iterator[Path]:
    """A hidden folder inside ``folder`` to write a set of files and folders into; when the block has
    completed each entry replaces the one of the same name in ``folder``, ``marker`` (the file that
    says the set is complete, e.g. manifest.json) last. ``marker`` is removed from ``folder`` before
    the first entry moves, so the folder reads as not done until the new set is whole. When the block
    raises, nothing in ``folder`` changes (a folder this call created is removed again)."""
    folder = Path(folder)
    created = not folder.exists()
    tag = part_tag()
    stage = folder / (tag + "stage")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        stage.mkdir()
        yield stage
        (folder / marker).unlink(missing_ok=True)
        for entry in sorted(stage.iterdir(), key=lambda p: p.name == marker):
            _move_into(entry, folder / entry.name, tag)
        stage.rmdir()
    except BaseException as exc:
        error = write_error(exc, folder / marker, what, fix)
        discard_parts(folder, tag)
        if created:
            try:
                folder.rmdir()  # only when empty: nothing of anyone else's is removed
            except OSError:
                pass
        if error is None:
            raise
        raise error from exc
    sweep_stale_parts(folder)


def _move_into(src: Path, dst: Path, tag: str) -> None:
    """``src`` onto ``dst``; a folder replaces a folder (the old one moved aside, then deleted)."""
    if dst.is_dir() and not dst.is_symlink():
        old = dst.with_name(tag + "old." + dst.name)
        os.replace(dst, old)
        os.replace(src, dst)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(src, dst)


@contextmanager
def raster_file(path: str | Path, **profile) -> Iterator:
    """A rasterio dataset for writing ``path``, built in memory and saved with one ordinary file write
    when the block completes. GDAL reports a failed write at closing a file (a full disk) only as a
    log message and leaves the file truncated; Python's write raises, so the failure is seen."""
    from rasterio.io import MemoryFile

    with MemoryFile() as memory:
        with memory.open(**profile) as dst:
            yield dst
        data = memory.read()
    with open(path, "wb") as fh:
        fh.write(data)
