"""Renaissance actions (seed 003: transferring student data between sites).

No change here is idempotent by state the way an archive is: each generation makes a new code,
each import merges students. What the vendor shows says whether one happened: a usable code
for the same student or year in the site's code list (``renaissance_codes``), the transfer's
status among the completed imports (``renaissance_transfers``). A plan finds them there
(already at target), so a second run, or a run again after a crash between a call and its
outcome, sends nothing: no second code, no second import.
"""

from __future__ import annotations

from functools import partial

from bot.actions.base import Action, CustomSetting
from bot.actions.renaissance_codes import (
    SYSTEM,
    code_made,
    code_usable,
    generate_work,
    one_of_student_or_year,
    student_on_site,
)
from bot.actions.renaissance_transfers import (
    cancel_work,
    cancellable,
    cancelled_already,
    decisions_known,
    import_work,
    imported_already,
    log_rows,
    match_rows,
    preview_work,
    previewed,
    previewed_already,
)
from bot.core.catalogue import ActionSpec
from bot.core.params import ParamSpec

CODE = ParamSpec("code", required=True, help="the transfer code the other site sent")

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
        checks=(student_on_site,),
        at_target=code_made,
        also_reads=("students",),
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
        at_target=previewed_already,
        also_reads=("transfers",),
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
        checks=(previewed, decisions_known),
        outputs=log_rows,
        at_target=imported_already,
        also_reads=("students",),
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
        checks=(cancellable,),
        at_target=cancelled_already,
    ),
]
