#!/usr/bin/env python3
"""Run QGIS's PyQt5 → PyQt6 migration checker over the plugin's Qt code and count its findings.

The checker is ``scripts/pyqt5_to_pyqt6/pyqt5_to_pyqt6.py`` of the QGIS repository, with the
``enums.json`` beside it (QGIS's table of every Qt and QGIS enum and the scope it lives in). It
is not part of this repository; point this runner at a copy of it:

    python3 -m venv /tmp/qt6check && /tmp/qt6check/bin/pip install tokenize-rt
    TSM_QT6_CHECKER=/path/to/QGIS/scripts/pyqt5_to_pyqt6/pyqt5_to_pyqt6.py \\
        /tmp/qt6check/bin/python scripts/qt6_check.py

It never edits the plugin: the files are copied to a temporary folder first, and the checker
prints what it would change there. Every changed spot (an unscoped enum, ``exec_()``, a PyQt5
import…) and every warning it prints is one finding. Exit status: 0 no finding, 1 findings,
2 the checker is not available.

Outside a QGIS 4 build the checker reads its enums from ``enums.json`` but still evaluates
``Class.Enum.value`` for each enum it rewrites; names it could not import are stood in for here
by a permissive placeholder, so that each rewrite is reported instead of ending the run with a
NameError. tests/qgis/test_qt6_ready.py checks the same rules without the checker, and runs this
script too when TSM_QT6_CHECKER (and TSM_QT6_PYTHON, an interpreter with tokenize-rt) are set.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import importlib.util
import io
import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = "TSM_QT6_CHECKER"


def plugin_files(root: Path = ROOT) -> list[Path]:
    """The plugin's Qt/QGIS code: what QGIS 4 loads, plus the scripts that drive QGIS."""
    files = [root / "__init__.py", root / "plugin.py"]
    for folder in ("ui", "adapters"):
        files += sorted((root / folder).rglob("*.py"))
    files += [p for p in sorted((root / "scripts").glob("*.py"))
              if re.search(r"^\s*(from|import) qgis\b", p.read_text(encoding="utf-8"), re.M)]
    return [p for p in files if p.is_file()]


class _Anything:
    """Stands in for a class the checker cannot import: every attribute exists."""

    def __getattr__(self, name: str) -> _Anything:
        return self


def load_checker(path: Path):
    spec = importlib.util.spec_from_file_location("pyqt5_to_pyqt6", path)
    module = importlib.util.module_from_spec(spec)
    with contextlib.redirect_stdout(io.StringIO()):
        spec.loader.exec_module(module)
    enums = json.loads((path.parent / "enums.json").read_text(encoding="utf-8"))
    names = {key.split(":")[0] for table in ("qt_enums", "ambiguous_enums") for key in enums[table]}
    for name in names - set(vars(module)):
        setattr(module, name, _Anything())
    return module


def _spots(old: str, new: str) -> int:
    """How many separate places differ between a line and its rewrite."""
    tokens = re.compile(r"\w+|\S")
    matcher = difflib.SequenceMatcher(a=tokens.findall(old), b=tokens.findall(new), autojunk=False)
    return max(1, sum(1 for op in matcher.get_opcodes() if op[0] != "equal"))


def parse(output: str, errors: str, tmp: Path) -> list[str]:
    """One line per finding, ``path:line: what`` relative to the plugin."""
    findings: list[str] = []
    current, line_no, removed, added = "", 0, [], []

    def flush() -> None:
        for i, old in enumerate(removed):
            new = added[i] if i < len(added) else ""
            for _ in range(_spots(old[1], new)):
                findings.append(f"{current}:{old[0]}: {old[1].strip()}  →  {new.strip()}")
        removed.clear()
        added.clear()

    for line in output.splitlines():
        if not line:  # the checker prints difflib's headers with their own newline: a blank line each
            continue
        if line.startswith("--- "):
            flush()
            current = os.path.relpath(line[4:].strip(), tmp)
        elif line.startswith("+++ "):
            continue
        elif line.startswith("@@"):
            flush()
            line_no = int(re.match(r"@@ -(\d+)", line).group(1))
        elif line.startswith("-"):
            removed.append((line_no, line[1:]))
            line_no += 1
        elif line.startswith("+"):
            added.append(line[1:])
        else:
            flush()
            line_no += 1
            if ": Missing import" in line or "QRegExp" in line:
                findings.append(os.path.relpath(line.split(":")[0], tmp) + ": " + line.split(":", 1)[1].strip())
    flush()
    for line in errors.splitlines():
        if "WARNING" in line or "ERROR" in line:
            findings.append(line.replace(str(tmp) + os.sep, ""))
    return findings


def run(checker: Path, files: list[Path], root: Path = ROOT) -> list[str]:
    module = load_checker(checker)
    with tempfile.TemporaryDirectory(prefix="tsm-qt6-") as tmp_name:
        tmp = Path(tmp_name)
        for path in files:
            target = tmp / path.resolve().relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            module.main([str(tmp)])
        return parse(out.getvalue(), err.getvalue(), tmp)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checker", type=Path, default=os.environ.get(ENV),
                        help=f"QGIS's pyqt5_to_pyqt6.py (default: ${ENV})")
    parser.add_argument("files", nargs="*", type=Path, help="files to check (default: the plugin's Qt code)")
    args = parser.parse_args(argv)
    if not args.checker or not Path(args.checker).is_file():
        print(f"qt6_check: QGIS's pyqt5_to_pyqt6.py not given (--checker or ${ENV}); nothing checked",
              file=sys.stderr)
        return 2
    try:
        import tokenize_rt  # noqa: F401 - the checker's one dependency
    except ImportError:
        print("qt6_check: the checker needs tokenize-rt (pip install tokenize-rt)", file=sys.stderr)
        return 2
    files = [p.resolve() for p in args.files] or plugin_files()
    findings = run(Path(args.checker), files)
    for finding in findings:
        print(finding)
    print(f"qt6_check: {len(findings)} finding(s) in {len(files)} file(s)")
    return 1 if findings else 0


if __name__ == "__main__":
    raise SystemExit(main())
