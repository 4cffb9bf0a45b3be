"""PDD export: golden files, sections, escaping in Markdown and HTML."""

from __future__ import annotations

from exporter_cases import all_steps_plan
from lxml import html

from exporters import pdd

SECTIONS = [
    "1. Introduction",
    "2. As-is process",
    "3. To-be process",
    "4. Data and privacy",
    "5. Why this candidate",
    "6. Open questions",
    "7. Approval",
]


def test_pdd_golden_files(plans, golden):
    for plan in plans:
        for name, text in sorted(pdd.render_files(plan).items()):
            golden(f"pdd/{plan.plan_id}/{name}", text)


def test_html_has_every_section_and_the_evidence(plans):
    page = html.document_fromstring(pdd.render_html(plans[0]))
    assert [h.text_content() for h in page.findall(".//h2")] == SECTIONS
    cells = [td.text_content() for td in page.findall(".//td")]
    assert "Runs observed" in cells and "12" in cells
    assert "without Chrome|type|Comment" in cells
    assert "Comment happens in 80% of runs" not in cells  # list item, not cell
    items = [li.text_content() for li in page.findall(".//li")]
    assert "Chrome: type Comment happens in 80% of runs" in items
    assert "every pasted value was copied from the sheet in the same run" in items


def test_markdown_escapes_markup_and_pipes():
    text = pdd.render_markdown(all_steps_plan("<b>x</b> | *y*"))
    assert "<b>" not in text
    assert "&lt;b&gt;x&lt;/b&gt; \\| \\*y\\*" in text


def test_html_keeps_recorded_markup_as_text():
    page = html.document_fromstring(pdd.render_html(all_steps_plan("<b>x</b>")))
    assert page.findall(".//b") == []
    assert "All steps <b>x</b>" in page.find(".//h1").text_content()


def test_desktop_pdd_lists_manual_steps_out_of_scope(plans):
    text = pdd.render_markdown(plans[1])
    assert "- Out of scope (manual): drag in SAP Logon: SAP: drag the item row" in text
    assert "| 9 | SAP Logon | drag | Item 10 | name=Item 10 |   | 60% |" in text


def test_data_flow_links_each_entry_to_the_last_copy(plans):
    text = pdd.render_markdown(plans[1])
    assert "| 6 | SAP Logon: Net value | 8 | SAP Logon: Your reference |" in text
    excel = pdd.render_markdown(plans[0])
    assert "| 27 | Excel: E2 | 30 | Chrome: Due date |" in excel
