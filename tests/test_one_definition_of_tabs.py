"""The workbook template is the one definition of tabs: which roster tab holds which LMS kind,
its key column (a record's ID), and the LMS field of each roster column."""

from __future__ import annotations

import ast
from itertools import pairwise
from pathlib import Path

import pytest

import bot
from bot.actions import registry
from bot.actions.base import Action
from bot.core.catalogue import ActionSpec
from bot.errors import TemplateError
from bot.templates import load_template, parse_template

TEMPLATE = load_template()


def test_every_roster_tab_has_a_kind_and_a_key_of_its_own() -> None:
    kinds = [tab.kind for tab in TEMPLATE.roster_tabs]
    assert len(kinds) == len(set(kinds)) == 5
    for tab in TEMPLATE.roster_tabs:
        assert tab.kind and tab.key and tab.column(tab.key) is not None, tab.name
        assert TEMPLATE.tab_of_kind(tab.kind) is tab
        assert set(tab.fields) <= set(tab.headers)
    others = [tab for tab in TEMPLATE.tabs if not tab.roster]
    assert all(not tab.kind and not tab.fields for tab in others)
    assert TEMPLATE.tab_of_kind("settings") is None
    assert TEMPLATE.tab_of_kind("") is None
    assert TEMPLATE.main_tab.name == "Checklist"


def _template(**tab: object) -> dict[str, object]:
    columns = [{"name": "ID", "owner": "staff", "type": "id", "field": "id"}]
    return {"tabs": [{"name": "People", "columns": columns, **tab}]}


@pytest.mark.parametrize(
    ("tab", "message"),
    [
        ({"roster": True, "key": "ID"}, "roster tab 'People' needs a kind and a key"),
        ({"roster": True, "kind": "people"}, "roster tab 'People' needs a kind and a key"),
        ({"key": "ID", "kind": "people"}, "tab 'People' has a kind but is not a roster tab"),
        ({"key": "ID"}, "tab 'People' gives LMS fields but is not a roster tab"),
    ],
)
def test_a_template_that_breaks_the_mapping_is_refused(
    tab: dict[str, object], message: str
) -> None:
    with pytest.raises(TemplateError, match=message):
        parse_template(_template(**tab))


def test_a_kind_belongs_to_one_tab_and_one_tab_is_main() -> None:
    data = _template(roster=True, key="ID", kind="people", main=True)
    tabs = data["tabs"]
    assert isinstance(tabs, list)
    twin = {**tabs[0], "name": "Staff"}
    with pytest.raises(TemplateError, match="tabs 'People' and 'Staff' both hold kind 'people'"):
        parse_template({"tabs": [tabs[0], twin]})
    with pytest.raises(TemplateError, match="more than one tab main"):
        parse_template({"tabs": [tabs[0], {**twin, "kind": "staff"}]})
    with pytest.raises(TemplateError, match="marks no tab main"):
        _ = parse_template(_template(roster=True, key="ID", kind="people")).main_tab


def test_actions_take_their_kind_and_id_column_from_their_tab() -> None:
    actions = registry()
    for spec in actions.catalogue:
        action = actions.action(spec)
        if spec.tab:
            tab = TEMPLATE.require(spec.tab)
            assert action.id_column == tab.key, spec.name
            explicit = action.kind != tab.kind
        else:
            assert action.id_column == "", spec.name
            explicit = True
        if explicit:
            # An action's own kind (a setting, reports, a transfer, a sync) is no roster kind.
            assert TEMPLATE.tab_of_kind(action.kind) is None, spec.name


def test_an_action_on_a_roster_tab_gets_its_kind_and_id_column_from_the_template() -> None:
    spec = ActionSpec("Edgenuity", "archive courses", "archive", "courses", "Courses", True, "")
    action = Action(spec).on(TEMPLATE)
    assert (action.kind, action.id_column) == ("courses", "Course ID")
    assert Action(spec, kind="sync").on(TEMPLATE).kind == "sync"
    calendar = ActionSpec("Edgenuity", "set holidays", "set", "holidays", "Calendar", False, "")
    with pytest.raises(ValueError, match="must give kind="):
        Action(calendar).on(TEMPLATE)
    assert Action(calendar, kind="settings").on(TEMPLATE).id_column == ""


