"""`check`, `run --once`, `approve` and `status`."""

from __future__ import annotations

import argparse

from bot.commands.acting import DEFAULT_WAIT, acting, wait_option
from bot.commands.common import chosen_config, config_option
from bot.commands.table import table
from bot.config import Config
from bot.core.approvals import Policy, refusal
from bot.core.checklist import step_key
from bot.core.wording import count
from bot.cycle import Cycle, CycleReport
from bot.errors import ApprovalRefused, RolloverError
from bot.steps.approve import decide
from bot.wiring import build_services


class LeaseLost(RolloverError):
    """The lease went to another process while this one acted."""


def cycle(config: Config, execute: bool, wait: float = DEFAULT_WAIT) -> CycleReport:
    """One cycle under the district's lease; if the lease is lost meanwhile, execution stops
    after the record in flight and LeaseLost is raised once the cycle has written back."""
    with acting(config, wait) as lost:
        services = build_services(config)
        try:
            report = Cycle(services, execute=execute, stop=lost).run()
        finally:
            services.close()
    if lost.is_set():
        print(render_cycle(report))
        raise LeaseLost(
            "this command lost the lease on the workbook to another process (it stalled past "
            f"[schedule] lease_seconds = {config.schedule.lease_seconds}): it stopped after "
            "the record in flight; the other process carries on from there"
        )
    return report


def render_cycle(report: CycleReport) -> str:
    rows = [
        [sid, view.status, view.result or view.plan] for sid, view in sorted(report.views.items())
    ]
    lines = [table(("Step", "Status", "Result / plan"), rows, (7, 49, 64))]
    counts = report.summary()
    lines.append("")
    lines.append(
        f"{count(len(report.views), 'step')}: {counts}. Executed: "
        f"{', '.join(report.executed) or 'none'}. Messages: {report.messages}."
    )
    write = report.write
    lines.append(
        f"Workbook: {count(write.cells_written, 'cell')} written, "
        f"{count(write.ids_filled, 'Step ID')} filled, "
        f"{count(write.log_rows_appended, 'Log row')} appended."
    )
    lines += dropped_lines(write.dropped)
    return "\n".join(lines)


def dropped_lines(dropped: list[str]) -> list[str]:
    """Writes the workbook could not place, one line per row: a record the tab has no row
    for (an LMS record outside the roster, or a row deleted since), with its columns."""
    columns: dict[str, list[str]] = {}
    other: list[str] = []
    for text in dropped:
        where, found, column = text.partition(": row not found for ")
        if found:
            columns.setdefault(where, []).append(column)
        else:
            other.append(text)
    lines = [
        f"  not written: {where} ({', '.join(names)}): the tab has no row with this ID"
        for where, names in columns.items()
    ]
    return lines + [f"  not written: {text}" for text in other]


def approve(config: Config, step: str, who: str, reject: str | None) -> str:
    services = build_services(config)
    try:
        return decide(services, step, who, reject)
    finally:
        services.close()


def _cycle(args: argparse.Namespace) -> int:
    if args.command == "run" and not args.once:
        raise RolloverError("`run` runs one cycle: add --once (`rollover-bot serve` keeps running)")
    report = cycle(chosen_config(args), execute=args.command == "run", wait=args.wait)
    print(render_cycle(report))
    return 0


def _approve(args: argparse.Namespace) -> int:
    print(approve(chosen_config(args), args.step, args.who, args.reject))
    if args.reject is None:
        print("The next `rollover-bot run --once` acts on it.")
    else:
        print(
            "Nothing runs for this plan. Once the step is changed in the Checklist, the next "
            "cycle plans it again and asks for a new approval."
        )
    return 0


def _undo(args: argparse.Namespace) -> int:
    from bot.steps.undo import undo

    config = chosen_config(args)
    why = refusal(Policy.of(list(config.admins), config.two_person_rule), args.who, owner="")
    if why:
        raise ApprovalRefused(f"undo {step_key(args.step)}: {why}")
    with acting(config, args.wait, writes=False):
        services = build_services(config)
        try:
            report = undo(services, args.step, args.who)
        finally:
            services.close()
    print(report.text)
    if report.restored:
        print("The next `rollover-bot run --once` writes the restored records to the workbook.")
    elif report.failed:
        print("The next `rollover-bot run --once` writes these failures to the Log.")
    return 0


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = commands.add_parser(
        "check",
        help="validate and plan every ticked step; execute nothing",
        description="Read the workbook, validate and plan each ticked step, ask for approvals, "
        "and write statuses back. Nothing is executed against the LMS.",
    )
    config_option(check)
    wait_option(check)
    check.set_defaults(handler=_cycle)

    run = commands.add_parser(
        "run",
        help="run cycles: validate, plan, execute and write back",
        description="Run one full cycle with --once (`rollover-bot serve` runs on a schedule).",
    )
    run.add_argument("--once", action="store_true", help="run exactly one cycle and exit")
    config_option(run)
    wait_option(run)
    run.set_defaults(handler=_cycle)

    approve_cmd = commands.add_parser(
        "approve",
        help="approve (or reject) a step awaiting approval",
        description="Approve the plan a step is awaiting approval for. The approver must be "
        "listed in approvals.admins and, with two_person_rule, may not be the step's Owner.",
    )
    approve_cmd.add_argument("step", metavar="STEP", help="Step ID, e.g. S-007")
    approve_cmd.add_argument(
        "--as", dest="who", required=True, metavar="EMAIL", help="the admin giving the decision"
    )
    approve_cmd.add_argument("--reject", metavar="REASON", help="reject instead, with a reason")
    config_option(approve_cmd)
    approve_cmd.set_defaults(handler=_approve)

    undo_cmd = commands.add_parser(
        "undo",
        help="restore what a destructive step archived, disabled or completed",
        description="Put back every record a destructive step changed, from the snapshot the "
        "bot took before running it. Only an admin may undo.",
    )
    undo_cmd.add_argument("step", metavar="STEP", help="Step ID, e.g. S-007")
    undo_cmd.add_argument("--as", dest="who", required=True, metavar="EMAIL", help="the admin")
    config_option(undo_cmd)
    wait_option(undo_cmd)
    undo_cmd.set_defaults(handler=_undo)
