"""Robot Framework + RPA Framework export: a Robocorp-style robot folder.

Files: ``tasks.robot`` (one task), ``robot.yaml`` (how to run it), ``conda.yaml``
(rpaframework pinned). Libraries: RPA.Excel.Files for sheets, RPA.Browser.Selenium
for browsers, RPA.Windows (UI Automation) for desktop apps. Keyword names are
qualified with their library whenever two imported libraries share the name, as
``robot --dryrun`` rejects ambiguous names.
"""

from __future__ import annotations

from pathlib import Path, PureWindowsPath

from exporters._escape import (
    one_line,
    robot_cell,
    robot_comment,
    xpath_literal,
    yaml_string,
)
from exporters._files import write_files
from exporters._keys import selenium_keys, windows_keys
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

RPAFRAMEWORK_VERSION = "33.0.2"
LIBRARIES = {
    "spreadsheet": "RPA.Excel.Files",
    "browser": "RPA.Browser.Selenium",
    "desktop": "RPA.Windows",
}
# Keyword names found in more than one of LIBRARIES (rpaframework 33.0.2 libdoc).
_SHARED_NAMES = {
    "Click": ("RPA.Windows",),
    "Close Window": ("RPA.Windows", "RPA.Browser.Selenium"),
    "Double Click": ("RPA.Windows",),
    "Drag And Drop": ("RPA.Windows", "RPA.Browser.Selenium"),
    "Get Text": ("RPA.Windows", "RPA.Browser.Selenium"),
    "Get Value": ("RPA.Windows", "RPA.Browser.Selenium"),
    "Press Keys": ("RPA.Browser.Selenium",),
    "Screenshot": ("RPA.Windows", "RPA.Browser.Selenium"),
}
_UIA_TYPES = {
    "button": "ButtonControl",
    "edit": "EditControl",
    "textbox": "EditControl",
    "text": "TextControl",
    "tab item": "TabItemControl",
    "tab": "TabItemControl",
    "checkbox": "CheckBoxControl",
    "check box": "CheckBoxControl",
    "combobox": "ComboBoxControl",
    "combo box": "ComboBoxControl",
    "menu item": "MenuItemControl",
    "list item": "ListItemControl",
    "row": "DataItemControl",
    "status bar": "StatusBarControl",
    "window": "WindowControl",
    "link": "HyperlinkControl",
}


def render_tasks(plan: BotPlan) -> str:
    """Return ``tasks.robot`` for `plan`."""
    writer = _TasksWriter(plan)
    plan.visit(writer)
    return writer.text()


def render_robot_yaml(plan: BotPlan) -> str:
    """Return ``robot.yaml``: one task running ``tasks.robot`` with python -m robot."""
    task = yaml_string(one_line(f"{plan.plan_id} {plan.name}", 120))
    return (
        "tasks:\n"
        f"  {task}:\n"
        "    shell: python -m robot --report NONE --outputdir output tasks.robot\n"
        "condaConfigFile: conda.yaml\n"
        "artifactsDir: output\n"
        "PATH:\n  - .\n"
        "PYTHONPATH:\n  - .\n"
        "ignoreFiles:\n  - .gitignore\n"
    )


def render_conda_yaml(plan: BotPlan) -> str:
    """Return ``conda.yaml`` pinning Python and rpaframework."""
    return (
        "channels:\n  - conda-forge\n"
        "dependencies:\n"
        "  - python=3.10.14  # rpaframework 33 needs Python >= 3.10\n"
        "  - pip=24.0\n"
        "  - pip:\n"
        f"      - rpaframework=={RPAFRAMEWORK_VERSION}\n"
    )


def render_files(plan: BotPlan) -> dict[str, str]:
    """Return every file of the robot folder, name -> text."""
    check_plan(plan)
    return {
        "tasks.robot": render_tasks(plan),
        "robot.yaml": render_robot_yaml(plan),
        "conda.yaml": render_conda_yaml(plan),
    }


def export(plan: BotPlan, out_dir: Path) -> list[Path]:
    """Write the robot folder for `plan` into `out_dir`; return the files written."""
    return write_files(render_files(plan), out_dir)