BOT = Path(bot.__file__).parent
LOADER = BOT / "templates.py"
ROSTERS = TEMPLATE.roster_tabs
ROSTER_KINDS = {tab.kind for tab in ROSTERS}
# What the template says, as (one literal, the literal it determines) pairs: tab -> key column,
# tab -> kind, kind -> tab, kind -> key column, roster column -> LMS field.
FACTS = {
    *((tab.name, tab.key) for tab in ROSTERS),
    *((tab.name, tab.kind) for tab in ROSTERS),
    *((tab.kind, tab.name) for tab in ROSTERS),
    *((tab.kind, tab.key) for tab in ROSTERS),
    *((column, name) for tab in ROSTERS for column, name in tab.fields.items()),
}


def _text(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _restated(tree: ast.AST) -> list[tuple[int, str]]:
    """Places that state a fact of the template again: an ``id_column=`` or roster ``kind=``
    given literally, a dict item ``fact: determined`` (the value alone, or first in a tuple),
    or a tuple or list holding the two side by side."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg in ("id_column", "kind"):
            given = _text(node.value)
            if given is not None and (node.arg == "id_column" or given in ROSTER_KINDS):
                found.append((node.value.lineno, f"{node.arg}={given!r}"))
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                first = value
                if isinstance(value, ast.Tuple | ast.List) and value.elts:
                    first = value.elts[0]
                pair = (_text(key), _text(first))
                if pair in FACTS:
                    found.append((value.lineno, f"{pair[0]!r}: {pair[1]!r}"))
        elif isinstance(node, ast.Tuple | ast.List):
            texts = [_text(e) for e in node.elts]
            found += [
                (node.lineno, f"({a!r}, {b!r})") for a, b in pairwise(texts) if (a, b) in FACTS
            ]
    return found


def test_no_module_but_the_template_loader_restates_the_mapping() -> None:
    offenders = [
        f"{path.relative_to(BOT.parent)}:{line}: {what}"
        for path in sorted(BOT.rglob("*.py"))
        if path != LOADER
        for line, what in _restated(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert offenders == []


def test_the_check_finds_each_way_of_restating_the_mapping() -> None:
    source = """
KIND_TABS = {"students": ("Students", "Student ID")}
ID_COLUMNS = {"Courses": "Course ID"}
FIELDS = {"First name": "first_name"}
Action(spec, kind="classes", id_column="Class ID")
for column, tab, key in (("Teacher ID", "Educators", "Educator ID"),):
    pass
"""
    assert sorted(_restated(ast.parse(source))) == [
        (2, "'students': 'Students'"),
        (2, "('Students', 'Student ID')"),
        (3, "'Courses': 'Course ID'"),
        (4, "'First name': 'first_name'"),
        (5, "id_column='Class ID'"),
        (5, "kind='classes'"),
        (6, "('Educators', 'Educator ID')"),
    ]
    allowed = """
Action(spec, kind="settings")
LMS_STATES = {"courses": ("archived",)}
for column, tab in (("Teacher ID", "Educators"),):
    pass
"""
    assert _restated(ast.parse(allowed)) == []


def test_the_workbook_adapter_knows_no_checklist_rules() -> None:
    main = TEMPLATE.main_tab
    offenders = []
    for path in sorted((BOT / "workbook").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "bot.core.checklist":
                offenders.append(f"{path.name}:{node.lineno}: imports bot.core.checklist")
            if isinstance(node, ast.Constant) and node.value in (main.name, main.key):
                offenders.append(f"{path.name}:{node.lineno}: {node.value!r}")
    assert offenders == []
