"""Plans against the LMS's state: each selected record's state in the LMS, the target the step
wants for it, and its fate (DESIGN section 3, "Plans come from the LMS").

A record will change (from -> to), is already at target, is not allowed (naming the rule), is
not in the LMS, or was already changed this rollover by a change that is not idempotent by
state (a promotion, a merge, a creation, an import), as the rollover ledger says. Everything
is computed on whole frames (a 100,000-student roster is one pass), and the operations an
approval binds to (every record that will change or is already at target, with its target)
hash to one fingerprint.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

import pandas as pd

from bot.core.values import shown
from bot.core.wording import count, past_participle, singular

ID, STATUS = "id", "status"
FATE, WHY, TO_STATUS, BY = "fate", "why", "to_status", "by"
TO = "to:"
"""Target field columns of a judged frame are ``to:<field>``; current values keep the LMS's
field name."""


class Fate(StrEnum):
    CHANGE = "will change"
    AT_TARGET = "already at target"
    NOT_ALLOWED = "not allowed"
    MISSING = "not in the LMS"
    DONE_BEFORE = "already done this rollover"


OPERATIONS = (Fate.CHANGE.value, Fate.AT_TARGET.value)
"""The fates that make an operation (record, target): what an approval binds to."""


@dataclass(frozen=True)
class Rule:
    """How an action moves a record: from which statuses, to which status; whether its change
    is one that must happen once per rollover (``once``: "promote", "merge", "create") rather
    than one a second run finds already done by looking at the record; whether it creates."""

    to_status: str = ""
    from_status: tuple[str, ...] = ("active",)
    once: str = ""
    creates: bool = False
    existing_at_target: bool = False
    """(``creates``) a record the LMS has already, not made this rollover, is at target (an
    account the SIS sync or an earlier year made) rather than an ID that may not be reused."""


@dataclass(frozen=True)
class Done:
    """A change recorded in the rollover ledger for one record: by which step, towards what."""

    step_id: str
    target: Mapping[str, str]
    applied: bool = True


def judge(
    ids: pd.Series,
    lms: pd.DataFrame,
    rule: Rule,
    fields: pd.DataFrame | None = None,
    refused: pd.Series | None = None,
    ledger: Mapping[str, Done] | None = None,
    step_id: str = "",
    noun: str = "record",
) -> pd.DataFrame:
    """One row per selected record ID (``ids``, text, unique): ``id``, its current ``status``
    and fields (from ``lms``), ``to_status`` and ``to:<field>`` (its target), ``fate``,
    ``why`` and ``by`` (the step that did it this rollover).

    ``fields``: the target field values, one row per ID in the order of ``ids``; ``refused``:
    why an action's own rule refuses each ID ("" when it does not), same order; ``ledger``:
    this rollover's entries of ``rule.once`` by record ID (their target wins over ``fields``:
    a promotion's target is the grade it was promoted to, not one more).
    """
    ids = ids.astype(str).reset_index(drop=True)
    out = pd.DataFrame({ID: ids})
    known = lms.drop_duplicates(ID).set_index(ID) if not lms.empty else pd.DataFrame()
    present = ids.isin(known.index) if not known.empty else pd.Series(False, index=ids.index)
    status = (
        ids.map(known[STATUS]).astype(object).fillna("")
        if not known.empty
        else ids.map(lambda _: "")
    )
    out[STATUS] = status
    out[TO_STATUS] = rule.to_status or status
    if rule.creates:
        out[TO_STATUS] = rule.to_status or "active"
    wanted = fields.reset_index(drop=True) if fields is not None else pd.DataFrame(index=ids.index)
    ledger = ledger or {}
    done = ids.map(lambda i: ledger.get(i))
    for name in wanted.columns:
        current = ids.map(known[name]) if name in known else pd.Series(None, index=ids.index)
        out[name] = current.where(current.notna(), "").astype(str)
        target = wanted[name].astype(str)
        recorded = done.map(lambda d, n=name: None if d is None else d.target.get(n))
        out[TO + name] = recorded.where(recorded.notna(), target)
    same = out[STATUS] == out[TO_STATUS]
    for name in wanted.columns:
        same &= out[name] == out[TO + name]
    by = done.map(lambda d: "" if d is None else d.step_id)
    out[BY] = by
    mine = by == step_id
    fate = pd.Series(Fate.CHANGE.value, index=ids.index, dtype=object)
    why = pd.Series("", index=ids.index, dtype=object)
    refusal = refused.reset_index(drop=True).fillna("") if refused is not None else why
    if rule.creates:
        fate[present & (by != "") & mine] = Fate.AT_TARGET.value
        fate[present & (by != "") & ~mine] = Fate.DONE_BEFORE.value
        exists = present & (by == "")
        if rule.existing_at_target:
            fate[exists] = Fate.AT_TARGET.value
        else:
            fate[exists] = Fate.NOT_ALLOWED.value
            why[exists] = (
                f"{noun} " + ids[exists] + " already exists (" + status[exists] + "); an ID is "
                "never reused"
            )
        blocked = ~present & (refusal != "")
        fate[blocked] = Fate.NOT_ALLOWED.value
        why[blocked] = refusal[blocked]
    else:
        allowed = status.isin(rule.from_status) if rule.from_status else present
        allowed |= present & (status == out[TO_STATUS]) & bool(rule.to_status)
        fate[~allowed] = Fate.NOT_ALLOWED.value
        why[~allowed] = f"{noun} " + ids[~allowed] + " is " + status[~allowed] + _not(rule)
        fate[allowed & same] = Fate.AT_TARGET.value
        refusing = allowed & ~same & (refusal != "")
        fate[refusing] = Fate.NOT_ALLOWED.value
        why[refusing] = refusal[refusing]
        other = (by != "") & ~mine
        fate[present & other] = Fate.DONE_BEFORE.value
        why[present & other] = "by " + by[present & other]
        fate[~present] = Fate.MISSING.value
        why[~present] = ""
    out[FATE] = fate
    out[WHY] = why
    return out


def _not(rule: Rule) -> str:
    return ", not " + " or ".join(rule.from_status) if rule.from_status else ""


def operations_fingerprint(judged: pd.DataFrame, *decisions: str) -> str:
    """A short hash of the (record, target) operations and the staff decisions they depend
    on (the action, its Parameters, the owner, Matches decisions...): an approval binds to it."""
    ops = judged[judged[FATE].isin(OPERATIONS)] if not judged.empty else judged
    digest = hashlib.sha256()
    for decision in decisions:
        digest.update(decision.encode() + b"\x1e")
    if not ops.empty:
        targets = [c for c in ops.columns if c.startswith(TO) or c == TO_STATUS]
        names = "\x1f".join(targets)
        digest.update(names.encode() + b"\x1e")
        line = ops[ID].astype(str)
        for column in targets:
            line = line + "\x1f" + ops[column].astype(str)
        digest.update("\x1e".join(sorted(line)).encode())
    return digest.hexdigest()[:16]


def counts(judged: pd.DataFrame) -> dict[Fate, int]:
    """How many records of each fate."""
    found = judged[FATE].value_counts().to_dict() if not judged.empty else {}
    return {fate: int(found.get(fate.value, 0)) for fate in Fate}


def target_text(row: Mapping[str, object]) -> str:
    """A judged row's target as staff read it: ``archived``, ``grade 10``, ``active, grade 10``."""
    parts = []
    status, to_status = str(row.get(STATUS, "")), str(row.get(TO_STATUS, ""))
    if to_status and to_status != status:
        parts.append(to_status)
    for key, value in row.items():
        name = str(key)
        if name.startswith(TO) and str(row.get(name[len(TO) :], "")) != str(value):
            parts.append(f"{name[len(TO) :].replace('_', ' ')} {value}")
    return ", ".join(parts) or to_status