def _workbook_variable(app_key: str) -> str:
    return f"${{WORKBOOK_{app_key.upper()}}}"


def _quoted(value: str) -> str | None:
    # RPA.Windows locator values go in double quotes; a quote inside cannot be
    # escaped, so such values fall back to a partial match on their longest part.
    if '"' not in value:
        return f'"{value}"'
    return None


def _windows_locator(target: Target) -> str:
    parts = []
    automation_id = target.selector("automation_id", "id")
    name = target.selector("name", "label")
    role = _UIA_TYPES.get((target.role or "").lower())
    if automation_id is not None and _quoted(automation_id.value):
        parts.append(f"id:{_quoted(one_line(automation_id.value))}")
    elif name is not None:
        value = one_line(name.value)
        if _quoted(value):
            parts.append(f"name:{_quoted(value)}")
        else:
            longest = max(value.split('"'), key=len)
            parts.append(f'subname:"{longest}"')
    if role is not None:
        parts.append(f"type:{role}")
    return " and ".join(parts) or "type:WindowControl"


def _selenium_locator(target: Target) -> str:
    best = target.selector("id", "css", "xpath", "name")
    if best is not None:
        prefix = {"id": "id", "css": "css", "xpath": "xpath", "name": "name"}
        return f"{prefix[best.kind]}:{one_line(best.value)}"
    label = target.selector("label")
    text = one_line(label.value if label is not None else target.label)
    literal = xpath_literal(text)
    return f"xpath://*[@aria-label={literal} or normalize-space()={literal}]"


def _cell(target: Target) -> tuple[str, str, str]:
    sheet = target.selector("sheet")
    cell = target.selector("cell")
    letters = "".join(c for c in cell.value if c.isalpha())
    digits = "".join(c for c in cell.value if c.isdigit())
    return (sheet.value if sheet else "Sheet1"), digits, letters


