"""The ``rollover-bot`` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from bot import __version__
from bot.commands import actions_cmd, create, message_cmd, roster, run, serve, sheet
from bot.errors import ApprovalRefused, RolloverError

COMMAND_MODULES = (create, run, sheet, roster, actions_cmd, message_cmd, serve)

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


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        handler: Callable[[argparse.Namespace], int] = args.handler
        return handler(args)
    except ApprovalRefused as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 3
    except RolloverError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
