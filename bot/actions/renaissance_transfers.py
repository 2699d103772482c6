"""Renaissance transfers entered on this site (seed 003): the preview (new and matched
students, into the Matches tab), the import with the staff's Decisions, its log, a cancel.

An import merges students, so it is not idempotent by state: the vendor's completed imports
say whether it happened (then it is at target and never sent again). Its target is what
happens to every incoming student (the proposal, or the Decision), so a changed Decision is a
new plan and voids an approval given for the old one."""

from __future__ import annotations

import json

import pandas as pd

from bot.abc import LMS
from bot.actions.base import PlanContext, WorkItem
from bot.actions.renaissance_codes import SYSTEM, row_of, site_of, text_column
from bot.actions.shared import ids_text
from bot.core.problems import Problem
from bot.core.wording import count

IMPORTED = ("imported with changes", "imported with no changes")
"""A transfer's statuses once it is imported (the vendor's Completed Imports)."""
NEW = "new"
ACCEPT = "accept"


def _transfer(ctx: PlanContext, code: str) -> dict[str, str] | None:
    """The transfer of ``code`` on this site as the vendor lists its imports: the action's
    own records (import, cancel), or those it also reads (preview, which reads the codes)."""
    return row_of(ctx.more_records.get("transfers", ctx.lms_records), code)


def preview_work(ctx: PlanContext) -> tuple[list[WorkItem], str]:
    code = str(ctx.params["code"]).strip()
    params = {"enrol_in": str(ctx.params.get("enrol_in") or "")}
    site = site_of(ctx)
    if site:
        params["site"] = site
    item = WorkItem(code, params)
    if previewed_already(ctx, item):
        found = _transfer(ctx, code) or {}
        matches = _matches(found)
        matched = sum(1 for m in matches if m.get("proposed"))
        summary = (
            f"Transfer code {code} is previewed already ({len(matches) - matched:,} new, "
            f"{matched:,} matched): review the Matches tab; nothing is sent again"
        )
    else:
        summary = (
            f"Will enter transfer code {code} and preview the import (new and matched "
            "students go to the Matches tab for review)"
        )
    return [item], summary


def previewed_already(ctx: PlanContext, item: WorkItem) -> bool:
    """The site holds this code's import preview, for the same school, waiting for review."""
    found = _transfer(ctx, item.record_id)
    if found is None or found["status"] != "previewed":
        return False
    site = item.params.get("site", "")
    return found.get("enrol_in", "") == item.params["enrol_in"] and (
        not site or found.get("site", "") == site
    )


def _matches(lms_row: dict[str, str] | None) -> list[dict[str, str]]:
    return json.loads(lms_row["matches"]) if lms_row and lms_row.get("matches") else []


def _incoming(match: dict[str, str]) -> str:
    name = f"{match.get('first_name', '')} {match.get('last_name', '')}".strip()
    return f"{name} ({match.get('student_id', '')}, year {match.get('year', '')})"


def match_rows(lms: LMS, ctx: PlanContext) -> dict[str, list[dict[str, str]]]:
    """The preview's students as Matches rows (Transfer is ``CODE:source ID``)."""
    code = str(ctx.params["code"]).strip()
    row = row_of(lms.records(SYSTEM, "transfers"), code)
    rows = [
        {
            "Transfer": f"{code}:{m.get('student_id', '')}",
            "Incoming student": _incoming(m),
            "Proposed match": m["proposed"] or "new student",
            "Confidence": m["confidence"] or "no match",
            "Decision": "",
        }
        for m in _matches(row)
    ]
    return {"Matches": rows}


def _decision(raw: str) -> str:
    """A Decision as the import reads it: "" keeps the proposed match (blank or ``accept``),
    ``new`` makes a new student (``new`` or ``new student``), else a student ID."""
    text = raw.strip()
    folded = " ".join(text.casefold().split())
    if folded in ("", ACCEPT):
        return ""
    if folded in (NEW, "new student"):
        return NEW
    return text


