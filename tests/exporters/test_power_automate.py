"""Power Automate Desktop export: golden files, Robin rules, the linter itself."""

from __future__ import annotations

import json

import pytest
from exporter_cases import all_steps_plan

from exporters import power_automate
from exporters._check_pad import MARKER, check_flow


def test_power_automate_golden_files(plans, golden):
    for plan in plans:
        golden(
            f"power-automate/{plan.plan_id}/flow.txt", power_automate.render_flow(plan)
        )


def repository(text: str) -> dict:
    outer = json.loads(text.split(MARKER + "\n", 1)[1])
    return json.loads(outer["ControlRepositorySymbols"][0]["Repository"])


def test_every_referenced_element_is_defined_once(plans):
    text = power_automate.render_flow(plans[0])
    screens = repository(text)["Screens"]
    assert [s["Name"] for s in screens] == ["Web Page '*Google Chrome'"]
    names = [c["Name"] for c in screens[0]["Controls"]]
    assert names == [
        "Input text 'Customer'",
        "Input text 'Amount'",
        "Input text 'IBAN'",
        "Input text 'E-mail'",
        "Input text 'Due date'",
        "Input text 'Comment'",
        "Button 'Save'",
    ]
    selectors = {
        c["Name"]: c["Selectors"][0]["CustomSelector"] for c in screens[0]["Controls"]
    }
    assert selectors["Input text 'Customer'"] == 'input[Id="customer"]'
    assert selectors["Input text 'Comment'"] == 'textarea[Id="comment"]'
    assert selectors["Button 'Save'"] == 'button:contains("Save")'


def test_loop_reads_row_columns_and_types_variables(plans):
    lines = power_automate.render_flow(plans[0]).splitlines()
    assert "LOOP FOREACH row IN rows" in lines
    assert "    SET customer TO row['customer']" in lines
    assert lines.count("END") == 1
    assert any("Text: $'''%customer%'''" in line for line in lines)


def test_desktop_flow_uses_ui_automation_and_send_keys(plans):
    text = power_automate.render_flow(plans[1])
    assert (
        "UIAutomation.FocusWindow.FocusByTitleClass Title: $'''*SAP Easy Access'''"
        in text
    )
    assert "TextToSend: $'''{Control}({S})'''" in text
    assert "ClickType: UIAutomation.ClickType.DoubleClick" in text
    controls = repository(text)["Screens"][0]["Controls"]
    selectors = [c["Selectors"][0]["CustomSelector"] for c in controls]
    assert selectors[0] == 'edit[AutomationId="wnd[0]/usr/ctxtVBAK-VBELN"]'
    screen = repository(text)["Screens"][0]["Selectors"][0]["CustomSelector"]
    assert screen == ':desktop > window[Process="saplogon"][Name$="SAP Easy Access"]'
    assert check_flow(text) == []


def test_strings_escape_quotes_percent_and_backslashes():
    text = power_automate.render_flow(all_steps_plan("50% of Tom's C:\\x"))
    assert "Name: $'''50%% of Tom\\'s C:\\\\x'''" in text
    assert check_flow(text) == []


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("SET customer TO", "SET Error TO", "'Error' is a PAD keyword"),
        ("$'''%customer%'''", "$'''50% off'''", "lone % in string"),
        ("\nEND\n", "\n", "1 block(s) not closed by END"),
        ("Input text \\'Amount\\'']", "Input text \\'Amont\\'']", "is not defined"),
        ("WebAutomation.Click.Click", "WebAutomation.Clik.Click", "unknown action"),
        ("$'''%amount%'''", "$'''%amout%'''", "%amout% is used before it is set"),
        ("WAIT 1", "WAIT soon", "WAIT needs seconds"),
    ],
)
def test_linter_flags_seeded_faults(plans, old, new, message):
    text = power_automate.render_flow(plans[0])
    assert old in text and check_flow(text) == []
    problems = check_flow(text.replace(old, new, 1))
    assert any(message in p for p in problems), problems


def test_linter_rejects_a_broken_repository_block(plans):
    text = power_automate.render_flow(plans[0])
    broken = text.replace('"ConnectionReferences": []', '"ConnectionReferences": [,]')
    problems = check_flow(broken)
    assert problems and problems[0].startswith("ControlRepository block is not valid")
