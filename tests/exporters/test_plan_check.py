"""check_plan: every exporter refuses an inconsistent plan with one clear message."""

from __future__ import annotations

from dataclasses import replace

import pytest
from exporter_cases import all_steps_plan

from exporters import pdd, power_automate, robot, tagui, uipath
from exporters._plan_check import PlanError, check_plan
from models import (
    ForEachRow,
    Hotkey,
    Navigate,
    PasteVariable,
    Selector,
    Target,
    TypeText,
    ValueSource,
)


def test_fixture_and_all_steps_plans_pass(plans):
    for plan in [*plans, all_steps_plan()]:
        check_plan(plan)


def broken_plan():
    plan = all_steps_plan()
    web = Target("web", "browser", "x", None, (Selector("id", "x"),))
    cell = Target("sheet", "spreadsheet", "x", None, (Selector("cell", "B"),))
    extra = (
        Navigate("desk", "https://x.test"),
        PasteVariable("ghost", web),
        TypeText(web, ValueSource("column", "nowhere")),
        TypeText(cell, ValueSource("placeholder", "first")),
        Hotkey("crm", ("ctrl", "hyper")),
        ForEachRow("rows", "row", (ForEachRow("rows", "row", ()),)),
    )
    return replace(plan, steps=plan.steps + extra)


def test_check_plan_lists_every_problem():
    with pytest.raises(PlanError) as error:
        check_plan(broken_plan())
    assert str(error.value).splitlines() == [
        "plan 'C-9999' cannot be exported:",
        "- Navigate needs a browser app; 'desk' is not",
        "- PasteVariable uses 'ghost', not declared as text",
        "- TypeText reads column 'nowhere', never read",
        "- TypeText: a spreadsheet target needs a cell like 'B2'",
        "- TypeText uses 'first', not declared as input",
        "- Hotkey uses app 'crm', which the plan lacks",
        "- Hotkey has unknown keys ['hyper']",
        "- ForEachRow inside ForEachRow is not supported",
    ]


@pytest.mark.parametrize("module", [uipath, power_automate, robot, tagui, pdd])
def test_every_exporter_checks_the_plan_first(module, tmp_path):
    with pytest.raises(PlanError, match="^plan 'C-9999' cannot be exported:"):
        module.export(broken_plan(), tmp_path)
    assert list(tmp_path.iterdir()) == []
