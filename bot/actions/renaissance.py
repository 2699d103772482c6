"""Renaissance actions (seed 003: transferring student data between sites)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from functools import partial

import pandas as pd

from bot.abc import LMS
from bot.actions.base import Action, CustomSetting, PlanContext, WorkItem
from bot.actions.shared import ids_text
from bot.core.catalogue import ActionSpec
from bot.core.params import ParamSpec
from bot.core.problems import Problem
from bot.core.wording import count
from bot.templates import normalize_header

SYSTEM = "Renaissance"
VALID_DAYS = 30
CODE = ParamSpec("code", required=True, help="the transfer code the other site sent")


def one_of_student_or_year(params: dict[str, object], today: date) -> list[Problem]:
    if bool(params.get("student")) == bool(params.get("year")):
        return [Problem("Parameters", "give student=ID or year=N (one of them)")]
    return []


def _row(frame: pd.DataFrame, record: str) -> dict[str, str] | None:
    if frame.empty or record not in set(frame["id"]):
        return None
    found: dict[str, str] = frame[frame["id"] == record].fillna("").iloc[0].to_dict()
    return found


def code_usable(ctx: PlanContext) -> list[Problem]:
    """A code works once, for 30 days, never on the site that made it."""
    code = str(ctx.params.get("code", "")).strip()
    site = str(ctx.params.get("site") or ctx.settings.get("site", ""))
    row = _row(ctx.lms_records, code)
    if row is None:
        return []
    if row["status"] == "used":
        return [Problem("Parameters", f"code {code} was already used: request the data again")]
    if row.get("site") == site:
        return [
            Problem(
                "Parameters",
                f"code {code} was made on {site}: a code cannot be used "
                "on the site that generated it",
            )
        ]
    created = date.fromisoformat(row["created"])
    if ctx.today > created + timedelta(days=VALID_DAYS):
        return [
            Problem(
                "Parameters",
                f"code {code} was generated {created}, more than "
                f"{VALID_DAYS} days ago: ask the other site for a new code",
            )
        ]
    return []


def generate_work(ctx: PlanContext) -> tuple[list[WorkItem], str]:
    site = str(ctx.params.get("site") or ctx.settings.get("site", "this site"))
    student, year = ctx.params.get("student"), ctx.params.get("year")
    what = f"student {student}" if student else f"year {year}"
    params = {"site": site, "on": ctx.today.isoformat()}
    params |= {"student": str(student)} if student else {"year": str(year)}
    until = ctx.today + timedelta(days=VALID_DAYS)
    summary = (
        f"Will generate a transfer code on {site} for {what}: usable once, on another site, "
        f"until {until}"
    )
    return [WorkItem(f"{site}: {what}", params)], summary


def preview_work(ctx: PlanContext) -> tuple[list[WorkItem], str]:
    code = str(ctx.params["code"]).strip()
    params = {"on": ctx.today.isoformat(), "enrol_in": str(ctx.params.get("enrol_in") or "")}
    if ctx.params.get("site"):
        params["site"] = str(ctx.params["site"])
    summary = (
        f"Will enter transfer code {code} and preview the import (new and matched students "
        "go to the Matches tab for review)"
    )
    return [WorkItem(code, params)], summary


def _matches(lms_row: dict[str, str] | None) -> list[dict[str, str]]:
    return json.loads(lms_row["matches"]) if lms_row and lms_row.get("matches") else []


def _incoming(match: dict[str, str]) -> str:
    name = f"{match.get('first_name', '')} {match.get('last_name', '')}".strip()
    return f"{name} ({match.get('student_id', '')}, year {match.get('year', '')})"


def match_rows(lms: LMS, ctx: PlanContext) -> dict[str, list[dict[str, str]]]:
    """The preview's students as Matches rows (Transfer is ``CODE:source ID``)."""
    code = str(ctx.params["code"]).strip()
    row = _row(lms.records(SYSTEM, "transfers"), code)
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


