"""TagUI export: one ``flow.tag`` (TagUI v6 syntax, indentation blocks).

Browser targets become XPath/CSS identifiers; desktop targets become image
identifiers (``<name>.png``, TagUI's visual automation) with a TODO to capture them.
A TagUI step runs to the end of its line and reads backticks as variables, and
``type``/``read`` split on `` as ``/`` to ``: identifiers avoid all three.
"""

from __future__ import annotations

import re
from pathlib import Path, PureWindowsPath
from urllib.parse import quote

from exporters._escape import one_line, xpath_literal
from exporters._files import write_files
from exporters._keys import tagui_keys
from exporters._plan_check import check_plan
from models.botplan import (
    AttachWindow,
    BotPlan,
    Click,
    CopyToVariable,
    ForEachRow,
    Hotkey,
    ManualStep,
    Navigate,
    OpenApp,
    PasteVariable,
    ReadRange,
    Target,
    TypeText,
    UseBrowser,
    ValueSource,
    Wait,
)
from models.visitor import PlanVisitor

# Rows read when the sheet's last row is unknown (TagUI ranges need an end).
MAX_ROWS = 1000
_UNSAFE = re.compile(r"`| as | to ")
_CLICKS = {"double": "dclick", "right": "rclick"}


def render_flow(plan: BotPlan) -> str:
    """Return the ``.tag`` flow of `plan`."""
    writer = _FlowWriter(plan)
    plan.visit(writer)
    return "\n".join(writer.lines) + "\n"


def render_files(plan: BotPlan) -> dict[str, str]:
    """Return the export's files, name -> text."""
    check_plan(plan)
    return {"flow.tag": render_flow(plan)}


def export(plan: BotPlan, out_dir: Path) -> list[Path]:
    """Write ``flow.tag`` for `plan` into `out_dir`; return the files written."""
    return write_files(render_files(plan), out_dir)


def _url(url: str) -> str:
    return quote(one_line(url), safe=":/?&=#%+,;@!$*()~.-_")


def _text_match(expression: str, text: str) -> str:
    pieces = [p for p in _UNSAFE.split(one_line(text)) if p.strip()]
    if len(pieces) == 1 and pieces[0] == one_line(text):
        return f"{expression}={xpath_literal(pieces[0])}"
    return " and ".join(f"contains({expression}, {xpath_literal(p)})" for p in pieces)


def identifier(target: Target) -> str:
    """Return a TagUI identifier for a browser target (XPath first, CSS as recorded)."""
    for kind in ("id", "xpath", "css", "name"):
        found = target.selector(kind)
        if found is None:
            continue
        value = one_line(found.value)
        if kind in ("xpath", "css"):
            if not _UNSAFE.search(value) and value:
                return value
            continue
        attribute = "@id" if kind == "id" else "@name"
        return f"//*[{_text_match(attribute, value)}]"
    label = target.selector("label")
    text = label.value if label is not None else target.label
    match = _text_match("normalize-space()", text) or "true()"
    aria = _text_match("@aria-label", text) or "true()"
    return f"//*[({aria}) or ({match})]"


def image_name(target: Target) -> str:
    """Return the image file a desktop target is found by (TagUI visual automation)."""
    words = re.findall(r"[a-z0-9]+", one_line(target.label).lower())
    return f"{target.app}_{'_'.join(words)[:40] or 'element'}.png"


def _sheet_ref(workbook: str, sheet: str) -> str:
    book = PureWindowsPath(one_line(workbook)).name
    clean = [re.sub(r"[\[\]!`]", "_", part) for part in (book, one_line(sheet))]
    return f"[{clean[0]}]{clean[1]}"


