"""What the LMS contract does in each system: a roster to load, one operation that changes a
record, operations the vendor refuses for one record, one that changes a setting.

IDs are the kind a spreadsheet or a number parser would spoil: leading zeros, ``1e5``."""

from __future__ import annotations

from dataclasses import dataclass, field

STUDENTS = [
    {
        "Student ID": "00123",
        "First name": "Ana",
        "Last name": "Ruiz",
        "Grade": "11",
        "School": "North High",
        "Status": "active",
    },
    {
        "Student ID": "0045",
        "First name": "Ben",
        "Last name": "Okafor",
        "Grade": "12",
        "School": "North High",
        "Status": "active",
    },
    {
        "Student ID": "1e5",
        "First name": "Chloé",
        "Last name": "Ng",
        "Grade": "9",
        "School": "South High",
        "Status": "active",
    },
]
STUDENT_IDS = ("00123", "0045", "1e5")


@dataclass(frozen=True)
class Call:
    """One operation, without its key (the contract never relies on keys)."""

    action: str
    kind: str
    record_id: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Scenario:
    system: str
    roster: dict[str, list[dict[str, str]]]
    kind: str
    ids: tuple[str, ...]
    """The IDs of ``kind`` the LMS holds once the roster is loaded."""
    change: Call
    """Changes one record of ``kind`` (and no other record of that kind) ..."""
    changed_to: str
    """... to this status."""
    refusals: tuple[Call, ...]
    """Each refused by a rule of the vendor, for the record it names."""
    setting: Call
    setting_name: str
    setting_value: str
    """What ``setting`` sets ``setting_name`` to."""
    empty_kind: str = "enrollments"
    """A kind the roster holds none of."""


SCENARIOS = {
    s.system: s
    for s in (
        Scenario(
            system="Edgenuity",
            roster={"Students": STUDENTS},
            kind="students",
            ids=STUDENT_IDS,
            change=Call("archive students", "students", "0045"),
            changed_to="archived",
            refusals=(
                Call("promote grades", "students", "0045"),
                Call("archive students", "students", "00999"),
            ),
            setting=Call("pause imports", "settings", "imports"),
            setting_name="imports",
            setting_value="paused",
        ),
        Scenario(
            system="Twig Science",
            roster={"Students": STUDENTS},
            kind="students",
            ids=STUDENT_IDS,
            change=Call(
                "create students",
                "students",
                "007",
                {"first_name": "Dee", "last_name": "Park", "grade": "10"},
            ),
            changed_to="active",
            refusals=(
                Call(
                    "create students",
                    "students",
                    "00123",
                    {"first_name": "Eve", "last_name": "Stone", "grade": "11"},
                ),
            ),
            # A pause whose date has come takes effect at once (one set ahead waits for it).
            setting=Call(
                "pause rostering",
                "settings",
                "rostering",
                {"rollover_date": "2020-06-30", "pause_date": "2020-06-29"},
            ),
            setting_name="rostering",
            setting_value="paused",
        ),
        Scenario(
            system="SchoolStatus",
            roster={"Students": STUDENTS},
            kind="students",
            ids=STUDENT_IDS,
            change=Call("merge duplicate students", "students", "0045", {"survivor": "00123"}),
            changed_to="merged",
            refusals=(
                Call("merge duplicate students", "students", "00999", {"survivor": "00123"}),
                Call("merge duplicate students", "students", "1e5", {"survivor": "1e5"}),
            ),
            setting=Call("pause sync", "settings", "sync"),
            setting_name="sync",
            setting_value="paused",
        ),
    )
}
