"""TagUI export: golden files, identifiers, the linter itself."""

from __future__ import annotations

import pytest
from exporter_cases import all_steps_plan

from exporters import tagui
from exporters._lint_tagui import check_flow
from models import Selector, Target


def test_tagui_golden_files(plans, golden):
    for plan in plans:
        golden(f"tagui/{plan.plan_id}/flow.tag", tagui.render_flow(plan))


def test_loop_reads_the_range_and_indexes_columns(plans):
    lines = tagui.render_flow(plans[0]).splitlines()
    assert "rows = [customers.xlsx]Customers!A2:E1001" in lines
    assert "for n from 0 to rows.length-1" in lines
    assert "    e_mail = rows[n][3]" in lines
    assert '    type //*[@id="customer"] as [clear]`customer`' in lines


def test_desktop_targets_become_images_with_a_todo(plans):
    text = tagui.render_flow(plans[1])
    assert "// TODO capture sap_logon_order.png: a screenshot of Order." in text
    assert "read sap_logon_net_value.png to net_value" in text
    assert "keyboard [ctrl]s" in text


QUOTED = 'concat("Tom\'s ", \'"\', "x", \'"\', "")'
SPLIT = 'contains({0}, "Save") and contains({0}, "draft")'


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Save", '//*[(@aria-label="Save") or (normalize-space()="Save")]'),
        ('Tom\'s "x"', f"//*[(@aria-label={QUOTED}) or (normalize-space()={QUOTED})]"),
        (
            "Save as `draft`",
            "//*[({}) or ({})]".format(
                SPLIT.format("@aria-label"), SPLIT.format("normalize-space()")
            ),
        ),
    ],
)
def test_label_identifiers_avoid_backticks_and_as(label, expected):
    target = Target("web", "browser", label, None, (Selector("label", label),), True)
    assert tagui.identifier(target) == expected


def test_recorded_css_with_a_backtick_falls_back_to_the_name():
    target = Target(
        "web",
        "browser",
        "x",
        None,
        (Selector("css", "a[title='`x`']"), Selector("name", "q")),
    )
    assert tagui.identifier(target) == '//*[@name="q"]'


def test_all_steps_plan_passes_the_linter():
    assert check_flow(tagui.render_flow(all_steps_plan())) == []


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("as [clear]`amount`", "as [clear]`amont`", "`amont` is used before it is set"),
        ('click //*[@id="amount"]', "click", "target missing"),
        ("wait 1", "wait soon", "wait needs seconds"),
        (
            "    customer = rows[n][0]",
            "  customer = rows[n][0]",
            "unexpected indentation",
        ),
        ('type //*[@id="amount"] as', 'type //*[@id="amount"] to', "type needs"),
        ("for n from 0 to rows.length-1", "for n in rows", "for must be"),
    ],
)
def test_linter_flags_seeded_faults(plans, old, new, message):
    text = tagui.render_flow(plans[0])
    assert old in text and check_flow(text) == []
    problems = check_flow(text.replace(old, new, 1))
    assert any(message in p for p in problems), problems


def test_linter_flags_unknown_keys(plans):
    text = tagui.render_flow(plans[1]).replace("keyboard [ctrl]s", "keyboard [ctl]s")
    assert check_flow(text) == ["line 30: keyboard needs known keys; got '[ctl]s'"]