class _TasksWriter(PlanVisitor):
    def __init__(self, plan: BotPlan) -> None:
        self.plan = plan
        self.lines: list[str] = []
        self.depth = 1
        technologies = set()
        for step in _walk(plan.steps):
            target = getattr(step, "target", None)
            if isinstance(target, Target):
                technologies.add(target.technology)
            elif isinstance(step, ReadRange):
                technologies.add("spreadsheet")
            elif isinstance(step, (UseBrowser, Navigate)):
                technologies.add("browser")
            elif isinstance(step, (OpenApp, AttachWindow, Hotkey)):
                browser = plan.app(step.app).technology == "browser"
                technologies.add("browser" if browser else "desktop")
        self.libraries = [LIBRARIES[t] for t in LIBRARIES if t in technologies]
        self.opened: set[str] = set()
        self.loop_row = "row"

    # -- helpers -------------------------------------------------------------
    def keyword(self, library: str, name: str) -> str:
        others = [lib for lib in _SHARED_NAMES.get(name, ()) if lib != library]
        if any(lib in self.libraries for lib in others):
            return f"{library}.{name}"
        return name

    def emit(self, *cells: str) -> None:
        self.lines.append("    " * self.depth + "    ".join(cells))

    def comment(self, text: str) -> None:
        line = "# " + robot_comment(text)
        if self.lines and self.lines[-1].strip() == line:
            return  # a step's TODO right below the same TODO in the task's list
        self.emit(line)

    def todo_target(self, target: Target) -> None:
        if target.guessed:
            self.comment(f"TODO re-indicate {target.label}: the selector is a guess.")

    def value(self, source: ValueSource) -> str:
        if source.kind == "column":
            return f"${{{self.loop_row}}}[${{column_{source.name}}}]"
        return f"${{{source.name}}}"

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"

    # -- plan ----------------------------------------------------------------
    def start_plan(self, plan: BotPlan) -> None:
        evidence = plan.evidence
        self.lines += ["*** Settings ***"]
        doc = f"Bot skeleton exported by deskmine for {plan.plan_id}: {plan.name}"
        self.lines.append("Documentation       " + robot_cell(one_line(doc)))
        if evidence is not None:
            score = evidence.score
            summary = (
                f"Mined from {score.instances} runs by {score.users} users; "
                f"median {score.median_human_s:.0f} s by hand, "
                f"about {score.hours_per_month:.1f} h/month to save."
            )
            self.lines.append("...                 " + robot_cell(summary))
        for library in self.libraries:
            cells = ["Library", library]
            if library == "RPA.Browser.Selenium":
                cells.append("auto_close=${FALSE}")
            self.lines.append(cells[0].ljust(20) + "    ".join(cells[1:]))
        self.lines += ["", "*** Variables ***"]
        for app in plan.apps:
            if app.workbook:
                name = PureWindowsPath(one_line(app.workbook)).name or "workbook.xlsx"
                path = "${CURDIR}${/}devdata${/}" + robot_cell(name)
                self.lines.append(f"# TODO copy {robot_comment(name)} into devdata/")
                self.lines.append(f"{_workbook_variable(app.key)}    {path}")
        for step in plan.steps:
            if isinstance(step, ReadRange):
                for column in step.columns:
                    # row keys are header texts; a variable keeps them escapable
                    key = robot_cell(column.key)
                    self.lines.append(f"${{column_{column.name}}}    {key}")
        for variable in plan.variables:
            if variable.kind == "input":
                self.lines.append(
                    f"${{{variable.name}}}    ${{EMPTY}}    # TODO "
                    + robot_comment(variable.description)
                )
        self.lines += ["", "*** Tasks ***", robot_cell(one_line(plan.name, 200))]
        self.emit("[Documentation]", robot_cell(f"Candidate {plan.plan_id}."))
        for todo in plan.todos:
            self.comment(f"TODO {todo}")

    def end_plan(self, plan: BotPlan) -> None:
        if any(a.technology == "browser" for a in plan.apps):
            self.emit("[Teardown]", "Close All Browsers")

    def start_for_each_row(self, loop: ForEachRow) -> None:
        self.loop_row = loop.row
        self.emit("FOR", f"${{{loop.row}}}", "IN", f"@{{{loop.table}}}")
        self.depth += 1

    def end_for_each_row(self, loop: ForEachRow) -> None:
        self.depth -= 1
        self.emit("END")

    # -- steps ---------------------------------------------------------------
    def visit_open_app(self, step: OpenApp) -> None:
        app = self.plan.app(step.app)
        if step.todo:
            self.comment(f"TODO {step.todo}")
        if app.technology == "browser":
            self.open_browser(step.app, app.url)
            return
        self.emit("Windows Run", robot_cell(app.process))
        self.emit("Control Window", robot_cell(f"executable:{app.process}"))

    def visit_attach_window(self, step: AttachWindow) -> None:
        app = self.plan.app(step.app)
        self.emit("Control Window", robot_cell(f"executable:{app.process}"))

    def visit_use_browser(self, step: UseBrowser) -> None:
        self.open_browser(step.app, step.url)

    def open_browser(self, key: str, url: str | None) -> None:
        if key in self.opened:
            self.emit("Switch Browser", robot_cell(key))
            if url:
                self.emit("Go To", robot_cell(url))
            return
        self.opened.add(key)
        app = self.plan.app(key)
        browser = {"edge": "edge", "firefox": "firefox"}.get(
            app.browser or "", "chrome"
        )
        cells = ["Open Available Browser", robot_cell(url or "about:blank")]
        self.emit(*cells, f"browser_selection={browser}", f"alias={robot_cell(key)}")

    def visit_click(self, step: Click) -> None:
        target = step.target
        self.todo_target(target)
        if target.technology == "browser":
            name = {
                "double": "Double Click Element",
                "right": "Open Context Menu",
                "check": "Select Checkbox",
            }.get(step.kind, "Click Element")
            if step.kind == "select":
                self.comment("TODO choose the option the routine selects.")
            library = "RPA.Browser.Selenium"
            self.emit(
                self.keyword(library, name), robot_cell(_selenium_locator(target))
            )
            return
        name = {"double": "Double Click", "right": "Right Click"}.get(
            step.kind, "Click"
        )
        locator = robot_cell(_windows_locator(target))
        self.emit(self.keyword("RPA.Windows", name), locator)

    def put_text(self, target: Target, value: str) -> None:
        self.todo_target(target)
        if target.technology == "spreadsheet":
            sheet, row, column = _cell(target)
            self.emit("Open Workbook", _workbook_variable(target.app))
            self.emit("Set Cell Value", row, robot_cell(column), value,
                      f"name={robot_cell(sheet)}")  # fmt: skip
            self.emit("Save Workbook")
            self.emit("Close Workbook")
        elif target.technology == "browser":
            self.emit("Input Text", robot_cell(_selenium_locator(target)), value)
        else:
            locator = robot_cell(_windows_locator(target))
            self.emit("Set Value", locator, value)

    def visit_type_text(self, step: TypeText) -> None:
        if step.source.todo:
            self.comment(f"TODO {step.source.todo}")
        self.put_text(step.target, self.value(step.source))

    def visit_paste_variable(self, step: PasteVariable) -> None:
        self.put_text(step.target, f"${{{step.variable}}}")

    def visit_copy_to_variable(self, step: CopyToVariable) -> None:
        out = f"${{{step.variable}}}="
        if step.column is not None:
            key = f"${{{self.loop_row}}}[${{column_{step.column}}}]"
            self.emit(out, "Set Variable", key)
            return
        target = step.target
        self.todo_target(target)
        if target.technology == "spreadsheet":
            sheet, row, column = _cell(target)
            self.emit("Open Workbook", _workbook_variable(target.app))
            self.emit(out, "Get Cell Value", row, robot_cell(column),
                      f"name={robot_cell(sheet)}")  # fmt: skip
            self.emit("Close Workbook")
        elif target.technology == "browser":
            library = "RPA.Browser.Selenium"
            locator = robot_cell(_selenium_locator(target))
            self.emit(out, self.keyword(library, "Get Text"), locator)
        else:
            locator = robot_cell(_windows_locator(target))
            self.emit(out, self.keyword("RPA.Windows", "Get Value"), locator)

    def visit_hotkey(self, step: Hotkey) -> None:
        app = self.plan.app(step.app)
        if not step.keys:
            self.comment(f"TODO {step.todo}")
            self.emit("Log", robot_cell(f"TODO {step.todo}"), "level=WARN")
            return
        if app.technology == "browser":
            keys = robot_cell(selenium_keys(step.keys))
            self.emit(
                self.keyword("RPA.Browser.Selenium", "Press Keys"), "${NONE}", keys
            )
            return
        self.emit("Send Keys", f"keys={robot_cell(windows_keys(step.keys))}")

    def visit_navigate(self, step: Navigate) -> None:
        self.emit("Go To", robot_cell(step.url))

    def visit_read_range(self, step: ReadRange) -> None:
        if step.todo:
            self.comment(f"TODO {step.todo}")
        names = ", ".join(f"{c.letter}={c.name}" for c in step.columns)
        self.comment(f"Columns: {names}")
        start = step.first_row - 1 if step.has_headers else step.first_row
        self.emit("Open Workbook", _workbook_variable(step.app))
        self.emit(
            f"${{{step.table}}}=",
            "Read Worksheet As Table",
            f"name={robot_cell(step.sheet)}",
            "header=${TRUE}" if step.has_headers else "header=${FALSE}",
            f"start={start}",
        )
        self.emit("Close Workbook")

    def visit_wait(self, step: Wait) -> None:
        if step.reason:
            self.comment(step.reason)
        self.emit("Sleep", f"{step.seconds:g}s")

    def visit_manual_step(self, step: ManualStep) -> None:
        self.comment(f"TODO {step.todo}")
        message = robot_cell(f"Manual step not automated: {step.description}")
        self.emit("Log", message, "level=WARN")


def _walk(steps):
    for step in steps:
        yield step
        if isinstance(step, ForEachRow):
            yield from _walk(step.body)
