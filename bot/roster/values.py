"""Value conversions between the formats and the workbook, one whole column at a time."""

from __future__ import annotations

import re

import pandas as pd

DELETED = "tobedeleted"
INACTIVE = "inactive"
ACTIVE = "active"
GRADE_WORDS = {"KG": "0", "K": "0", "PK": "-1"}
CODE_WORDS = {"0": "KG", "-1": "PK"}


def look_up(keys: pd.Series, table: pd.Series | dict[str, str], default: object = "") -> pd.Series:
    """``keys`` mapped through ``table``, as text; keys not in it give ``default``."""
    found = keys.map(table).astype(object)
    return found.where(found.notna(), default).astype(str)


def first_item(values: pd.Series) -> pd.Series:
    """The first entry of a comma-separated list field (``"09,10"`` -> ``"09"``)."""
    return values.str.split(",").str[0].fillna("").str.strip()


def grades_from_codes(codes: pd.Series) -> tuple[pd.Series, pd.Series]:
    """CEDS grade codes as workbook grades (``09`` -> ``9``, ``KG`` -> ``0``, ``PK`` -> ``-1``).

    Returns the grades and a mask of codes the workbook cannot hold (left blank).
    """
    code = first_item(codes).str.upper()
    numeric = code.str.fullmatch(r"\d{1,2}")
    grades = look_up(code, GRADE_WORDS)
    grades = grades.mask(numeric, code.where(numeric, "0").astype(int).astype(str))
    unknown = (code != "") & ~numeric & ~code.isin(list(GRADE_WORDS))
    return grades.where(~unknown, ""), unknown


def codes_from_grades(grades: pd.Series) -> pd.Series:
    """Workbook grades as CEDS codes (``9`` -> ``09``, ``0`` -> ``KG``)."""
    text = grades.str.strip()
    numeric = text.str.fullmatch(r"\d{1,2}") & ~text.isin(list(CODE_WORDS))
    codes = look_up(text, CODE_WORDS, text)
    return codes.mask(numeric, text.str.zfill(2))


def oneroster_status(status: pd.Series, enabled: pd.Series | None = None) -> pd.Series:
    """``tobedeleted`` and the legacy ``inactive`` kept; a disabled user is ``inactive``;
    anything else (``active`` or blank, as bulk files leave it) is ``active``."""
    folded = status.str.strip().str.casefold()
    out = pd.Series(ACTIVE, index=status.index, dtype=str)
    if enabled is not None:
        out = out.mask(enabled.str.strip().str.casefold() == "false", INACTIVE)
    out = out.mask(folded == INACTIVE, INACTIVE)
    return out.mask(folded == DELETED, DELETED)


def sds_status(status: pd.Series) -> pd.Series:
    """SDS ``Active`` / ``Inactive`` in lower case; blank is ``active``."""
    folded = status.str.strip().str.casefold()
    return folded.mask(folded == "", ACTIVE)


def full_name(given: pd.Series, family: pd.Series) -> pd.Series:
    return (given.str.strip() + " " + family.str.strip()).str.strip()


def split_name(name: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``"Mary Ann Smith"`` -> (``"Mary Ann"``, ``"Smith"``): the last word is the family name."""
    parts = name.str.strip().str.rsplit(" ", n=1)
    family = parts.str[-1].fillna("").astype(str)
    given = parts.str[0].where(parts.str.len() > 1, "").fillna("").astype(str)
    return given, family


def slug(text: str) -> str:
    """A sourcedId made from a name: letters, digits and dashes."""
    cleaned = re.sub(r"[^A-Za-z0-9]+", "-", text.strip()).strip("-")
    return cleaned or "blank"