class _FlowWriter(PlanVisitor):
    def __init__(self, plan: BotPlan) -> None:
        self.plan = plan
        self.lines: list[str] = []
        self.depth = 0
        self.table = "rows"
        self.columns: dict[str, int] = {}
        self.images: list[str] = []

    def emit(self, line: str) -> None:
        self.lines.append("    " * self.depth + line)

    def comment(self, text: str) -> None:
        self.emit("// " + one_line(text))

    def element(self, target: Target) -> str:
        if target.guessed:
            self.comment(f"TODO re-indicate {target.label}: the selector is a guess.")
        if target.technology == "browser":
            return identifier(target)
        name = image_name(target)
        self.comment(f"TODO capture {name}: a screenshot of {target.label}.")
        return name

    def value(self, source: ValueSource) -> str:
        if source.kind == "column":
            self.emit(f"{source.name} = {self.table}[n][{self.columns[source.name]}]")
        return f"`{source.name}`"

    # -- plan ----------------------------------------------------------------
    def start_plan(self, plan: BotPlan) -> None:
        self.comment(
            f"Bot skeleton exported by deskmine for {plan.plan_id}: {plan.name}"
        )
        for todo in plan.todos:
            self.comment(f"TODO {todo}")
        for variable in plan.variables:
            if variable.kind == "input":
                self.comment(f"TODO set {variable.name}: {variable.description}")
                self.emit(f'{variable.name} = ""')

    def start_for_each_row(self, loop: ForEachRow) -> None:
        self.table = loop.table
        self.emit(f"for n from 0 to {loop.table}.length-1")
        self.depth += 1

    def end_for_each_row(self, loop: ForEachRow) -> None:
        self.depth -= 1

    # -- steps ---------------------------------------------------------------
    def visit_open_app(self, step: OpenApp) -> None:
        app = self.plan.app(step.app)
        if step.todo:
            self.comment(f"TODO {step.todo}")
        if app.technology == "browser":
            self.emit(_url(app.url or "about:blank"))
            return
        process = re.sub(r"[^A-Za-z0-9_.\-]", "_", one_line(app.process))
        self.emit(f"run cmd /c start {process}")

    def visit_attach_window(self, step: AttachWindow) -> None:
        app = self.plan.app(step.app)
        self.comment(
            f"TODO bring {app.window or app.name} to the front "
            "(TagUI has no window-focus step)."
        )

    def visit_use_browser(self, step: UseBrowser) -> None:
        if step.url:
            self.emit(_url(step.url))

    def visit_navigate(self, step: Navigate) -> None:
        self.emit(_url(step.url))

    def visit_click(self, step: Click) -> None:
        if step.kind in ("check", "select", "submit"):
            self.comment(f"{step.kind}: {step.target.label}")
        element = self.element(step.target)
        self.emit(f"{_CLICKS.get(step.kind, 'click')} {element}")

    def put_text(self, target: Target, value: str) -> None:
        if target.technology == "spreadsheet":
            sheet = target.selector("sheet")
            cell = target.selector("cell").value
            workbook = self.plan.app(target.app).workbook or "workbook.xlsx"
            ref = _sheet_ref(workbook, sheet.value if sheet else "Sheet1")
            self.emit(f"{ref}!{cell} = {value.strip('`')}")
            return
        self.emit(f"type {self.element(target)} as [clear]{value}")

    def visit_type_text(self, step: TypeText) -> None:
        if step.source.todo:
            self.comment(f"TODO {step.source.todo}")
        self.put_text(step.target, self.value(step.source))

    def visit_paste_variable(self, step: PasteVariable) -> None:
        self.put_text(step.target, f"`{step.variable}`")

    def visit_copy_to_variable(self, step: CopyToVariable) -> None:
        if step.column is not None:
            index = self.columns[step.column]
            self.emit(f"{step.variable} = {self.table}[n][{index}]")
            return
        target = step.target
        if target.technology == "spreadsheet":
            sheet = target.selector("sheet")
            cell = target.selector("cell").value
            workbook = self.plan.app(target.app).workbook or "workbook.xlsx"
            ref = _sheet_ref(workbook, sheet.value if sheet else "Sheet1")
            self.emit(f"{step.variable} = {ref}!{cell}")
            return
        self.emit(f"read {self.element(target)} to {step.variable}")

    def visit_hotkey(self, step: Hotkey) -> None:
        if not step.keys:
            self.comment(f"TODO {step.todo}")
            return
        self.emit(f"keyboard {tagui_keys(step.keys)}")

    def visit_read_range(self, step: ReadRange) -> None:
        if step.todo:
            self.comment(f"TODO {step.todo}")
        self.columns = {c.name: c.index for c in step.columns}
        first = step.columns[0].letter if step.columns else "A"
        last = step.columns[-1].letter if step.columns else "A"
        end = step.first_row + MAX_ROWS - 1
        self.comment(
            f"TODO set the last row: rows {step.first_row} to {end} are read; "
            "columns " + ", ".join(f"{c.letter}={c.name}" for c in step.columns)
        )
        ref = _sheet_ref(step.workbook, step.sheet)
        self.emit(f"{step.table} = {ref}!{first}{step.first_row}:{last}{end}")

    def visit_wait(self, step: Wait) -> None:
        if step.reason:
            self.comment(step.reason)
        self.emit(f"wait {step.seconds:g}")

    def visit_manual_step(self, step: ManualStep) -> None:
        self.comment(f"TODO {step.todo}")
        self.comment(f"Manual step not automated: {step.description}")
