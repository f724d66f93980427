"""The headless command line: ``scripts/tsm <command>``. Later commands (infer, vectorize,
inspect-model, evaluate, …) are added to the same parser. Errors are one line on stderr and a
non-zero exit status, never a traceback."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import about, deps


class CliError(Exception):
    """A problem the user can fix; its message says what and how."""


def cmd_doctor(args: argparse.Namespace) -> int:
    statuses = deps.check_all(import_optional=not args.quick)
    print(f"{about.name()} {about.version()} — Python {sys.version.split()[0]} ({sys.executable})")
    for line in deps.report(statuses):
        print("  " + line)
    command = deps.install_command(statuses, include_optional=True)
    if command:
        print("To install what is missing:\n  " + command)
    missing = deps.missing_required(statuses)
    if missing:
        raise CliError("required packages missing: " + ", ".join(s.requirement.dist for s in missing))
    return 0


def cmd_version(args: argparse.Namespace) -> int:
    print(about.version())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tsm", description=f"{about.name()} command line")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    doctor = sub.add_parser("doctor", help="check the Python packages and print how to install missing ones")
    doctor.add_argument("--quick", action="store_true",
                        help="only locate optional packages (skips the slow torch import)")
    doctor.set_defaults(func=cmd_doctor)
    version = sub.add_parser("version", help="print the plugin version")
    version.set_defaults(func=cmd_version)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except CliError as exc:
        print(f"tsm {args.command}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"tsm {args.command}: cancelled", file=sys.stderr)
        return 130
