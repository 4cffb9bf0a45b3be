"""BotPlan contract and PlanVisitor traversal (models/botplan.py, models/visitor.py)."""

from __future__ import annotations

import json

import pytest
from exporter_cases import HOSTILE, all_steps_plan

from models import BotPlan, ForEachRow, PlanVisitor, Selector, Target, UnsupportedStep
from models.botplan import STEP_TYPES, step_from_dict


@pytest.mark.parametrize("label", ["Field", HOSTILE[1], HOSTILE[4]])
def test_plan_round_trips_through_json(label):
    plan = all_steps_plan(label)
    assert BotPlan.from_dict(json.loads(json.dumps(plan.to_dict()))) == plan


def test_fixture_plans_round_trip_with_their_evidence(plans):
    for plan in plans:
        again = BotPlan.from_dict(json.loads(json.dumps(plan.to_dict())))
        assert again == plan
        assert again.evidence.score.factors == plan.evidence.score.factors


def test_all_step_types_appear_in_the_all_steps_plan():
    seen = set()

    def walk(steps):
        for step in steps:
            seen.add(type(step).__name__)
            if isinstance(step, ForEachRow):
                walk(step.body)

    walk(all_steps_plan().steps)
    assert seen == set(STEP_TYPES)


def test_step_from_dict_names_the_known_types():
    with pytest.raises(
        ValueError, match=r"^step type must be one of OpenApp, .*; got 'Fly'\.$"
    ):
        step_from_dict({"type": "Fly"})


class Recorder(PlanVisitor):
    def __init__(self, enter_loops: bool) -> None:
        self.events: list[str] = []
        self.enter_loops = enter_loops

    def start_plan(self, plan):
        self.events.append("start_plan")

    def end_plan(self, plan):
        self.events.append("end_plan")

    def start_for_each_row(self, loop):
        self.events.append("start_loop")
        return None if self.enter_loops else False

    def end_for_each_row(self, loop):
        self.events.append("end_loop")

    def visit_step(self, step):
        self.events.append(type(step).__name__)


def test_visitor_calls_start_children_end_and_false_skips_children():
    plan = all_steps_plan()
    inside = Recorder(enter_loops=True)
    plan.visit(inside)
    skipped = Recorder(enter_loops=False)
    plan.visit(skipped)
    assert inside.events[0] == "start_plan" and inside.events[-1] == "end_plan"
    start = inside.events.index("start_loop")
    end = inside.events.index("end_loop")
    assert inside.events[start + 1 : start + 3] == ["CopyToVariable", "UseBrowser"]
    assert end - start - 1 == len(plan.steps[7].body)
    assert skipped.events[skipped.events.index("start_loop") + 1] == "end_loop"


def test_base_visitor_refuses_leaf_steps_by_name():
    with pytest.raises(
        UnsupportedStep,
        match=r"^PlanVisitor cannot render a OpenApp step; add visit_open_app to it\.$",
    ):
        all_steps_plan().visit(PlanVisitor())


def test_target_selector_returns_the_first_matching_kind():
    target = Target(
        "a", "browser", "x", selectors=(Selector("css", "#a"), Selector("name", "a"))
    )
    assert target.selector() == Selector("css", "#a")
    assert target.selector("name", "id") == Selector("name", "a")
    assert target.selector("xpath") is None


def test_plan_lookups_name_what_is_known():
    plan = all_steps_plan()
    with pytest.raises(KeyError, match="known apps: sheet, web, desk"):
        plan.app("crm")
    with pytest.raises(KeyError, match="declares no variable 'total'"):
        plan.variable("total")
