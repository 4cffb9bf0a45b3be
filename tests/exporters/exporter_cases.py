"""Exporter test cases: hand-built candidates, hostile labels, an all-steps plan."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from models import (
    App,
    AttachWindow,
    BotPlan,
    Candidate,
    Click,
    Column,
    CopyToVariable,
    ForEachRow,
    Hotkey,
    ManualStep,
    Navigate,
    OpenApp,
    PasteVariable,
    ReadRange,
    Selector,
    Target,
    TypeText,
    UseBrowser,
    ValueSource,
    Variable,
    Wait,
)

DATA = Path(__file__).parents[1] / "data" / "exporters"
GOLDEN = DATA / "golden"
#: Recorded values seeded into the fixture candidates (URL queries, window titles);
#: none may reach an export unless keep_values=True.
SEEDS = ("ALICE-SEED", "tok_SEED_8841", "4711-SEED")
#: Labels that break naive writers: quotes, markup, template syntax, percent signs,
#: line breaks, right-to-left and bidi-control text, 2,000 characters.
HOSTILE = (
    'Tom\'s "quoted" name',
    "<b>&amp;</b> & < >",
    "${x} @{y} %{z} &{w} {{v}}",
    "100% %VAR% %% \\%",
    "line one\nline two\r\n\u2028three\x0bfour",
    "\u0645\u0631\u062d\u0628\u0627 RTL \u202eevil\u202c",
    "n" * 2000,
    "`tick` as to '''",
    "{markup} [expr] \\back\\slash\\",
    "a  b   c  ",
    "# hash | pipe *star*",
)


def load_candidates() -> list[Candidate]:
    data = json.loads((DATA / "candidates.json").read_text("utf-8"))
    return [Candidate.from_dict(c) for c in data["candidates"]]


def hostile_candidate(candidate: Candidate, text: str) -> Candidate:
    """Return `candidate` with `text` in its name and in every recorded target field."""
    steps = []
    for number, step in enumerate(candidate.routine.steps):
        fields = {
            name: f"{text} {number}"
            for name in (
                "target_label",
                "target_name",
                "target_id",
                "target_automation_id",
                "target_css",
                "target_xpath",
            )
            if getattr(step, name) is not None
        }
        if step.cell:  # a copied cell's label is its column header
            fields["target_label"] = f"{text} {number}"
        steps.append(
            replace(
                step,
                label=f"{text} {step.label}",
                window=f"{text} - {step.window}" if step.window else None,
                url=f"{step.url}&q={text}" if step.url else None,
                workbook=f"{text}.xlsx" if step.workbook else None,
                sheet=text if step.sheet else None,
                **fields,
            )
        )
    routine = replace(candidate.routine, steps=tuple(steps))
    return replace(candidate, name=f"{text} {candidate.name}", routine=routine)


def all_steps_plan(label: str = "Field") -> BotPlan:
    """A hand-built plan holding every step type and target technology."""
    web = Target("web", "browser", label, "textbox", (Selector("id", f"{label}-id"),))
    guessed = Target(
        "web", "browser", label, "button", (Selector("label", label),), guessed=True
    )
    desk_selectors = (Selector("automation_id", f"{label}-aid"),)
    desk = Target("desk", "desktop", label, "edit", desk_selectors)
    desk_guess = Target(
        "desk", "desktop", label, None, (Selector("name", label),), guessed=True
    )
    cell_selectors = (Selector("sheet", label), Selector("cell", "C3"))
    cell = Target("sheet", "spreadsheet", label, None, cell_selectors)
    columns = (Column("first", "B", 0), Column("second", "C", 1))
    loop_body = (
        CopyToVariable("first", column="first"),
        UseBrowser("web", "https://x.test/b"),
        Click(web, "double"),
        Click(guessed, "check"),
        Click(web, "select"),
        TypeText(web, ValueSource("column", "second")),
        TypeText(web, ValueSource("placeholder", "in_field", label)),
        PasteVariable("first", web),
        CopyToVariable("page_text", target=web),
        Hotkey("web", ("enter",)),
        Navigate("web", "https://x.test/c?q="),
        Wait(0.5, label),
        AttachWindow("desk"),
        TypeText(desk, ValueSource("variable", "page_text")),
        CopyToVariable("page_text", target=desk),
        Click(desk, "submit"),
    )
    return BotPlan(
        plan_id="C-9999",
        name=f"All steps {label}",
        apps=(
            App("sheet", "Excel", "spreadsheet", "excel.exe", workbook=f"{label}.xlsx"),
            App(
                "web",
                "Edge",
                "browser",
                "msedge.exe",
                f"*{label}",
                url="https://x.test/a",
                browser="edge",
            ),
            App("desk", "Notepad", "desktop", "notepad.exe", f"*{label}"),
        ),
        variables=(
            Variable("rows", "table", label),
            Variable("row", "row", label),
            Variable("first", "text", label),
            Variable("page_text", "text", label),
            Variable("in_field", "input", label),
        ),
        steps=(
            OpenApp("desk", f"TODO {label}"),
            Hotkey("desk", ("ctrl", "shift", "f5")),
            Hotkey("desk", (), f"keys? {label}"),
            Click(desk_guess, "right"),
            CopyToVariable("first", target=cell),
            ReadRange("sheet", f"{label}.xlsx", label, "rows", columns, 3, True, label),
            OpenApp("web"),
            ForEachRow("rows", "row", loop_body),
            TypeText(cell, ValueSource("variable", "first")),
            AttachWindow("sheet"),
            Click(
                Target("sheet", "desktop", label, "button", (Selector("name", label),))
            ),
            ManualStep(f"drag {label}", f"TODO {label}"),
            Wait(2, ""),
        ),
        todos=(f"TODO {label}",),
    )
