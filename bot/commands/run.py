"""`check`, `run --once`, `approve` and `status`."""

from __future__ import annotations

from collections import Counter

from bot.approve import decide
from bot.config import Config
from bot.cycle import Cycle, CycleReport
from bot.report import table
from bot.services import build_services


def cycle(config: Config, execute: bool) -> CycleReport:
    services = build_services(config)
    try:
        return Cycle(services, execute=execute).run()
    finally:
        services.close()


def render_cycle(report: CycleReport) -> str:
    rows = [
        [sid, view.status, view.result or view.plan] for sid, view in sorted(report.views.items())
    ]
    lines = [table(("Step", "Status", "Result / plan"), rows, (7, 22, 90))]
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
    services = build_services(config)
    try:
        snapshot = services.workbook.read()
        frame = snapshot.frames["Checklist"]
        counts = Counter(s.split(" (")[0].split(" on ")[0] or "(new)" for s in frame["Status"])
        lines = [f"{config.district}: workbook {config.workbook_path}"]
        lines.append("Steps: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
        waiting = frame[frame["Status"].str.startswith("Awaiting approval")]
        for _, row in waiting.iterrows():
            lines.append(f"  awaiting approval: {row['Step ID']} {row['Action']}: {row['Plan']}")
        cycles = services.state.cycles(5)
        lines.append("Last cycles:" if cycles else "No cycle has run yet.")
        lines += [f"  {started}  {summary}" for started, _, summary in cycles]
        return "\n".join(lines)
    finally:
        services.close()
