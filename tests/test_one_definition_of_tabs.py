"""The workbook template is the one definition of tabs: which roster tab holds which LMS kind,
its key column (a record's ID), and the LMS field of each roster column."""

from __future__ import annotations

import pytest

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
