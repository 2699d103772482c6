"""Bad input over HTTP: new students whose IDs and names are what rosters really hold (slashes,
spaces, percent signs, question marks, non-Latin letters, formulas, very long text, a blank
name) created through the HTTP adapter. Each is created with its values as given, or refused
naming it (a blank name is refused before anything is sent); nothing is lost or sent twice."""

from __future__ import annotations

from pathlib import Path

from bot.lms.mock import MockLMS
from tests.reliability.district import STEP, step_row, student_rows
from tests.reliability.figures import FIGURES, count_outcomes
from tests.reliability.http_district import http_district

ODD = [
    ("S/1", "Ana", "Diaz"),
    ("S 2", "Ben", "O'Brien"),
    ("S%2F3", "Chloé", "Nguyễn"),
    ("S?4=5", "Dmitri", "Иванов"),
    ("S#6", "Emi", "山田"),
    ("S..7", "=SUM(A1)", "+1"),
    ("S&8", "Farah", "x" * 2000),
    ("S\\9", "Gus", 'Quote "the" name'),
    ("S-10", " ", "Blank"),
    ("Ω-11", "Hana", "Kim 🙂"),
]


def new_students() -> list[dict[str, str]]:
    rows = student_rows(len(ODD))
    for row, (record, first, last) in zip(rows, ODD, strict=True):
        row.update({"Student ID": record, "First name": first, "Last name": last})
        row["Status"] = "new"
    return rows


def test_odd_ids_and_names_are_created_as_given_or_refused_by_name(tmp_path: Path) -> None:
    steps = [step_row(STEP, "create students", "Students: status = new")]
    rows = {"Students": new_students()}
    with http_district(tmp_path / "odd", steps=steps, rows=rows) as district:
        district.cycle()
        step = district.step()
        applied, failed = district.ledger()
        assert failed == ["S-10"], step["Result"]
        assert "S-10 has no first_name to send to Edgenuity" in step["Result"]
        created = district.changes("create students")
        planned = [f"Edgenuity:create students:{r}" for r, _, _ in ODD]
        lost, doubled = count_outcomes(
            planned,
            [f"Edgenuity:create students:{r}" for r in applied],
            [f"Edgenuity:create students:{r}" for r in failed],
            created,
        )
        FIGURES.bad_inputs += len(ODD)
        FIGURES.http_bad_inputs += len(ODD)
        assert (lost, doubled) == (0, 0)
        lms = MockLMS(district.config.lms_path)
        try:
            frame = lms.records("Edgenuity", "students").set_index("id")
        finally:
            lms.close()
        for record, first, last in ODD:
            if record == "S-10":
                assert record not in frame.index
                continue
            assert frame.loc[record, ["first_name", "last_name"]].tolist() == [first, last]
        assert sorted(applied) == sorted(r for r, _, _ in ODD if r != "S-10")
