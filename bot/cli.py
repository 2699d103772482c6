"""The ``rollover-bot`` command line."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from bot import __version__, progress
from bot.commands import actions_cmd, create, message_cmd, roster, run, serve, sheet, status
from bot.errors import ApprovalRefused, RolloverError

COMMAND_MODULES = (create, run, status, sheet, roster, actions_cmd, message_cmd, serve)

EPILOG = """Quick start:
  rollover-bot demo                 build ./rollover-demo and run one cycle
  rollover-bot COMMAND --help       help for one command"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rollover-bot",
        description="Executes a district's rollover checklist kept in a shared workbook.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in COMMAND_MODULES:
        module.register(commands)
    return parser


BROKEN_PIPE = 141
"""The exit code of a command whose reader went away (``| head``): 128 + SIGPIPE."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        handler: Callable[[argparse.Namespace], int] = args.handler
        with progress.session():
            code = handler(args)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        _drop_stdout()
        return BROKEN_PIPE
    except ApprovalRefused as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 3
    except RolloverError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _drop_stdout() -> None:
    """The reader of stdout is gone: send what is left to /dev/null, so that Python's own
    flush at exit does not print a traceback."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a file (a test's capture)
        pass
    finally:
        os.close(devnull)
