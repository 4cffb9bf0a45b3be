"""UiPath export: golden files, structure, project.json schema, the checker itself."""

from __future__ import annotations

import json
import uuid

import pytest
from exporter_cases import all_steps_plan
from lxml import etree

from exporters import uipath
from exporters._check_uipath import check_project, check_xaml, parse_selector

UIX = "{http://schemas.uipath.com/workflow/activities/uix}"


def test_uipath_golden_files(plans, golden):
    for plan in plans:
        for name, text in sorted(uipath.render_files(plan).items()):
            golden(f"uipath/{plan.plan_id}/{name}", text)


def test_project_guids_are_uuid5_of_the_plan_id(plans):
    project = json.loads(uipath.render_project_json(plans[0]))
    expected = uuid.uuid5(uuid.NAMESPACE_URL, "deskmine:C-0001:project")
    assert project["projectId"] == str(expected)
    assert uuid.UUID(project["entryPoints"][0]["uniqueId"]).version == 5
    other = json.loads(uipath.render_project_json(plans[1]))
    assert other["projectId"] != project["projectId"]


def test_dependencies_follow_the_technologies_used(plans):
    excel_web = json.loads(uipath.render_project_json(plans[0]))["dependencies"]
    desktop = json.loads(uipath.render_project_json(plans[1]))["dependencies"]
    assert sorted(excel_web) == [
        "UiPath.Excel.Activities",
        "UiPath.System.Activities",
        "UiPath.UIAutomation.Activities",
    ]
    assert sorted(desktop) == [
        "UiPath.System.Activities",
        "UiPath.UIAutomation.Activities",
    ]


def test_loop_body_sits_inside_the_browser_card(plans):
    root = etree.fromstring(uipath.render_xaml(plans[0]).encode())
    cards = root.findall(f".//{UIX}NApplicationCard")
    assert len(cards) == 1
    loop = cards[0].find(".//{http://schemas.uipath.com/workflow/activities}ForEachRow")
    assert loop is not None
    clicks = loop.findall(f".//{UIX}NClick")
    assert [c.get("DisplayName") for c in clicks] == [
        "Click 'Customer'",
        "Click 'Amount'",
        "Click 'IBAN'",
        "TODO Indicate - Click 'E-mail'",
        "Click 'Due date'",
        "Click 'Save'",
    ]
    target = clicks[0].find(f"{UIX}NClick.Target/{UIX}TargetAnchorable")
    assert parse_selector(target.get("FullSelectorArgument")) == [
        ("webctrl", {"id": "customer", "css-selector": "#customer", "name": "customer",
                     "tag": "INPUT"}),
    ]  # fmt: skip
    assert parse_selector(target.get("ScopeSelectorArgument")) == [
        ("html", {"app": "chrome.exe", "title": "*Google Chrome"})
    ]


def test_switching_apps_inside_a_loop_opens_nested_cards():
    root = etree.fromstring(uipath.render_xaml(all_steps_plan()).encode())
    loop = root.find(".//{http://schemas.uipath.com/workflow/activities}ForEachRow")
    nested = loop.findall(f".//{UIX}NApplicationCard")
    assert [c.get("DisplayName") for c in nested] == ["Use Application Notepad: *Field"]
    assert check_project(uipath.render_files(all_steps_plan())) == []


def test_selector_values_are_escaped_inside_the_selector():
    plan = all_steps_plan('Tom\'s <b> & "x"')
    root = etree.fromstring(uipath.render_xaml(plan).encode())
    targets = root.findall(f".//{UIX}TargetAnchorable")
    values = [
        attributes
        for t in targets
        for _, attributes in parse_selector(t.get("FullSelectorArgument"))
    ]
    assert {"id": 'Tom\'s <b> & "x"-id', "tag": "INPUT"} in values


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('x:Class="Main"', 'x:Class="Workflows.Main"', "x:Class must be 'Main'"),
        ("[customer]", "[custmer]", "'custmer' is not a declared variable"),
        ("&lt;webctrl ", "&lt;webctl ", "unknown selector tag <webctl>"),
        (
            'ClickType="Single"',
            'ClickTyp="Single"',
            "NClick has unknown attribute ClickTyp",
        ),
        (
            'x:TypeArguments="sd:DataRow"',
            'x:TypeArguments="zz:DataRow"',
            "unbound prefix 'zz'",
        ),
        ("<uix:NGoToUrl ", "<uix:NGoToURL ", "unknown element"),
    ],
)
def test_checker_flags_seeded_faults(plans, old, new, message):
    text = uipath.render_xaml(plans[0])
    assert old in text and check_xaml(text) == []
    problems = check_xaml(text.replace(old, new, 1))
    assert any(message in p for p in problems), problems


def test_checker_validates_project_json_against_the_schema(plans):
    files = uipath.render_files(plans[0])
    project = json.loads(files["project.json"])
    del project["studioVersion"]
    project["targetFramework"] = "Linux"
    project["dependencies"]["UiPath.System.Activities"] = "latest"
    problems = check_project({**files, "project.json": json.dumps(project)})
    assert "project.json: (root): 'studioVersion' is a required property" in problems
    assert any(
        p.startswith("project.json: targetFramework: 'Linux' is not one of")
        for p in problems
    )
    assert any(
        p.startswith("project.json: dependencies/UiPath.System.Activities:")
        for p in problems
    )


def test_checker_requires_the_main_workflow(plans):
    files = uipath.render_files(plans[0])
    del files["Main.xaml"]
    assert check_project(files) == [
        "project.json: names 'Main.xaml', which is not in the project",
        "project.json: names 'Main.xaml', which is not in the project",
    ]


@pytest.mark.parametrize(
    "selector",
    ["<webctrl id='a' ", "text<wnd app='x' />", "<wnd app='x'><ctrl /></wnd>", ""],
)
def test_parse_selector_rejects_malformed_strings(selector):
    with pytest.raises(ValueError, match="selector"):
        parse_selector(selector)
