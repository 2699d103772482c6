"""SchoolStatus Connect actions (seed 001: end of year guide), planned against the LMS: staff,
classrooms and students move by their ``Rule``; the sync, the merge and the settings are
computed from what SchoolStatus holds now and read back, so that a repeat sends nothing."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from functools import partial

import pandas as pd

from bot.actions.base import (
    Action,
    CustomAction,
    CustomSetting,
    PlanContext,
    SettingAction,
    WorkItem,
)
from bot.actions.edgenuity import OVER_THRESHOLD
from bot.actions.shared import ids_text
from bot.core.catalogue import ActionSpec
from bot.core.params import ParamSpec
from bot.core.problems import Problem
from bot.core.targets import Rule
from bot.core.values import format_count
from bot.core.wording import agree, count, listed
from bot.structures import ROW
from bot.templates import load_template

SYSTEM = "SchoolStatus"
DEFAULT_THRESHOLD = 10.0
FEED_FIELDS = ("first_name", "last_name", "birth_date", "email", "grade", "school")
SYNCED = ("active", "archived")
"""The students a sync knows: active ones it updates or archives, archived ones it leaves."""


def _student(record: dict[str, str]) -> str:
    return f"{record.get('First name', '')} {record.get('Last name', '')}".strip()


def _staff(record: dict[str, str]) -> str:
    return f"{record.get('Name', '')} ({record.get('Status', '')})"


def _classroom(record: dict[str, str]) -> str:
    return f"{record.get('Title', '')} ({record.get('Term', '')})"


def reports_first(ctx: PlanContext) -> list[Problem]:
    """Reports are downloaded (snapshotted) before anything is archived or deleted."""
    if ctx.settings.get("reports"):
        return []
    return [
        Problem(
            "Action",
            f"download the Connect reports first: nothing is archived, removed or deleted in "
            f"{SYSTEM} before they are saved (add a 'download reports' step)",
        )
    ]


def staff_who_left(ctx: PlanContext) -> list[Problem]:
    """Remove only staff who left: rows whose Status is still active are refused."""
    active = ctx.pending[ctx.pending["Status"].str.strip().str.casefold() == "active"]
    if active.empty:
        return []
    return [
        Problem(
            "Scope",
            f"{count(len(active), 'staff member')} in scope "
            f"{agree(len(active), 'is', 'are')} still active "
            f"({ids_text(active['Educator ID'])}); remove only staff who left",
        )
    ]


def one_row_per_student(ctx: PlanContext) -> list[Problem]:
    """A student on two rows of the scope: which row would the sync send? Not acted on until
    the Students tab says (naming the rows)."""
    if ctx.selected.empty:
        return []
    ids = ctx.selected["Student ID"].map(str).str.strip()
    twice = ctx.selected[ids.duplicated(keep=False) & (ids != "")]
    if twice.empty:
        return []
    if ROW in twice:
        rows = twice.groupby(ids[twice.index], sort=True)[ROW].apply(list)
        named = [f"{i} (rows {', '.join(str(r) for r in at)})" for i, at in rows.items()]
    else:
        named = sorted(set(ids[twice.index]))
    return [
        Problem(
            "Scope",
            f"{count(len(named), 'Student ID')} on more than one row of Students: "
            f"{listed(named)}; keep one row per student",
        )
    ]


def sync_on(ctx: PlanContext) -> list[Problem]:
    """SchoolStatus refuses a sync while it is paused."""
    if ctx.settings.get("sync", "on") != "paused":
        return []
    return [
        Problem(
            "Action",
            f"the sync is paused in {SYSTEM}: resume it (a 'resume sync' step) before syncing "
            "the roster",
        )
    ]


def _threshold(ctx: PlanContext) -> float:
    return float(ctx.settings.get("deletion_threshold") or DEFAULT_THRESHOLD)


def percent_in_range(params: dict[str, object], today: date) -> list[Problem]:
    """The deletion threshold is a share of the active students: more than 0, at most 100."""
    percent = params.get("percent")
    if isinstance(percent, int | float) and not 0 < percent <= 100:
        return [
            Problem(
                "Parameters",
                f"percent={percent:g} is not a share of the active students: give a number "
                "more than 0 and at most 100",
            )
        ]
    return []


@dataclass(frozen=True)
class Sync:
    """What a sync of the scope would do to SchoolStatus as it is now."""

    feed: pd.DataFrame
    new: int
    updated: int
    gone: tuple[str, ...]
    """Active students missing from the feed: the sync archives them."""
    left: int
    """Students in the feed that SchoolStatus holds archived, deleted or merged: left so."""
    active: int
    outside: tuple[str, ...]
    """Every student the sync leaves or makes archived (active or archived, not in the feed)."""
    threshold: float

    @property
    def over(self) -> bool:
        """Whether the archiving is over the deletion threshold (the sync fails it)."""
        return bool(self.gone) and len(self.gone) * 100 > self.threshold * self.active

    @property
    def done(self) -> bool:
        """SchoolStatus holds the roster already: nothing to create, update or archive."""
        return not (self.new or self.updated or self.gone)


def sync_of(ctx: PlanContext) -> Sync:
    """The scope's roster as the sync feed, against SchoolStatus's students now."""
    fields = load_template().require("Students").fields
    to_feed = {column: name for column, name in fields.items() if name in FEED_FIELDS}
    feed = ctx.selected.rename(columns=to_feed).assign(
        id=ctx.selected["Student ID"].map(str).str.strip() if not ctx.selected.empty else ""
    )
    feed = feed.reindex(columns=["id", *FEED_FIELDS]).fillna("").astype(str)
    feed = feed[feed["id"] != ""].drop_duplicates("id", keep="last")
    lms = ctx.lms_records
    known = lms.drop_duplicates("id").set_index("id") if not lms.empty else pd.DataFrame()
    status = feed["id"].map(known["status"]) if not known.empty else feed["id"].map(lambda _: None)
    differs = pd.Series(False, index=feed.index)
    for name in FEED_FIELDS:
        current = feed["id"].map(known[name]) if name in known else None
        now = pd.Series(current, index=feed.index).fillna("").astype(str)
        differs |= now != feed[name]
    statuses = known["status"] if not known.empty else pd.Series(dtype=object)
    outside = ~statuses.index.isin(feed["id"])
    active = (statuses == "active").to_numpy()
    return Sync(
        feed=feed,
        new=int(status.isna().sum()),
        updated=int(((status == "active") & differs).sum()),
        gone=tuple(sorted(map(str, statuses.index[outside & active]))),
        left=int((status.notna() & (status != "active")).sum()),
        active=int(active.sum()),
        outside=tuple(sorted(map(str, statuses.index[outside & statuses.isin(SYNCED).to_numpy()]))),
        threshold=_threshold(ctx),
    )


def sync_work(ctx: PlanContext) -> tuple[list[WorkItem], str]:
    """The roster in scope as the sync feed; the plan says, from SchoolStatus's students now,
    what the sync will create, update and archive, and that it will fail its archiving if
    that is over the deletion threshold SchoolStatus has now. The operation's target is the
    feed and the students it leaves archived: an approval binds to both."""
    sync = sync_of(ctx)
    feed = sync.feed
    if sync.done:
        summary = (
            f"Nothing to sync: {SYSTEM} holds the {count(len(feed), 'student')} in scope as "
            "they are and no other student is active"
        )
    else:
        summary = (
            f"Will sync {count(len(feed), 'student')} to {SYSTEM}: {format_count(sync.new)} "
            f"new, {format_count(sync.updated)} to update, {format_count(len(sync.gone))} to "
            f"archive of {format_count(sync.active)} active"
        )
        if sync.gone:
            summary += f" ({ids_text(list(sync.gone), 3)})"
    if sync.left:
        summary += (
            f"; {format_count(sync.left)} in scope {agree(sync.left, 'is', 'are')} archived, "
            f"deleted or merged in {SYSTEM} and the sync leaves {agree(sync.left, 'it', 'them')}"
        )
    if sync.over:
        share = len(sync.gone) * 100 / sync.active
        summary += (
            f"; {share:.1f}% is over the deletion threshold of {sync.threshold:g}%: the sync "
            "will fail its archiving (creates and updates still apply) unless the threshold is "
            "raised"
        )
    item = WorkItem(
        "students",
        {"feed": json.dumps(feed.to_dict("records")), "archived": _digest(sync.outside)},
    )
    return [item], summary


def _digest(ids: tuple[str, ...]) -> str:
    """A count and a hash of sorted IDs: what an approval binds to, short."""
    digest = hashlib.sha256("\x1e".join(ids).encode()).hexdigest()[:12]
    return f"{len(ids)} #{digest}"


def synced(ctx: PlanContext, item: WorkItem) -> bool:
    return sync_of(ctx).done


def merge_work(ctx: PlanContext) -> tuple[list[WorkItem], str]:
    """Duplicate students (same name and birth date, or same email) touching the scope, each
    merged into a survivor: the roster's own ID, else the lowest ID.

    A merge is made once per rollover: this step's merges in the rollover ledger keep their
    survivor (read back: merged into it, at target; still active after a crash before the
    call, merged now), and a student another step merged or is merging is left to it."""
    step = ctx.checked.step.step_id
    mine = {d: e.target.get("survivor", "") for d, e in ctx.ledger.items() if e.step_id == step}
    others = {d: e.step_id for d, e in ctx.ledger.items() if e.step_id != step}
    pairs = duplicate_pairs(ctx.lms_records, set(ctx.tab("Students").get("Student ID", [])))
    scope = set(ctx.selected["Student ID"].str.strip()) if not ctx.selected.empty else set()
    touching = [p for p in pairs if p[0] in scope or p[1] in scope]
    held = [p for p in touching if p[0] in others or p[1] in others]
    fresh = [p for p in touching if p[0] not in mine and p not in held]
    items = [WorkItem(dup, {"survivor": keep}) for dup, keep in sorted(mine.items())]
    items += [WorkItem(dup, {"survivor": keep}) for dup, keep, _ in fresh]
    done = [i for i in items if merged(ctx, i)]
    why = {dup: reason for dup, _, reason in fresh}
    to_merge = [
        f"{i.record_id} into {i.params['survivor']} ({why.get(i.record_id, 'as planned')})"
        for i in items
        if i not in done
    ]
    if to_merge:
        summary = (
            f"Will merge {count(len(to_merge), 'duplicate student')} (the survivor keeps "
            f"every enrollment): {ids_text(to_merge)}"
        )
    elif done or held:
        summary = "Nothing to merge: no other duplicate students found in scope"
    else:
        summary = f"No duplicate students found among {format_count(len(scope))} in scope"
    if done:
        summary += f"; {format_count(len(done))} already merged by this step"
    if held:
        by = sorted({others.get(d) or others[k] for d, k, _ in held})
        summary += (
            f"; {count(len(held), 'duplicate')} left alone: another step merges "
            f"{agree(len(held), 'it', 'them')} this rollover ({', '.join(by)})"
        )
    return items, summary


def merged(ctx: PlanContext, item: WorkItem) -> bool:
    """The duplicate is merged into the item's survivor in SchoolStatus (its enrollments
    went with it: the vendor moves them in the merge)."""
    lms = ctx.lms_records
    if lms.empty or "merged_into" not in lms:
        return False
    row = lms[lms["id"] == item.record_id]
    return (
        not row.empty
        and row["status"].iloc[0] == "merged"
        and row["merged_into"].iloc[0] == item.params.get("survivor")
    )


def duplicate_pairs(lms: pd.DataFrame, roster: set[str]) -> list[tuple[str, str, str]]:
    """(duplicate, survivor, why) for active students sharing name and birth date, or email."""
    if lms.empty:
        return []
    active = lms[lms["status"] == "active"].fillna("")
    text = {
        c: active.get(c, pd.Series("", index=active.index)).str.strip().str.casefold()
        for c in ("first_name", "last_name", "birth_date", "email")
    }
    keys = {
        "same name and birth date": (
            text["first_name"] + "|" + text["last_name"] + "|" + text["birth_date"]
        ).where(text["birth_date"] != ""),
        "same email": text["email"].where(text["email"] != ""),
    }
    survivor_of: dict[str, tuple[str, str]] = {}
    for why, key in keys.items():
        grouped = active.assign(key=key).dropna(subset=["key"]).groupby("key")["id"]
        for ids in grouped.apply(list):
            if len(ids) < 2:
                continue
            keep = sorted(ids, key=lambda i: (i not in roster, i))[0]
            for dup in ids:
                if dup != keep and dup not in survivor_of:
                    survivor_of[dup] = (keep, why)
    return [
        (dup, keep, why)
        for dup, (keep, why) in sorted(survivor_of.items())
        if keep not in survivor_of
    ]


def _percent(ctx: PlanContext) -> str:
    return f"{float(str(ctx.params['percent'])):g}"


def threshold_work(ctx: PlanContext) -> tuple[list[WorkItem], str]:
    """The threshold the step gives, against the one SchoolStatus has now."""
    percent = _percent(ctx)
    now = f"{_threshold(ctx):g}"
    summary = f"Will set the {SYSTEM} deletion threshold to {percent}% (now {now}%)"
    if now == percent:
        summary = f"Nothing to do: the {SYSTEM} deletion threshold is already {now}%"
    return [WorkItem("deletion_threshold", {"percent": percent})], summary


def threshold_set(ctx: PlanContext, item: WorkItem) -> bool:
    return f"{_threshold(ctx):g}" == item.params["percent"]


def reports_work(ctx: PlanContext) -> tuple[list[WorkItem], str]:
    """The Connect reports as SchoolStatus's data is now; when the last ones hold it already
    (no record changed since), nothing is downloaded again."""
    item = WorkItem("reports", {"on": ctx.today.isoformat()})
    if reports_current(ctx, item):
        names = json.loads(ctx.settings["reports"]).values()
        return [item], (
            f"Nothing to download: the Connect reports saved last ({', '.join(names)}) hold "
            f"{SYSTEM} as it is now"
        )
    return [item], (
        f"Will download the Connect reports (students, staff, classrooms) from {SYSTEM} to the "
        "district's reports folder"
    )


def reports_current(ctx: PlanContext, item: WorkItem) -> bool:
    """The last reports were saved after SchoolStatus's latest change to a record."""
    settings = ctx.settings
    version = settings.get("data_version", "")
    return (
        bool(settings.get("reports"))
        and bool(version)
        and (settings.get("reports_as_of") == version)
    )


