"""Merging a bundle into the workbook's roster tabs: what would be added, updated, marked
deleted, or is absent from a bulk bundle; and the truncated-input guard.

Rows match on the tab's key column (the record ID). Only the columns the format maps are
compared and written: bot columns (LMS status, Last action), Select, Notes and every column the
format has no source for keep their values. Nothing is ever deleted: a row the bundle marks
``tobedeleted`` (or ``inactive``) gets that Status; a row a bulk bundle leaves out is reported.
A cell the source does not give (a ``_keep:`` column marks it, see ``frames``) keeps its value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from bot.core.wording import count
from bot.roster.errors import RosterError
from bot.roster.frames import BULK, KEEP, KEEP_MARK, RosterData
from bot.roster.values import DELETED, INACTIVE
from bot.templates import WorkbookTemplate

GONE = (DELETED, INACTIVE)


@dataclass
class TabChanges:
    tab: str
    key: str
    mode: str
    added: pd.DataFrame
    updates: pd.DataFrame
    updated: int = 0
    to_delete: int = 0
    unchanged: int = 0
    skipped_deleted: int = 0
    absent: list[str] = field(default_factory=list)
    existing: int = 0

    @property
    def changed(self) -> bool:
        return not self.added.empty or not self.updates.empty


def _changes(
    tab: str, key: str, mode: str, incoming: pd.DataFrame, existing: pd.DataFrame
) -> TabChanges:
    columns = [c for c in incoming.columns if c != key and not c.startswith("_")]
    kept = {
        c: (incoming[KEEP + c] == KEEP_MARK).to_numpy()
        for c in columns
        if KEEP + c in incoming.columns
    }
    incoming = incoming[[key, *columns]].copy()
    incoming[key] = incoming[key].str.strip()
    current = existing[[key, *columns]].copy()
    current[key] = current[key].str.strip()
    current = current[current[key] != ""].drop_duplicates(key)
    merged = incoming.merge(current, on=key, how="left", suffixes=("", "@old"), indicator=True)
    found = merged["_merge"] == "both"
    new = merged.loc[~found, [key, *columns]]
    deleted_new = new["Status"].isin(GONE) if "Status" in columns else pd.Series(False, new.index)
    old = merged.loc[found]
    diffs = pd.DataFrame({c: old[c] != old[c + "@old"] for c in columns}, index=old.index)
    for column, mask in kept.items():
        diffs[column] &= ~pd.Series(mask, index=merged.index).loc[old.index]
    updates = diffs.stack()
    updates = updates[updates]
    cells = (
        pd.DataFrame(
            {
                "key": old.loc[updates.index.get_level_values(0), key].to_numpy(),
                "column": updates.index.get_level_values(1),
                "value": old[columns].stack().loc[updates.index].to_numpy(),
            }
        )
        if len(updates)
        else pd.DataFrame({"key": [], "column": [], "value": []}, dtype=str)
    )
    changed = diffs.any(axis=1)
    if "Status" in columns:
        marked = changed & old["Status"].isin(GONE) & diffs["Status"]
    else:
        marked = pd.Series(False, index=old.index)
    absent: list[str] = []
    if mode == BULK:
        absent = sorted(set(current[key]) - set(incoming[key]))
    return TabChanges(
        tab=tab,
        key=key,
        mode=mode,
        added=new.loc[~deleted_new].reset_index(drop=True),
        updates=cells,
        updated=int((changed & ~marked).sum()),
        to_delete=int(marked.sum()),
        unchanged=int((~changed).sum()),
        skipped_deleted=int(deleted_new.sum()),
        absent=absent,
        existing=len(current),
    )


def plan(
    template: WorkbookTemplate, existing: dict[str, pd.DataFrame], data: RosterData
) -> dict[str, TabChanges]:
    """What importing ``data`` would change, per roster tab (nothing is written here)."""
    out: dict[str, TabChanges] = {}
    for tab in template.roster_tabs:
        incoming = data.tabs.get(tab.name)
        if incoming is None:
            continue
        out[tab.name] = _changes(
            tab.name, tab.key, incoming.mode, incoming.frame, existing[tab.name]
        )
    return out


def guard(changes: dict[str, TabChanges], max_percent: float, force: bool) -> str:
    """Refuse a bulk bundle that leaves out more than ``max_percent`` of the students."""
    students = changes.get("Students")
    if students is None or students.mode != BULK or not students.existing:
        return ""
    dropped = len(students.absent)
    percent = 100.0 * dropped / students.existing
    if percent <= max_percent:
        return ""
    message = (
        f"the bundle leaves out {dropped:,} of the workbook's "
        f"{count(students.existing, 'student')} ({percent:.1f}%), "
        f"more than safety.max_change_percent = {max_percent:g}%"
    )
    if not force:
        raise RosterError(
            f"refused: {message}. A truncated export? Check the bundle; if it is right, run "
            "again with --force (the workbook was not changed)"
        )
    return f"--force: {message}; importing anyway (absent students are kept, not deleted)"
