"""SchoolStatus's sync and merge, computed from its students as they are now: what a sync of
the scope would create, update and archive (against the deletion threshold SchoolStatus has),
and the duplicates to merge, this step's merges read back from the rollover ledger."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import pandas as pd

from bot.actions.context import PlanContext, WorkItem
from bot.actions.schoolstatus_rules import SYSTEM, threshold_now
from bot.actions.shared import ids_text
from bot.core.values import format_count
from bot.core.wording import agree, count
from bot.templates import load_template

FEED_FIELDS = ("first_name", "last_name", "birth_date", "email", "grade", "school")
SYNCED = ("active", "archived")
"""The students a sync knows: active ones it updates or archives, archived ones it leaves."""


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
        threshold=threshold_now(ctx),
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
