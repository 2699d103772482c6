"""Renaissance (Star, Accelerated Reader) student data transfer between sites (seed 003).

Rules kept here: a transfer code is generated on the source site for one student or one year;
it works once, within 30 days, and never on the site that made it; the preview counts new and
matched students and proposes a match for each; staff decisions may change a match; the
import writes a log (CSV in the reports folder) with SourceImportStatus and ScoreImportStatus
per student and the source and destination ID, user name and email; ID conflicts make it
"imported with changes"; a failed import carries a reference code. The day of an operation
is its ``on`` parameter when given, else the vendor's own today (the store's clock).
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta

import pandas as pd

from bot.core.wording import count
from bot.errors import RuleViolation
from bot.lms.mock.shared import Handler, KeptChanges, fields_of, reports_dir, write_csv
from bot.lms.mock.store import MockStore
from bot.structures import Operation

SYSTEM = "Renaissance"
HOME = "District site"
VALID_DAYS = 30
LOG_COLUMNS = [
    "FirstName",
    "LastName",
    "Year",
    "SourceImportStatus",
    "ScoreImportStatus",
    "SourceStudentID",
    "DestinationStudentID",
    "SourceUserName",
    "DestinationUserName",
    "SourceEmail",
    "DestinationEmail",
]


def home(store: MockStore) -> str:
    return store.setting(SYSTEM, "site", HOME)


def record_id(store: MockStore, site: str, student_id: str) -> str:
    """Students of the home site keep their IDs; other sites' are ``site/ID``."""
    return student_id if site == home(store) else f"{site}/{student_id}"


def students_of(store: MockStore, site: str) -> list[dict[str, str]]:
    frame = store.frame(SYSTEM, "students")
    if "site" not in frame:
        return []
    rows = frame[(frame["site"] == site) & (frame["status"] == "active")]
    return [fields_of(r) | {"record": str(r["id"])} for r in rows.to_dict("records")]


def add_site(store: MockStore, site: str, students: list[dict[str, str]]) -> None:
    """Another Renaissance site with its students (``student_id``, names, year, scores)."""
    for student in students:
        data = dict(student) | {"site": site}
        store.put(SYSTEM, "students", record_id(store, site, student["student_id"]), "active", data)


def code_for(key: str) -> str:
    """The code a generation seeded with ``key`` makes (deterministic, for the demo): each
    call of the API makes a new code, as the vendor's does."""
    return "RT-" + hashlib.sha256(key.encode()).hexdigest()[:8].upper()


def generate_code(
    store: MockStore, key: str, site: str, on: date, student: str = "", year: str = ""
) -> str:
    """A transfer code on the source site for one student or one year."""
    if bool(student) == bool(year):
        raise RuleViolation("a transfer code is for one student or one year")
    if student and store.get(SYSTEM, "students", record_id(store, site, student)) is None:
        raise RuleViolation(f"no student {student} on {site}")
    code = code_for(key)
    data = {"site": site, "student": student, "year": year, "created": on.isoformat()}
    store.put(SYSTEM, "codes", code, "unused", data)
    return code


def day_of(store: MockStore, op: Operation) -> date:
    """The operation's day: its ``on`` parameter when given, else the vendor's today."""
    given = op.params.get("on", "")
    return date.fromisoformat(given) if given else store.today()


def generate(store: MockStore, op: Operation) -> tuple[str, str]:
    site = op.params.get("site") or home(store)
    student, year = op.params.get("student", ""), op.params.get("year", "")
    on = day_of(store, op)
    made = store.count(SYSTEM, "codes")
    code = generate_code(store, f"{site}:{student}:{year}:{on}:{made}", site, on, student, year)
    until = on + timedelta(days=VALID_DAYS)
    what = f"student {student}" if student else f"year {year}"
    return "unused", f"transfer code {code} for {what} on {site}, valid until {until}"