_spec = partial(ActionSpec, SYSTEM)
AFTER = ("download reports",)
AFTER_WHY = "download the reports before archiving or deleting"

ACTIONS: list[Action] = [
    SettingAction(
        _spec(
            "pause sync",
            "pause",
            "sync",
            None,
            False,
            "Pause the Clever / ClassLink / OneRoster sync during the transition.",
        ),
        kind="settings",
        setting="sync",
        value="paused",
    ),
    SettingAction(
        _spec(
            "resume sync",
            "resume",
            "sync",
            None,
            False,
            "Turn the roster sync back on from the SIS Rostering page.",
        ),
        kind="settings",
        setting="sync",
        value="on",
    ),
    CustomSetting(
        _spec(
            "set deletion threshold",
            "set",
            "deletion threshold",
            None,
            False,
            "Raise (or lower) the share of records a sync may archive before it fails.",
            params=(ParamSpec("percent", "number", required=True, help="e.g. 25"),),
            param_check=percent_in_range,
        ),
        kind="settings",
        build=threshold_work,
        at_target=threshold_set,
    ),
    CustomAction(
        _spec(
            "sync roster",
            "sync",
            "roster",
            "Students",
            True,
            "Roll the roster over: create, update, and archive students no longer in it.",
            params=OVER_THRESHOLD,
        ),
        kind="sync",
        reads="students",
        checks=(sync_on, one_row_per_student),
        build=sync_work,
        at_target=synced,
        resets_baseline="students",
    ),
    CustomSetting(
        _spec(
            "download reports",
            "download",
            "Connect reports",
            None,
            False,
            "Save the Connect reports to the reports folder before anything is archived.",
        ),
        kind="reports",
        build=reports_work,
        at_target=reports_current,
    ),
    Action(
        _spec(
            "remove inactive staff",
            "remove",
            "staff",
            "Educators",
            True,
            "Remove the access of staff members who left.",
            params=OVER_THRESHOLD,
            after=AFTER,
            after_reason=AFTER_WHY,
        ),
        describe_record=_staff,
        checks=(reports_first, staff_who_left),
        rule=Rule(to_status="removed"),
    ),
    Action(
        _spec(
            "archive classrooms",
            "archive",
            "classrooms",
            "Classes",
            True,
            "Archive previous school years' classrooms.",
            params=OVER_THRESHOLD,
            after=AFTER,
            after_reason=AFTER_WHY,
        ),
        describe_record=_classroom,
        checks=(reports_first,),
        rule=Rule(to_status="archived"),
    ),
    Action(
        _spec(
            "archive students",
            "archive",
            "students",
            "Students",
            True,
            "Archive non-returning students (or all, before a fresh upload).",
            params=OVER_THRESHOLD,
            after=AFTER,
            after_reason=AFTER_WHY,
        ),
        describe_record=_student,
        checks=(reports_first,),
        rule=Rule(to_status="archived"),
    ),
    Action(
        _spec(
            "delete students",
            "delete",
            "students",
            "Students",
            True,
            "Delete non-returning students; only once the reports hold them, with approval.",
            params=OVER_THRESHOLD,
            after=AFTER,
            after_reason=AFTER_WHY,
        ),
        universe_status="",
        describe_record=_student,
        checks=(reports_first,),
        rule=Rule(to_status="deleted", from_status=SYNCED),
    ),
    CustomAction(
        _spec(
            "merge duplicate students",
            "merge",
            "duplicate students",
            "Students",
            True,
            "Find students with the same name and birth date, or email, and merge them.",
        ),
        build=merge_work,
        at_target=merged,
        rule=Rule(to_status="merged", once="merge"),
    ),
]