def decisions(ctx: PlanContext, code: str) -> dict[str, str]:
    """Staff decisions from the Matches tab for this transfer (blank keeps the proposal)."""
    tab = ctx.tab("Matches")
    if tab.empty or "Transfer" not in tab:
        return {}
    mine = tab[tab["Transfer"].str.startswith(code + ":")]
    source = mine["Transfer"].str.split(":", n=1).str[1]
    chosen = mine["Decision"].fillna("").str.strip()
    return {s: d for s, d in zip(source, chosen, strict=True) if d}


def previewed(ctx: PlanContext) -> list[Problem]:
    """Import only a transfer whose preview is ready (and reviewed in Matches)."""
    code = str(ctx.params.get("code", "")).strip()
    row = _row(ctx.lms_records, code)
    if row is None or row["status"] != "previewed":
        state = row["status"] if row else "not previewed"
        return [
            Problem(
                "Parameters",
                f"transfer {code} is {state}: preview it first "
                "(action 'preview transfer') and review the Matches tab",
            )
        ]
    return []


def import_work(ctx: PlanContext) -> tuple[list[WorkItem], str]:
    code = str(ctx.params["code"]).strip()
    matches = _matches(_row(ctx.lms_records, code))
    chosen = decisions(ctx, code)
    new = sum(
        1
        for m in matches
        if normalize_header(chosen.get(m.get("student_id", ""), "")) == "new"
        or (not m["proposed"] and not chosen.get(m.get("student_id", "")))
    )
    changed = [f"{s}: {d}" for s, d in chosen.items()]
    summary = (
        f"Will import {count(len(matches), 'student')} from transfer {code}: {new:,} new, "
        f"{len(matches) - new:,} matched"
    )
    if changed:
        summary += f"; staff changed {count(len(changed), 'match')}: {ids_text(changed)}"
    params = {"on": ctx.today.isoformat(), "decisions": json.dumps(chosen)}
    return [WorkItem(code, params)], summary


def log_rows(lms: LMS, ctx: PlanContext) -> dict[str, list[dict[str, str]]]:
    """The import log, one Log row per student (the CSV is in the reports folder)."""
    code = str(ctx.params["code"]).strip()
    row = _row(lms.records(SYSTEM, "transfers"), code)
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


def cancel_work(ctx: PlanContext) -> tuple[list[WorkItem], str]:
    code = str(ctx.params["code"]).strip()
    return [WorkItem(code, {})], f"Will cancel the pending import of {code} (the code stays usable)"


_spec = partial(ActionSpec, SYSTEM)
SITE = ParamSpec("site", help="the site (default: this district's site)")

ACTIONS: list[Action] = [
    CustomSetting(
        _spec(
            "generate transfer code",
            "generate",
            "transfer code",
            None,
            False,
            "On the source site: a single-use code for one student or one year, valid 30 days.",
            params=(
                ParamSpec("student", help="a student ID"),
                ParamSpec("year", help="a year (grade) to transfer"),
                SITE,
            ),
            param_check=one_of_student_or_year,
        ),
        kind="codes",
        build=generate_work,
    ),
    CustomSetting(
        _spec(
            "preview transfer",
            "preview",
            "transfer",
            None,
            False,
            "Enter a transfer code: count new and matched students into the Matches tab.",
            params=(CODE, ParamSpec("enrol_in", help="school to enrol the students in"), SITE),
        ),
        kind="transfers",
        reads="codes",
        build=preview_work,
        checks=(code_usable,),
        outputs=match_rows,
    ),
    CustomSetting(
        _spec(
            "import transfer",
            "import",
            "transfer",
            None,
            True,
            "After review of the Matches tab and approval: import; log in Log and reports/.",
            params=(CODE,),
            after=("preview transfer",),
            after_reason="preview and review the matches first",
        ),
        kind="transfers",
        reads="transfers",
        build=import_work,
        checks=(previewed,),
        outputs=log_rows,
    ),
    CustomSetting(
        _spec(
            "cancel transfer",
            "cancel",
            "transfer",
            None,
            False,
            "Cancel a pending import; the code can be entered again later.",
            params=(CODE,),
        ),
        kind="transfers",
        build=cancel_work,
    ),
]
