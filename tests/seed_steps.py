"""Each vendor's procedure (``../shared/seeds``) as a list of steps, written by reading the
seed: (Action, a phrase of the playbook row's Notes that names the step). A step the seed
tells out of time order carries ``ANY_ORDER`` with the reason beside it."""

from __future__ import annotations

ANY_ORDER = False

SeedStep = tuple[str, str] | tuple[str, str, bool]

EDGENUITY: list[SeedStep] = [  # 000: mid-year data management
    ("complete enrollments", "earned credit"),
    ("disable enrollments", "unfinished"),
    ("set enrollment dates", "target dates"),
    ("update course version", "new versions"),
    ("update course version", "remove customized courses"),
    ("remove external course code", "external course code"),
    ("archive courses", "external course code"),
    ("archive students", "seniors"),
    ("promote grades", "grade"),
    ("archive students", "no longer actively working"),
    ("create students", "new or transferred"),
    ("change home school", "correct school"),
    ("pause imports", "imports during winter / summer breaks"),
    ("resume imports", "turn imports back on"),
    ("archive educators", "not used or valid"),
    ("reset permissions", "permissions"),
    ("set district calendar", "non-school days"),
    ("manual", "reserve and finalize training dates"),
]
SCHOOLSTATUS: list[SeedStep] = [  # 001: end of year guide
    # The guide opens with what happens when the sync source rolls over; the sync itself
    # runs once the cleanup is done and the sync is back on.
    ("sync roster", "rolls over with the sync source", ANY_ORDER),
    ("set deletion threshold", "deletion threshold"),
    ("pause sync", "pause"),
    ("download reports", "connect reports"),
    ("remove inactive staff", "staff members leave"),
    ("archive classrooms", "previous school years' classrooms"),
    ("archive students", "non-returning"),
    ("delete students", "delete"),
    ("merge duplicate students", "duplicates"),
    ("resume sync", "sync back on"),
    ("download reports", "again"),
    ("manual", "summer training webinar series"),
    ("manual", "back-to-school guide"),
]
TWIG: list[SeedStep] = [  # 002: end of year rostering
    ("manual", "assessment scores"),
    ("manual", "assessment reports"),
    ("manual", "summer school roster is up to date"),
    ("manual", "confirm when your data freeze begins"),
    ("import summer school roster", "before the pause"),
    ("manual", "never-before-used user ids"),
    ("manual", "archive any user ids"),
    ("manual", "keep user ids consistent"),
    ("manual", "rostering method"),
    ("pause rostering", "one business day before the rollover date"),
    ("manual", "reset date"),
    ("archive previous year", "end of the data pause"),
    ("resume rostering", "after the reset date"),
    ("create students", "never reuse or reassign"),
]
RENAISSANCE: list[SeedStep] = [  # 003: transferring student data between sites
    ("manual", "contact information"),
    ("manual", "request email"),
    # The other site's administrator makes the code; this district does the same when
    # another site asks it for data: the outgoing step comes last in the playbook.
    ("generate transfer code", "another site asks", ANY_ORDER),
    ("preview transfer", "new and matched students"),
    ("manual", "review and match students"),
    ("import transfer", "48 hours"),
    ("manual", "enrol students"),
    ("manual", "merge the new student records"),
    ("manual", "import failed"),
]
SCHOOLOGY: list[SeedStep] = [  # 004: PowerSchool integration, new school year
    ("check acting user", "system admin"),
    ("check acting user", "only one person"),
    ("manual", "syncing to manual"),
    ("manual", "rollover of your data in powerschool"),
    ("manual", "stops syncing earlier years"),
    ("create grading periods", "grading period"),
    ("manual", "created grading periods in schoology before"),
    ("deactivate users", "inactive"),
]
EXTRA = {
    # Sync is set back to automatic for the new year: the seed's Manual mode "stops the data
    # sync until you are ready".
    "schoology-new-year": ["S-008"],
}
SEEDS: dict[str, tuple[str, list[SeedStep]]] = {
    "edgenuity-mid-year": ("Edgenuity", EDGENUITY),
    "schoolstatus-end-of-year": ("SchoolStatus", SCHOOLSTATUS),
    "twig-end-of-year": ("Twig Science", TWIG),
    "renaissance-transfer": ("Renaissance", RENAISSANCE),
    "schoology-new-year": ("Schoology", SCHOOLOGY),
}


def find(rows: list[dict[str, str]], action: str, phrase: str, start: int) -> int:
    """The first row from ``start`` whose Action is ``action`` and whose Notes say
    ``phrase``; -1 when none."""
    for index in range(start, len(rows)):
        row = rows[index]
        if row["Action"] == action and phrase in row["Notes"].casefold():
            return index
    return -1