def _reviewed(ctx: PlanContext, code: str) -> pd.DataFrame:
    """The Matches rows of this transfer: ``source`` (incoming student ID), ``decision`` (as
    the import reads it), ``_row``."""
    tab = ctx.tab("Matches")
    if tab.empty or "Transfer" not in tab:
        return pd.DataFrame({"source": [], "decision": [], "_row": []}, dtype=object)
    mine = tab[tab["Transfer"].astype(str).str.startswith(code + ":")]
    return pd.DataFrame(
        {
            "source": mine["Transfer"].astype(str).str.split(":", n=1).str[1],
            "decision": text_column(mine, "Decision").map(_decision),
            "_row": text_column(mine, "_row"),
        }
    )


def decisions(ctx: PlanContext, code: str) -> dict[str, str]:
    """Staff decisions from the Matches tab for this transfer (blank keeps the proposal)."""
    reviewed = _reviewed(ctx, code)
    return {s: d for s, d in zip(reviewed["source"], reviewed["decision"], strict=True) if d}


def _proposal(match: dict[str, str]) -> str:
    return match.get("proposed") or NEW


def merges(ctx: PlanContext, code: str) -> tuple[dict[str, str], dict[str, str]]:
    """What the import does with each incoming student (``new`` or the student it merges
    into), and the staff decisions that differ from the vendor's proposal (what is sent)."""
    chosen = decisions(ctx, code)
    resolved, changed = {}, {}
    for match in _matches(_transfer(ctx, code)):
        source = match.get("student_id", "")
        decision = chosen.get(source, "")
        resolved[source] = decision or _proposal(match)
        if decision and decision != _proposal(match):
            changed[source] = decision
    return resolved, changed


def previewed(ctx: PlanContext) -> list[Problem]:
    """Import only a transfer whose preview is ready (and reviewed in Matches); one imported
    already is at target (nothing is sent again)."""
    code = str(ctx.params.get("code", "")).strip()
    row = _transfer(ctx, code)
    if row is not None and row["status"] in ("previewed", *IMPORTED):
        return []
    if row is not None and row["status"] == "failed":
        return [
            Problem(
                "Parameters",
                f"the import of transfer {code} failed (reference code "
                f"{row.get('reference') or 'none'}): give Renaissance Support the reference "
                "code, then preview it again (action 'preview transfer')",
            )
        ]
    state = row["status"] if row else "not previewed"
    return [
        Problem(
            "Parameters",
            f"transfer {code} is {state}: preview it first "
            "(action 'preview transfer') and review the Matches tab",
        )
    ]


def decisions_known(ctx: PlanContext) -> list[Problem]:
    """A Decision naming a student names one of the site's students (else the import would
    fail on it): the rows are named, so staff can fix them before anyone approves."""
    code = str(ctx.params.get("code", "")).strip()
    row = _transfer(ctx, code)
    students = ctx.records("students")
    if row is None or row["status"] in IMPORTED or students.empty:
        return []
    site = row.get("site", "")
    known = set(text_column(students, "student_id")[text_column(students, "site") == site])
    reviewed = _reviewed(ctx, code)
    named = reviewed[(reviewed["decision"] != "") & (reviewed["decision"] != NEW)]
    unknown = named[~named["decision"].isin(known)]
    if unknown.empty:
        return []
    shown = [
        f"{d!r} for {s}" + (f" (row {r})" if str(r) else "")
        for s, d, r in zip(unknown["source"], unknown["decision"], unknown["_row"], strict=True)
    ]
    return [
        Problem(
            "Matches",
            f"{count(len(shown), 'Decision')} of transfer {code} "
            f"{'names' if len(shown) == 1 else 'name'} no student of {site}: "
            f"{ids_text(shown)}; give a student ID of {site}, new, or leave it blank to keep "
            "the proposed match",
        )
    ]


