"""`status` (each district: lease, next runs, outbox, steps, the steps that need someone, last
cycles) and `show STEP` (one step whole; also `status --step STEP`)."""

from __future__ import annotations

import argparse

import pandas as pd

from bot.calendar.district import district_rollover
from bot.commands.common import chosen_config, config_option, warn
from bot.config import Config, load_configs
from bot.core.rollover import Rollover
from bot.core.wording import agree, count, listed
from bot.errors import RolloverError, WorkbookError
from bot.services import Services
from bot.steps.report import SHOWN_LOG_ROWS, attention_lines, show_step, status_counts
from bot.wiring import build_services

CHECKLIST, LOG = "Checklist", "Log"


def status(config: Config) -> str:
    """One district: lease, next runs, outbox, steps by status and those that need someone
    (with their reason or plan), last cycles."""
    from bot.schedule.calendar_rules import day_rules
    from bot.schedule.status import lease_line, next_runs_line, outbox_line

    services = build_services(config)
    try:
        now = services.clock.now()
        snapshot = services.workbook.read([CHECKLIST])
        if CHECKLIST not in snapshot.frames:
            raise WorkbookError(
                "the workbook has no Checklist tab: rename the tab back to Checklist, or "
                "create a new workbook with `rollover-bot init`"
            )
        frame = snapshot.frames[CHECKLIST]
        lease = services.state.lease(f"workbook:{config.workbook_key}")
        cycles = services.state.cycles(5)
        lines = [f"{config.district}: workbook {config.workbook_key.split(':', 1)[1]}"]
        lines.append("  " + lease_line(config, services.state, now))
        held = lease is not None and lease.expires > now
        last = cycles[0][0] if cycles else ""
        rules = day_rules(config, services.workbook, now.date())
        lines.append("  " + next_runs_line(config, rules, last, held, now))
        lines.append("  " + outbox_line(config, services.state))
        lines.append("  Steps: " + status_counts(frame))
        lines += owner_lines(frame)
        lines += attention_lines(frame)
        rollover = district_rollover(config, calendar_frame(services), now.date())
        lines.insert(1, "  " + rollover_line(rollover))
        lines.append("  Last cycles:" if cycles else "  No cycle has run yet.")
        lines += [f"    {started}  {summary}" for started, _, summary in cycles]
        lines.append("  `rollover-bot show STEP` shows one step whole.")
        return "\n".join(lines)
    finally:
        services.close()


def owner_lines(frame: pd.DataFrame) -> list[str]:
    """Steps with no Owner: their reminders go to nobody, and a manual one cannot be done."""
    ownerless = list(frame.loc[frame["Owner"].str.strip() == "", "Step ID"])
    if not ownerless:
        return []
    return [
        f"  Owners: {count(len(ownerless), 'step')} {agree(len(ownerless), 'has', 'have')} no "
        f"Owner ({listed(ownerless, 5)}): their reminders go to nobody and a manual one cannot "
        "be done; give each an Owner"
    ]


def calendar_frame(services: Services) -> pd.DataFrame:
    """The Calendar tab (empty when the workbook has none)."""
    return services.workbook.read(["Calendar"]).frames.get("Calendar", pd.DataFrame())


def rollover_line(rollover: Rollover | None) -> str:
    """``Rollover 2026-2027 end of year: 2027-06-30 (config)``, and any disagreement."""
    if rollover is None:
        return (
            "Rollover: no date (set [calendar] rollover_date, or add a rollover row to the "
            "Calendar tab): steps dated relative to it are Invalid"
        )
    note = f"; {rollover.note}" if rollover.note else ""
    return f"Rollover {rollover.name}: {rollover.day} ({rollover.source}){note}"


def show(config: Config, step_id: str, log_rows: int = SHOWN_LOG_ROWS) -> str:
    """One step whole: its row, the bot's record of it, its failures and its last
    ``log_rows`` Log rows."""
    services = build_services(config)
    try:
        snapshot = services.workbook.read([CHECKLIST, LOG])
        if CHECKLIST not in snapshot.frames:
            raise WorkbookError("the workbook has no Checklist tab (run `rollover-bot init`)")
        return show_step(
            snapshot.frames[CHECKLIST], snapshot.frames.get(LOG), services.state, step_id, log_rows
        )
    finally:
        services.close()


def _status(args: argparse.Namespace) -> int:
    if args.step:
        print(show(chosen_config(args), args.step))
        return 0
    configs = [chosen_config(args)] if args.district else warn(load_configs(args.config))
    if len(configs) == 1:
        print(status(configs[0]))
        return 0
    reports, failed = [], False
    for config in configs:
        try:
            reports.append(status(config))
        except RolloverError as exc:
            reports.append(f"{config.district}: cannot read its status: {exc}")
            failed = True
    print("\n\n".join(reports))
    return 2 if failed else 0


def _show(args: argparse.Namespace) -> int:
    if args.log < 0:
        raise RolloverError("--log must be 0 or more")
    print(show(chosen_config(args), args.step, args.log))
    return 0


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    status_cmd = commands.add_parser(
        "status",
        help="each district: lease holder, next runs, outbox, steps by status and those that "
        "need someone, last cycles",
        description="Each district: the lease holder, next runs, the outbox, steps by status, "
        "every step that is Failed, Partly done, Not confirmed, Invalid, Rejected or Awaiting "
        "approval with its reason or plan, and the last cycles. With --step, one step whole "
        "(as `show`).",
    )
    status_cmd.add_argument(
        "--step", metavar="STEP", help="show this step whole instead (as `rollover-bot show`)"
    )
    config_option(status_cmd)
    status_cmd.set_defaults(handler=_status)

    show_cmd = commands.add_parser(
        "show",
        help="one step whole: row, plan, approval, result, failures, Log rows",
        description="One step whole: its Checklist row (action, scope, parameters, owner, "
        "due), status, plan, approval, result, the bot's record (request, decision, run), "
        "the records that failed and why (from the ledger), and its last Log rows.",
    )
    show_cmd.add_argument("step", metavar="STEP", help="Step ID, e.g. S-007")
    show_cmd.add_argument(
        "--log",
        type=int,
        default=SHOWN_LOG_ROWS,
        metavar="N",
        help="how many of its last Log rows to show (default: %(default)s)",
    )
    config_option(show_cmd)
    show_cmd.set_defaults(handler=_show)
