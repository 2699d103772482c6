"""Counts and nouns in messages people read: ``1 course``, ``2 courses``, ``Archived``."""

from __future__ import annotations

from collections.abc import Sequence

_SIBILANT = ("s", "x", "z", "ch", "sh")
_VOWELS = "aeiou"


def plural(noun: str) -> str:
    """The plural of a singular English noun (its last word): class -> classes,
    entry -> entries, course -> courses."""
    if not noun:
        return noun
    lower = noun.casefold()
    if lower.endswith(_SIBILANT):
        return noun + "es"
    if lower.endswith("y") and len(lower) > 1 and lower[-2] not in _VOWELS:
        return noun[:-1] + "ies"
    return noun + "s"


def singular(noun: str) -> str:
    """The singular of a plural noun as the action catalogue writes them (students,
    classes, grading periods); a word that is not plural is returned as it is."""
    lower = noun.casefold()
    if lower.endswith("ies") and len(lower) > 3:
        return noun[:-3] + "y"
    if lower.endswith(tuple(s + "es" for s in ("ss", "x", "z", "ch", "sh"))):
        return noun[:-2]
    if lower.endswith("s") and not lower.endswith("ss"):
        return noun[:-1]
    return noun


def count(n: int, noun: str, many: str = "") -> str:
    """``n`` and the noun, in the number it needs: ``count(1, "course")`` is ``1 course``,
    ``count(2_000, "class")`` is ``2,000 classes``; ``many`` overrides the plural."""
    return f"{n:,} {noun if n == 1 else (many or plural(noun))}"


def agree(n: int, one: str, many: str) -> str:
    """The verb for ``n`` things: ``agree(1, "has", "have")``."""
    return one if n == 1 else many


def past_tense(verb: str) -> str:
    """``archive`` -> ``Archived``, ``set dates on`` -> ``Set dates on``."""
    first, _, rest = verb.partition(" ")
    if first in ("set", "reset", "put"):
        done = first
    elif first.endswith("e"):
        done = first + "d"
    elif first.endswith("y") and len(first) > 1 and first[-2] not in _VOWELS:
        done = first[:-1] + "ied"
    else:
        done = first + "ed"
    return capitalised(done + (" " + rest if rest else ""))


def past_participle(verb: str) -> str:
    """``archive`` -> ``archived``, ``set dates on`` -> ``set``: for "3 already archived"."""
    return past_tense(verb.split(" ")[0]).lower()


def capitalised(text: str) -> str:
    """``text`` with its first letter upper case (the rest as it was)."""
    return text[:1].upper() + text[1:]


def listed(items: Sequence[str], shown: int = 3, last: str = "and") -> str:
    """``a, b and c`` (or ``a, b or c``); past ``shown`` items, ``a, b, c and 4 more``."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    if len(items) <= shown:
        return ", ".join(items[:-1]) + f" {last} " + items[-1]
    return ", ".join(items[:shown]) + f" and {len(items) - shown:,} more"
