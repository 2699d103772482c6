"""The ``rollover-bot`` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from bot import __version__
from bot.config import load_config
from bot.errors import ApprovalRefused, RolloverError

EPILOG = """Quick start:
  rollover-bot demo                 build ./rollover-demo and run one cycle
  rollover-bot --help COMMAND       help for one command (or: rollover-bot COMMAND --help)"""


def _config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="configuration file (default: $ROLLOVER_CONFIG, else ./config.toml)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rollover-bot",
        description="Executes a district's rollover checklist kept in a shared workbook.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    demo = commands.add_parser(
        "demo",
        help="create a sample district and run one cycle",
        description="Create DIR with a sample district workbook (rollover.xlsx), config.toml and "
        "state, then run one cycle and show what the bot did.",
    )
    demo.add_argument(
        "--dir",
        default="rollover-demo",
        type=Path,
        help="directory to create (default: rollover-demo)",
    )
    demo.add_argument(
        "--students",
        type=int,
        default=300,
        metavar="N",
        help="number of students in the sample district (default: 300)",
    )
    demo.add_argument("--force", action="store_true", help="replace an existing demo in DIR")
    _config_option(demo)

    init = commands.add_parser(
        "init",
        help="create an empty workbook and config for a real district",
        description="Create DIR with rollover.xlsx (the Edgenuity mid-year playbook as its "
        "Checklist, empty roster tabs) and config.toml to edit.",
    )
    init.add_argument("--dir", default=".", type=Path, help="directory (default: .)")
    init.add_argument("--district", default="My District", help="district name")
    init.add_argument("--force", action="store_true", help="replace existing files")
    _config_option(init)

    check = commands.add_parser(
        "check",
        help="validate and plan every ticked step; execute nothing",
        description="Read the workbook, validate and plan each ticked step, ask for approvals, "
        "and write statuses back. Nothing is executed against the LMS.",
    )
    _config_option(check)

    run = commands.add_parser(
        "run",
        help="run cycles: validate, plan, execute and write back",
        description="Run one full cycle with --once (the scheduled service comes with `serve`).",
    )
    run.add_argument("--once", action="store_true", help="run exactly one cycle and exit")
    _config_option(run)

    approve = commands.add_parser(
        "approve",
        help="approve (or reject) a step awaiting approval",
        description="Approve the plan a step is awaiting approval for. The approver must be "
        "listed in approvals.admins and, with two_person_rule, may not be the step's Owner.",
    )
    approve.add_argument("step", metavar="STEP", help="Step ID, e.g. S-007")
    approve.add_argument(
        "--as", dest="who", required=True, metavar="EMAIL", help="the admin giving the decision"
    )
    approve.add_argument("--reject", metavar="REASON", help="reject instead, with a reason")
    _config_option(approve)

    status = commands.add_parser("status", help="step counts, approvals pending, last cycles")
    _config_option(status)
    return parser


def _dispatch(args: argparse.Namespace) -> int:
    from bot.commands import create, run

    if args.command == "demo":
        if args.students < 1:
            raise RolloverError("--students must be at least 1")
        path = create.make_demo(args.dir, args.students, args.force, date.today())
        print(
            f"Created {args.dir}/rollover.xlsx ({args.students} students), {path.name} and "
            "state. Running one cycle...\n"
        )
        report = run.cycle(load_config(str(path)), execute=True)
        print(run.render_cycle(report))
        print(next_steps(args.dir))
        return 0
    if args.command == "init":
        path = create.make_empty(args.dir, args.district, args.force, date.today())
        print(
            f"Created {args.dir}/rollover.xlsx and {path}. Fill the roster tabs, list your "
            "admins in approvals.admins, tick Run on a step, then: "
            f"rollover-bot check --config {path}"
        )
        return 0
    config = load_config(args.config)
    if args.command in ("check", "run"):
        if args.command == "run" and not args.once:
            raise RolloverError("the scheduled service is not available yet: use `run --once`")
        print(run.render_cycle(run.cycle(config, execute=args.command == "run")))
        return 0
    if args.command == "approve":
        print(run.approve(config, args.step, args.who, args.reject))
        print("The next `rollover-bot run --once` acts on it.")
        return 0
    if args.command == "status":
        print(run.status(config))
        return 0
    raise AssertionError(args.command)


def next_steps(directory: Path) -> str:
    config = directory / "config.toml"
    return f"""
Open {directory}/rollover.xlsx to see the Checklist, the roster tabs and the Log.
Next, try:
  rollover-bot status --config {config}
  rollover-bot approve S-007 --as coordinator@demo-district.org --config {config}  (refused: owner)
  rollover-bot approve S-007 --as admin@demo-district.org --config {config}
  rollover-bot run --once --config {config}
  rollover-bot approve S-008 --as admin@demo-district.org --config {config}
  rollover-bot run --once --config {config}      (grades promoted, once)
"""


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return _dispatch(args)
    except ApprovalRefused as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 3
    except RolloverError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
