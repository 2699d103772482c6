"""`check`, `run --once`, `approve` and `status`."""

from __future__ import annotations

import argparse
from collections import Counter

import pandas as pd

from bot.approve import decide
from bot.commands.acting import DEFAULT_WAIT, acting, wait_option
from bot.commands.common import chosen_config, config_option, warn
from bot.config import Config, load_configs
from bot.core.approvals import Policy, refusal
from bot.core.checklist import step_key
from bot.core.lifecycle import status_of
from bot.core.rollover import Rollover
from bot.cycle import Cycle, CycleReport
from bot.district_calendar import district_rollover
from bot.errors import ApprovalRefused, RolloverError, WorkbookError
from bot.report import table
from bot.services import Services, build_services


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
        f"{len(report.views)} steps: {counts}. Executed: "
        f"{', '.join(report.executed) or 'none'}. Messages: {report.messages}."
    )
    write = report.write
    lines.append(
        f"Workbook: {write.cells_written} cells written, {write.ids_filled} Step IDs "
        f"filled, {write.log_rows_appended} Log rows appended."
    )
    for dropped in write.dropped:
        lines.append(f"  not written (row moved or deleted): {dropped}")
    return "\n".join(lines)


def approve(config: Config, step: str, who: str, reject: str | None) -> str:
    services = build_services(config)
    try:
        return decide(services, step, who, reject)
    finally:
        services.close()


def status(config: Config) -> str:
    """One district: lease, next runs, outbox, steps by status, approvals, last cycles."""
    from bot.schedule.calendar_rules import day_rules
    from bot.schedule.status import lease_line, next_runs_line, outbox_line

    services = build_services(config)
    try:
        now = services.clock.now()
        snapshot = services.workbook.read(["Checklist"])
        if "Checklist" not in snapshot.frames:
            raise WorkbookError(
                "the workbook has no Checklist tab: rename the tab back to Checklist, or "
                "create a new workbook with `rollover-bot init`"
            )
        frame = snapshot.frames["Checklist"]
        counts = Counter(status_of(s).value if s.strip() else "(new)" for s in frame["Status"])
        lease = services.state.lease(f"workbook:{config.workbook_key}")
        cycles = services.state.cycles(5)
        lines = [f"{config.district}: workbook {config.workbook_key.split(':', 1)[1]}"]
        lines.append("  " + lease_line(config, services.state, now))
        held = lease is not None and lease.expires > now
        last = cycles[0][0] if cycles else ""
        rules = day_rules(config, services.workbook, now.date())
        lines.append("  " + next_runs_line(config, rules, last, held, now))
        lines.append("  " + outbox_line(config, services.state))
        lines.append("  Steps: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
        ownerless = list(frame.loc[frame["Owner"].str.strip() == "", "Step ID"])
        if ownerless:
            named = ", ".join(ownerless[:5]) + (" ..." if len(ownerless) > 5 else "")
            lines.append(
                f"  Owners: {len(ownerless)} step(s) have no Owner ({named}): their reminders "
                "go to nobody and a manual one cannot be done; give each an Owner"
            )
        asked = frame["Status"].str.startswith("Awaiting approval") | frame["Status"].str.endswith(
            "(awaiting approval)"
        )
        for _, row in frame[asked].iterrows():
            lines.append(f"    awaiting approval: {row['Step ID']} {row['Action']}: {row['Plan']}")
        rollover = district_rollover(config, day_frame(services), now.date())
        lines.insert(1, "  " + rollover_line(rollover))
        lines.append("  Last cycles:" if cycles else "  No cycle has run yet.")
        lines += [f"    {started}  {summary}" for started, _, summary in cycles]
        return "\n".join(lines)
    finally:
        services.close()


def day_frame(services: Services) -> pd.DataFrame:
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


def _cycle(args: argparse.Namespace) -> int:
    if args.command == "run" and not args.once:
        raise RolloverError("`run` runs one cycle: add --once (`rollover-bot serve` keeps running)")
    report = cycle(chosen_config(args), execute=args.command == "run", wait=args.wait)
    print(render_cycle(report))
    return 0


def _approve(args: argparse.Namespace) -> int:
    print(approve(chosen_config(args), args.step, args.who, args.reject))
    print("The next `rollover-bot run --once` acts on it.")
    return 0


def _undo(args: argparse.Namespace) -> int:
    from bot.undo import undo

    config = chosen_config(args)
    why = refusal(Policy.of(list(config.admins), config.two_person_rule), args.who, owner="")
    if why:
        raise ApprovalRefused(f"undo {step_key(args.step)}: {why}")
    with acting(config, args.wait, writes=False):
        services = build_services(config)
        try:
            print(undo(services, args.step, args.who))
        finally:
            services.close()
    print("The next `rollover-bot run --once` writes the restored records to the workbook.")
    return 0


def _status(args: argparse.Namespace) -> int:
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

    status_cmd = commands.add_parser(
        "status",
        help="each district: lease holder, next runs, outbox, steps by status, last cycles",
    )
    config_option(status_cmd)
    status_cmd.set_defaults(handler=_status)
