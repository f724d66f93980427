"""Output paths checked before the long work starts: nothing the user did not ask to replace is
overwritten, and an unwritable folder is said at once, not after the model has run."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import OutputError


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