def usable(store: MockStore, code: str, site: str, on: date) -> dict[str, str]:
    """The code's data if it may be used on ``site`` on ``on``; else the vendor's refusal."""
    found = store.get(SYSTEM, "codes", code)
    if found is None:
        raise RuleViolation(f"transfer code {code} does not exist")
    status, data = found
    if status == "used":
        raise RuleViolation(f"transfer code {code} was already used: request the data again")
    if data["site"] == site:
        raise RuleViolation(
            f"transfer code {code} was made on {site}: a code cannot be used on the site that "
            "generated it (the data is already there)"
        )
    age = (on - date.fromisoformat(data["created"])).days
    if age > VALID_DAYS:
        raise RuleViolation(
            f"transfer code {code} is {count(age, 'day')} old: codes must be used within "
            f"{VALID_DAYS} days; ask the other site's administrator for a new code"
        )
    return data


def _incoming(store: MockStore, code: dict[str, str]) -> list[dict[str, str]]:
    students = students_of(store, code["site"])
    if code["student"]:
        return [s for s in students if s.get("student_id") == code["student"]]
    return [s for s in students if s.get("year") == code["year"]]


def _propose(store: MockStore, site: str, student: dict[str, str]) -> tuple[str, str]:
    """The destination student this one matches, and how sure: same name and birth date,
    else same name."""
    name = (student.get("first_name", "").casefold(), student.get("last_name", "").casefold())
    weaker = ""
    for mine in students_of(store, site):
        if (mine.get("first_name", "").casefold(), mine.get("last_name", "").casefold()) != name:
            continue
        if mine.get("birth_date") and mine.get("birth_date") == student.get("birth_date"):
            return mine["record"], "high"
        weaker = weaker or mine["record"]
    return (weaker, "medium") if weaker else ("", "")


def preview(store: MockStore, op: Operation) -> tuple[str, str]:
    site = op.params.get("site") or home(store)
    code = usable(store, op.record_id, site, day_of(store, op))
    matches = []
    for student in _incoming(store, code):
        proposed, confidence = _propose(store, site, student)
        matches.append(student | {"proposed": proposed, "confidence": confidence})
    matched = sum(1 for m in matches if m["proposed"])
    data = {
        "site": site,
        "source_site": code["site"],
        "enrol_in": op.params.get("enrol_in", ""),
        "matches": json.dumps(matches),
    }
    store.put(SYSTEM, "transfers", op.record_id, "previewed", data)
    return "previewed", (
        f"import preview from {code['site']}: {len(matches) - matched} new, {matched} matched"
    )


def _source_status(changed: bool) -> str:
    return "Imported with changes" if changed else "Imported with no changes"


def _reference(key: str) -> str:
    return "REF-" + hashlib.sha256(("failed:" + key).encode()).hexdigest()[:10].upper()


def _free(store: MockStore, site: str, field: str, value: str) -> bool:
    return all(s.get(field) != value for s in students_of(store, site))


def _import_one(
    store: MockStore, site: str, student: dict[str, str], target: str
) -> dict[str, str]:
    """Import one student (new, or merged into ``target``); its import log row."""
    source_id = student.get("student_id", "")
    row = {
        "FirstName": student.get("first_name", ""),
        "LastName": student.get("last_name", ""),
        "Year": student.get("year", ""),
        "SourceStudentID": source_id,
        "SourceUserName": student.get("user_name", ""),
        "SourceEmail": student.get("email", ""),
    }
    scores = int(student.get("scores") or 0)
    row["ScoreImportStatus"] = "All scores imported" if scores else "No scores to import"
    if target:
        found = store.get(SYSTEM, "students", target)
        assert found is not None
        mine = found[1]
        total = int(mine.get("scores") or 0) + scores
        store.put(SYSTEM, "students", target, "active", mine | {"scores": str(total)})
        changed = mine.get("student_id") != source_id
        return row | {
            "SourceImportStatus": "Imported with changes"
            if changed
            else "Imported with no changes",
            "DestinationStudentID": mine.get("student_id", ""),
            "DestinationUserName": mine.get("user_name", ""),
            "DestinationEmail": mine.get("email", ""),
        }
    new_id, user = source_id, student.get("user_name", "")
    while not _free(store, site, "student_id", new_id) or store.ever_existed(
        SYSTEM, "students", record_id(store, site, new_id)
    ):
        new_id += "T"
    while user and not _free(store, site, "user_name", user):
        user += "1"
    data = {k: v for k, v in student.items() if k != "record"}
    data |= {"site": site, "student_id": new_id, "user_name": user}
    store.put(SYSTEM, "students", record_id(store, site, new_id), "active", data)
    changed = new_id != source_id or user != student.get("user_name", "")
    return row | {
        "SourceImportStatus": _source_status(changed),
        "DestinationStudentID": new_id,
        "DestinationUserName": user,
        "DestinationEmail": student.get("email", ""),
    }


