"""build_plan: routine steps -> RPA-neutral BotPlan."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from discover.plan import build_plan, identifier, strip_url, title_pattern
from models import (
    AttachWindow,
    Candidate,
    Click,
    CopyToVariable,
    ForEachRow,
    Hotkey,
    ManualStep,
    Navigate,
    OpenApp,
    PasteVariable,
    ReadRange,
    Step,
    TypeText,
    UseBrowser,
    Wait,
)
from models.keys import parse_keys

CANDIDATES = Path(__file__).parents[1] / "data" / "exporters" / "candidates.json"


def load(candidate_id: str) -> Candidate:
    data = json.loads(CANDIDATES.read_text("utf-8"))
    (found,) = [c for c in data["candidates"] if c["candidate_id"] == candidate_id]
    return Candidate.from_dict(found)


def kinds(steps) -> list[str]:
    return [type(s).__name__ for s in steps]


def test_excel_to_browser_loop_becomes_read_range_and_for_each_row():
    plan = build_plan(load("C-0001"))
    assert kinds(plan.steps) == ["ReadRange", "UseBrowser", "ForEachRow"]
    read, browser, loop = plan.steps
    assert isinstance(read, ReadRange) and isinstance(loop, ForEachRow)
    assert (read.workbook, read.sheet, read.first_row, read.has_headers) == (
        "customers.xlsx",
        "Customers",
        2,
        True,
    )
    assert [(c.name, c.letter, c.index) for c in read.columns] == [
        ("customer", "A", 0),
        ("amount", "B", 1),
        ("iban", "C", 2),
        ("e_mail", "D", 3),
        ("due_date", "E", 4),
    ]
    assert browser == UseBrowser(
        "chrome", "https://crm.example.test/customers/new?ref=&token="
    )
    assert kinds(loop.body) == (
        ["CopyToVariable", "Click", "PasteVariable"] * 5
        + ["TypeText", "Click", "Wait", "Navigate"]
    )
    first_copy, _, first_paste = loop.body[:3]
    assert first_copy == CopyToVariable("customer", column="customer")
    assert isinstance(first_paste, PasteVariable) and first_paste.variable == "customer"


def test_selectors_are_ordered_best_first_and_guessed_when_unstable():
    loop = build_plan(load("C-0001")).steps[2]
    clicks = [s for s in loop.body if isinstance(s, Click)]
    by_label = {c.target.label: c.target for c in clicks}
    assert [s.kind for s in by_label["Customer"].selectors] == [
        "id",
        "css",
        "name",
        "label",
        "role",
    ]
    assert by_label["Customer"].guessed is False
    assert by_label["E-mail"].guessed is True
    assert by_label["Due date"].selector().kind == "xpath"
    assert clicks[-1].kind == "submit"


def test_typed_value_becomes_named_input_with_todo():
    plan = build_plan(load("C-0001"))
    typed = [s for s in plan.steps[2].body if isinstance(s, TypeText)]
    assert [(t.source.kind, t.source.name) for t in typed] == [
        ("placeholder", "in_comment")
    ]
    assert plan.variable("in_comment").kind == "input"
    assert "Provide in_comment" in typed[0].source.todo
    assert typed[0].source.todo in plan.todos


def test_desktop_routine_maps_hotkeys_copy_paste_and_manual_steps():
    plan = build_plan(load("C-0002"))
    assert kinds(plan.steps) == [
        "OpenApp",
        "Click",
        "TypeText",
        "Hotkey",
        "Click",
        "CopyToVariable",
        "Click",
        "PasteVariable",
        "ManualStep",
        "Hotkey",
        "Hotkey",
        "Click",
    ]
    app = plan.app("sap_logon")
    assert (app.technology, app.process, app.window) == (
        "desktop",
        "saplogon.exe",
        "*SAP Easy Access",
    )
    assert isinstance(plan.steps[0], OpenApp)
    hotkeys = [s for s in plan.steps if isinstance(s, Hotkey)]
    assert [h.keys for h in hotkeys] == [("enter",), (), ("ctrl", "s")]
    assert hotkeys[1].todo.startswith("Which keys?")
    steps = list(load("C-0002").routine.steps)
    at = next(
        i for i, s in enumerate(steps) if s.action == "hotkey" and not s.target_label
    )
    steps[at] = replace(steps[at], keys=("f8",))  # the chord discovery kept in clear
    candidate = load("C-0002")
    candidate = replace(
        candidate, routine=replace(candidate.routine, steps=tuple(steps))
    )
    rebuilt = [s for s in build_plan(candidate).steps if isinstance(s, Hotkey)]
    assert [h.keys for h in rebuilt] == [("enter",), ("f8",), ("ctrl", "s")]
    copy, paste = plan.steps[5], plan.steps[7]
    assert copy.variable == "net_value" and copy.target.selector().value == (
        "wnd[0]/usr/txtVBAK-NETWR"
    )
    assert paste == PasteVariable("net_value", paste.target)
    assert isinstance(plan.steps[8], ManualStep)
    assert [s.kind for s in plan.steps if isinstance(s, Click)] == [
        "single",
        "single",
        "double",
        "right",
    ]


def test_consecutive_focus_switches_collapse_into_one_attach():
    sap = load("C-0002")
    focus = Step(app="Notepad", action="focus", label="Notepad: focus")
    typed = Step(
        app="Notepad",
        action="type",
        label="Notepad: type",
        target_automation_id="15",
        value_source="copied",
    )
    steps = (*sap.routine.steps[:6], focus, focus, typed, sap.routine.steps[0])
    plan = build_plan(replace(sap, routine=replace(sap.routine, steps=steps)))
    assert kinds(plan.steps)[-3:] == ["AttachWindow", "TypeText", "OpenApp"]
    assert plan.steps[-3] == AttachWindow("notepad")
    assert plan.steps[-2].source.kind == "variable"
    assert plan.steps[-2].source.name == "net_value"


def test_consecutive_cells_without_loop_flag_still_loop_over_rows():
    candidate = load("C-0001")
    plan = build_plan(
        replace(candidate, routine=replace(candidate.routine, loop=False))
    )
    assert kinds(plan.steps) == ["ReadRange", "UseBrowser", "ForEachRow"]


def test_single_cell_copy_without_loop_reads_the_cell():
    candidate = load("C-0001")
    steps = candidate.routine.steps[:7]  # focus, one copy of A2, paste into Customer
    plan = build_plan(
        replace(candidate, routine=replace(candidate.routine, steps=steps, loop=False))
    )
    assert kinds(plan.steps) == [
        "CopyToVariable",
        "UseBrowser",
        "Click",
        "PasteVariable",
    ]
    target = plan.steps[0].target
    assert (target.technology, [(s.kind, s.value) for s in target.selectors]) == (
        "spreadsheet",
        [("sheet", "Customers"), ("cell", "A2")],
    )


def test_navigate_in_current_browser_keeps_path_and_query_names_only():
    loop = build_plan(load("C-0001")).steps[2]
    assert loop.body[-1] == Navigate(
        "chrome", "https://crm.example.test/customers/new?ref=&token="
    )
    assert isinstance(loop.body[-2], Wait)


def test_keep_values_keeps_query_values_and_full_titles():
    plan = build_plan(load("C-0001"), keep_values=True)
    assert "tok_SEED_8841" in plan.app("chrome").url
    assert plan.app("chrome").window.startswith("New customer ALICE-SEED")
    assert plan.keep_values is True


def test_evidence_carries_score_variants_and_stripped_steps():
    plan = build_plan(load("C-0001"))
    evidence = plan.evidence
    assert (evidence.candidate_id, evidence.rank, evidence.loop) == ("C-0001", 1, True)
    assert evidence.score.median_human_s == 44.0
    assert [v.count for v in evidence.variants] == [10, 2]
    assert len(evidence.instance_seconds) == 12
    assert evidence.instance_seconds == tuple(sorted(evidence.instance_seconds))
    assert not any("SEED" in (s.url or "") + (s.window or "") for s in evidence.steps)


def test_build_plan_rejects_non_candidates_and_empty_routines():
    with pytest.raises(
        TypeError, match=r"^build_plan needs a models.Candidate; got dict"
    ):
        build_plan({})
    candidate = load("C-0002")
    empty = replace(candidate, routine=replace(candidate.routine, steps=()))
    with pytest.raises(ValueError, match=r"^candidate 'C-0002' has no steps"):
        build_plan(empty)


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("Ctrl+S", ("ctrl", "s")),
        ("control + shift + Tab", ("ctrl", "shift", "tab")),
        ("F8", ("f8",)),
        ("Return", ("enter",)),
        ("Ctrl+Hyper", ()),
        (None, ()),
    ],
)
def test_parse_keys_normalises_known_names(text, keys):
    assert parse_keys(text) == keys


def test_strip_url_title_pattern_and_identifier():
    assert (
        strip_url("https://a.test:8443/x?q=secret#frag") == "https://a.test:8443/x?q="
    )
    assert title_pattern("Report") == "Report"
    assert title_pattern(" - Excel") == " - Excel"
    assert identifier("123 go") == "value_123_go"
    assert identifier("%%%", "field") == "field"


def test_identifier_avoids_words_reserved_by_a_target_language():
    assert identifier("Date") == "date_value"  # a VB.NET type in UiPath expressions
    assert identifier("Error") == "error_value"  # a PAD keyword
    assert identifier("Due date") == "due_date"
    assert identifier("Rows") == "rows_value"  # the table every row loop reads
    assert identifier("N") == "n_value"  # TagUI's loop index


def test_cell_written_inside_a_row_loop_gets_a_todo():
    candidate = load("C-0001")
    write = Step(
        app="Excel",
        action="edit_cell",
        label="Excel: edit cell F2",
        workbook="customers.xlsx",
        sheet="Customers",
        cell="F2",
        value_source="typed",
    )
    steps = (*candidate.routine.steps, write)
    plan = build_plan(
        replace(candidate, routine=replace(candidate.routine, steps=steps))
    )
    last = plan.steps[-1].body[-1]
    assert isinstance(last, TypeText) and last.target.technology == "spreadsheet"
    assert "Writes cell F2 on every row: make it relative to the current row." in (
        plan.todos
    )


def test_column_only_cells_with_header_labels_loop_over_rows():
    # The routine builder keeps only the column letter when rows vary by run, and
    # recorders label a copied cell with its header (as in sample_sessions).
    candidate = load("C-0001")
    headers = {"A": "Customer no", "B": "Total", "C": "IBAN", "D": "Mail", "E": "Due"}
    steps = tuple(
        replace(s, cell=s.cell[0], target_label=headers[s.cell[0]])
        if s.app == "Excel" and s.cell
        else s
        for s in candidate.routine.steps
    )
    plan = build_plan(
        replace(candidate, routine=replace(candidate.routine, steps=steps, loop=False))
    )
    read = plan.steps[0]
    assert isinstance(read, ReadRange)
    assert [(c.name, c.letter) for c in read.columns] == [
        ("customer_no", "A"),
        ("total", "B"),
        ("iban", "C"),
        ("mail", "D"),
        ("due", "E"),
    ]
    assert [c.key for c in read.columns] == list(headers.values())
    assert (read.first_row, read.has_headers) == (2, True)
    assert read.todo.endswith("data assumed from row 2.")


def test_column_only_cell_outside_a_loop_is_a_guessed_cell():
    candidate = load("C-0001")
    steps = tuple(
        replace(s, cell="A") if s.cell else s for s in candidate.routine.steps[:7]
    )
    plan = build_plan(
        replace(candidate, routine=replace(candidate.routine, steps=steps, loop=False))
    )
    target = plan.steps[0].target
    assert target.guessed and target.selector("cell").value == "A2"
    assert (
        "Which row of column A? The recording keeps no row number; row 2 assumed."
        in (plan.todos)
    )


def test_app_whose_screens_change_title_is_matched_by_process_only():
    sap = load("C-0002")
    titles = ["SAP Easy Access", "Change Sales Order: Initial Screen"]
    steps = tuple(
        replace(s, window=titles[i % 2]) for i, s in enumerate(sap.routine.steps)
    )
    plan = build_plan(replace(sap, routine=replace(sap.routine, steps=steps)))
    assert plan.app("sap_logon").window is None
    assert build_plan(sap).app("sap_logon").window == "*SAP Easy Access"