def import_work(ctx: PlanContext) -> tuple[list[WorkItem], str]:
    """One import: its target is what happens to every incoming student (the proposals and
    the staff's Decisions), so a changed Decision is a new plan and voids an approval."""
    code = str(ctx.params["code"]).strip()
    resolved, changed = merges(ctx, code)
    params = {
        "decisions": json.dumps(changed, sort_keys=True),
        "merges": json.dumps(resolved, sort_keys=True),
    }
    item = WorkItem(code, params)
    row = _transfer(ctx, code) or {}
    if imported_already(ctx, item):
        students = len(json.loads(row.get("log") or "[]"))
        return [item], (
            f"Transfer {code} is imported already ({row['status']}, "
            f"{count(students, 'student')}): nothing is sent again; its log is in the Log tab "
            "and the reports folder"
        )
    new = sum(1 for d in resolved.values() if d == NEW)
    summary = (
        f"Will import {count(len(resolved), 'student')} from transfer {code}: {new:,} new, "
        f"{len(resolved) - new:,} matched"
    )
    if changed:
        shown = [f"{s}: {'new student' if d == NEW else d}" for s, d in changed.items()]
        summary += f"; staff changed {count(len(shown), 'match')}: {ids_text(shown)}"
    return [item], summary


def imported_already(ctx: PlanContext, item: WorkItem) -> bool:
    """The vendor lists the transfer among its completed imports."""
    found = _transfer(ctx, item.record_id)
    return found is not None and found["status"] in IMPORTED


def log_rows(lms: LMS, ctx: PlanContext) -> dict[str, list[dict[str, str]]]:
    """The import log, one Log row per student (the CSV is in the reports folder)."""
    code = str(ctx.params["code"]).strip()
    row = row_of(lms.records(SYSTEM, "transfers"), code)
    if row is None or not row.get("log"):
        return {}
    rows = [
        {
            "Time": ctx.today.isoformat(),
            "Step": ctx.checked.step.step_id,
            "Action": "import transfer",
            "Record": r["SourceStudentID"],
            "Outcome": r["SourceImportStatus"],
            "Message": _log_message(r),
            "By": "rollover-bot",
        }
        for r in json.loads(row["log"])
    ]
    return {"Log": rows}


def _shown(value: object) -> str:
    """A log value as people read it: a blank one says so (no double spaces)."""
    return " ".join(str(value or "").split()) or "(blank)"


def _log_message(r: dict[str, str]) -> str:
    """One student's line of the import log."""
    name = " ".join(str(r.get(k) or "").strip() for k in ("FirstName", "LastName")).strip()
    parts = [
        f"{name or '(no name)'} (year {_shown(r.get('Year'))})",
        f"ScoreImportStatus: {_shown(r.get('ScoreImportStatus'))}",
    ]
    for label, field in (("ID", "StudentID"), ("user", "UserName"), ("email", "Email")):
        parts.append(
            f"{label} {_shown(r.get('Source' + field))} -> {_shown(r.get('Destination' + field))}"
        )
    return "; ".join(parts)


def cancellable(ctx: PlanContext) -> list[Problem]:
    """Only an import waiting for review (previewed) is cancelled; a cancelled one is at
    target."""
    code = str(ctx.params.get("code", "")).strip()
    row = _transfer(ctx, code)
    if row is None:
        return [Problem("Parameters", f"no import of transfer {code} on this site to cancel")]
    if row["status"] in ("previewed", "cancelled"):
        return []
    return [
        Problem(
            "Parameters",
            f"transfer {code} is {row['status']}: only a pending import (previewed, not yet "
            "imported) can be cancelled",
        )
    ]


def cancel_work(ctx: PlanContext) -> tuple[list[WorkItem], str]:
    code = str(ctx.params["code"]).strip()
    item = WorkItem(code, {})
    if cancelled_already(ctx, item):
        return [item], (
            f"The import of {code} is cancelled already (the code can be entered again): "
            "nothing is sent"
        )
    return [item], f"Will cancel the pending import of {code} (the code stays usable)"


def cancelled_already(ctx: PlanContext, item: WorkItem) -> bool:
    found = _transfer(ctx, item.record_id)
    return found is not None and found["status"] == "cancelled"