PAIRS = 3
"""How many different (from -> to) pairs of one field a plan or a Result names."""
VALUE_CHARACTERS = 40
REASONS = 2


def changes_text(judged: pd.DataFrame, ids: pd.Series | None = None) -> str:
    """What the records that will change hold now and will hold, field by field (the
    status is left out: the verb says it): ``target date 2027-05-17 -> 2027-05-20``; several
    pairs: ``grade 9 -> 10 (70), 10 -> 11 (65), 11 -> 12 (60)``; a blank value reads
    ``blank``. ``ids``: only these records (those a run applied)."""
    change = judged[judged[FATE] == Fate.CHANGE.value] if not judged.empty else judged
    if ids is not None:
        change = change[change[ID].isin(ids)]
    parts = []
    for column in change.columns:
        name = column[len(TO) :]
        if not column.startswith(TO) or name not in change:
            continue
        moved = change[change[name].astype(str) != change[column].astype(str)]
        if moved.empty:
            continue
        pairs = (_value(moved[name]) + " -> " + _value(moved[column])).value_counts()
        ordered = sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))
        label = name.replace("_", " ")
        if len(ordered) == 1:
            parts.append(f"{label} {ordered[0][0]}")
            continue
        named = ", ".join(f"{pair} ({n:,})" for pair, n in ordered[:PAIRS])
        more = len(ordered) - PAIRS
        parts.append(f"{label} {named}" + (f" and {more:,} more" if more > 0 else ""))
    return ", ".join(parts)


def _value(values: pd.Series) -> pd.Series:
    text = values.astype(str).map(lambda v: shown(v, VALUE_CHARACTERS, quote=False))
    return text.where(text.str.strip() != "", "blank")


def left_alone(judged: pd.DataFrame, verb: str, system: str, noun: str = "") -> list[str]:
    """What a plan leaves alone, as parts of a sentence: ``2 already promoted this rollover
    by S-008``, ``2 not in Edgenuity``, ``507 left alone: enrollment E-2 is completed, not
    active; ... and 505 more``; with ``noun`` (plural), ``2 students already promoted ...``.
    The plan and the Result say it the same way."""
    n = counts(judged)

    def many(k: int) -> str:
        return count(k, singular(noun), noun) if noun else f"{k:,}"

    parts = []
    if n[Fate.DONE_BEFORE]:
        by = ", ".join(sorted(set(judged.loc[judged[FATE] == Fate.DONE_BEFORE.value, BY])))
        done = past_participle(verb)
        parts.append(f"{many(n[Fate.DONE_BEFORE])} already {done} this rollover by {by}")
    if n[Fate.MISSING]:
        parts.append(f"{many(n[Fate.MISSING])} not in {system}")
    if n[Fate.NOT_ALLOWED]:
        refused = judged.loc[judged[FATE] == Fate.NOT_ALLOWED.value, WHY]
        reasons = [shown(r, 120, quote=False) for r in refused.head(REASONS)]
        more = n[Fate.NOT_ALLOWED] - len(reasons)
        tail = f" and {more:,} more" if more > 0 else ""
        parts.append(f"{many(n[Fate.NOT_ALLOWED])} left alone: {'; '.join(reasons)}{tail}")
    return parts