def import_transfer(store: MockStore, op: Operation) -> tuple[str, str]:
    """Import a previewed transfer with the staff's decisions (blank: the proposed match;
    ``new``: a new student; a student ID: match to that student)."""
    found = store.get(SYSTEM, "transfers", op.record_id)
    if found is None or found[0] != "previewed":
        raise RuleViolation(f"transfer {op.record_id} has no import preview to import")
    transfer = found[1]
    site = transfer["site"]
    code = usable(store, op.record_id, site, day_of(store, op))
    decisions: dict[str, str] = json.loads(op.params.get("decisions", "{}"))
    matches = json.loads(transfer["matches"])
    plan = []
    for student in matches:
        decision = decisions.get(student.get("student_id", ""), "").strip()
        if not decision or decision.casefold() == "accept":
            target = student["proposed"]
        elif decision.casefold() in ("new", "new student"):
            target = ""
        else:
            target = record_id(store, site, decision)
            if store.get(SYSTEM, "students", target) is None:
                raise RuleViolation(f"decision {decision!r}: no student {decision} on {site}")
        plan.append((student, target))
    broken = [s.get("student_id", "?") for s, _ in plan if not s.get("last_name")]
    if broken:
        reference = _reference(f"{op.record_id}:{store.count(SYSTEM, 'transfers')}")
        store.put(SYSTEM, "transfers", op.record_id, "failed", transfer | {"reference": reference})
        raise KeptChanges(
            f"Import Failed: reference code {reference}; contact Renaissance Support with it "
            f"(source records incomplete: {', '.join(broken)})"
        )
    rows = [_import_one(store, site, student, target) for student, target in plan]
    path = reports_dir(store) / f"renaissance-import-{op.record_id}.csv"
    write_csv(path, rows, LOG_COLUMNS)
    changed = any(r["SourceImportStatus"] == "Imported with changes" for r in rows)
    status = "imported with changes" if changed else "imported with no changes"
    store.put(SYSTEM, "codes", op.record_id, "used", code)
    store.put(SYSTEM, "transfers", op.record_id, status, transfer | {"log": json.dumps(rows)})
    new = sum(1 for _, target in plan if not target)
    return status, (
        f"{status}: {count(len(rows), 'student')}, {new:,} new, {len(rows) - new:,} matched; "
        f"import log {path.name}"
    )


def cancel(store: MockStore, op: Operation) -> tuple[str, str]:
    """Cancel a previewed import; the code may be entered again later."""
    found = store.get(SYSTEM, "transfers", op.record_id)
    if found is None or found[0] != "previewed":
        raise RuleViolation(f"transfer {op.record_id} is not a pending import")
    store.put(SYSTEM, "transfers", op.record_id, "cancelled", found[1])
    return "cancelled", f"import of {op.record_id} cancelled; the code can be entered again"


def seed(store: MockStore, frames: dict[str, pd.DataFrame]) -> None:
    """Roster students belong to the home site, with a user name and a year."""
    if not store.setting(SYSTEM, "site"):
        store.set_setting(SYSTEM, "site", HOME)
    site = home(store)
    for row in store.frame(SYSTEM, "students").to_dict("records"):
        data = fields_of(row)
        if data.get("site"):
            continue
        first, last = data.get("first_name", ""), data.get("last_name", "")
        data |= {
            "site": site,
            "student_id": str(row["id"]),
            "user_name": f"{first}.{last}{row['id']}".casefold(),
            "year": data.get("grade", ""),
        }
        store.put(SYSTEM, "students", str(row["id"]), str(row["status"]), data)


HANDLERS: dict[str, Handler] = {
    "generate transfer code": generate,
    "preview transfer": preview,
    "import transfer": import_transfer,
    "cancel transfer": cancel,
}
