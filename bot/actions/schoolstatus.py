"""SchoolStatus Connect actions (seed 001: end of year guide), planned against the LMS: staff,
classrooms and students move by their ``Rule``; the sync, the merge and the settings are
computed from what SchoolStatus holds now and read back, so that a repeat sends nothing."""

from __future__ import annotations

from functools import partial

from bot.actions.base import Action, CustomAction, CustomSetting, SettingAction
from bot.actions.edgenuity import OVER_THRESHOLD
from bot.actions.schoolstatus_roster import SYNCED, merge_work, merged, sync_work, synced
from bot.actions.schoolstatus_rules import (
    SYSTEM,
    one_row_per_student,
    percent_in_range,
    reports_current,
    reports_first,
    reports_work,
    staff_who_left,
    sync_on,
    threshold_set,
    threshold_work,
)
from bot.core.catalogue import ActionSpec
from bot.core.params import ParamSpec
from bot.core.targets import Rule


def _student(record: dict[str, str]) -> str:
    return f"{record.get('First name', '')} {record.get('Last name', '')}".strip()


def _staff(record: dict[str, str]) -> str:
    return f"{record.get('Name', '')} ({record.get('Status', '')})"


def _classroom(record: dict[str, str]) -> str:
    return f"{record.get('Title', '')} ({record.get('Term', '')})"


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
