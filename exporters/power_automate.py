"""Power Automate Desktop export: Robin text to paste into the flow designer.

PAD has no file-based project; users copy ``flow.txt`` and paste it into an empty
flow. UI elements are referenced as ``appmask['Screen']['Element']`` and defined in
the ``# [ControlRepository][PowerAutomateDesktop]`` JSON block PAD itself appends
when copying actions. Strings are ``$'''…'''`` literals (``\\'``, ``%%``, doubled
backslashes); recorded values are never written, only variables and row columns.
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path, PureWindowsPath

from exporters._escape import one_line, robin_key, robin_string
from exporters._files import write_files
from exporters._keys import pad_keys
from exporters._plan_check import check_plan
from models.botplan import (
    App,
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

CONTROL_REPOSITORY_MARKER = "# [ControlRepository][PowerAutomateDesktop]"
_LAUNCH = {"edge": "LaunchEdge", "firefox": "LaunchFirefox"}
_WEB_TYPES = {
    "textbox": ("Input text", "input"),
    "button": ("Button", "button"),
    "link": ("Anchor", "a"),
    "checkbox": ("Input checkbox", "input"),
    "combobox": ("Drop down list", "select"),
}
_DESKTOP_TYPES = {
    "edit": "Edit",
    "textbox": "Edit",
    "button": "Button",
    "tab item": "Tab item",
    "checkbox": "Check box",
    "combobox": "Combo box",
    "status bar": "Status bar",
    "row": "Data item",
    "menu item": "Menu item",
    "list item": "List item",
}
_CLICK_TYPES = {"double": "DoubleClick", "right": "RightClick"}


def render_flow(plan: BotPlan) -> str:
    """Return the Robin text of `plan` (actions, then the control repository)."""
    writer = _RobinWriter(plan)
    plan.visit(writer)
    return writer.text()


def render_files(plan: BotPlan) -> dict[str, str]:
    """Return the export's files, name -> text."""
    check_plan(plan)
    return {"flow.txt": render_flow(plan)}


def export(plan: BotPlan, out_dir: Path) -> list[Path]:
    """Write ``flow.txt`` for `plan` into `out_dir`; return the files written."""
    return write_files(render_files(plan), out_dir)


def _selector_value(text: str) -> str:
    return one_line(text).replace("\\", "\\\\").replace('"', '\\"')


def _web_control(target: Target) -> tuple[str, str, str]:
    kind, tag = _WEB_TYPES.get((target.role or "").lower(), ("Element", "*"))
    css = target.selector("css")
    css_tag = re.match(r"[A-Za-z]+", css.value) if css is not None else None
    if css_tag is not None:
        tag = css_tag.group(0).lower()
    for selector_kind, template in (
        ("id", '{tag}[Id="{value}"]'),
        ("css", "{value}"),
        ("name", '{tag}[Name="{value}"]'),
    ):
        found = target.selector(selector_kind)
        if found is not None:
            value = one_line(found.value)
            if selector_kind != "css":
                value = _selector_value(value)
            return kind, tag, template.format(tag=tag, value=value)
    label = target.selector("label")
    text = _selector_value(label.value if label is not None else target.label)
    return kind, tag, f'{tag}:contains("{text}")'


def _desktop_control(target: Target) -> tuple[str, str, str]:
    kind = _DESKTOP_TYPES.get((target.role or "").lower(), "Element")
    tag = kind.lower().replace(" ", "")
    automation_id = target.selector("automation_id", "id")
    if automation_id is not None:
        return (
            kind,
            tag,
            f'{tag}[AutomationId="{_selector_value(automation_id.value)}"]',
        )
    name = target.selector("name", "label")
    text = _selector_value(name.value if name is not None else target.label)
    return kind, tag, f'{tag}[Name="{text}"]'


def _screen(app: App) -> tuple[str, str, str]:
    title = one_line(app.window or app.name)
    if app.technology == "browser":
        return f"Web Page '{title}'", "domcontainer", ""
    process = PureWindowsPath(app.process).stem
    selector = f':desktop > window[Process="{_selector_value(process)}"]'
    if app.window:
        stem = app.window.lstrip("*")
        operator = "$=" if app.window.startswith("*") else "="
        selector = selector[:-1] + f'][Name{operator}"{_selector_value(stem)}"]'
    return f"Window '{title}'", "window", selector


class _RobinWriter(PlanVisitor):
    def __init__(self, plan: BotPlan) -> None:
        self.plan = plan
        self.lines: list[str] = []
        self.depth = 0
        self.row = "CurrentItem"
        self.browsers: set[str] = set()
        # screen name -> (app, {control name -> (kind, tag, selector)})
        self.screens: dict[str, tuple[App, dict[str, tuple[str, str, str]]]] = {}
        self.control_names: dict[tuple[str, tuple], str] = {}

    def emit(self, line: str) -> None:
        self.lines.append("    " * self.depth + line)

    def comment(self, text: str) -> None:
        self.emit("# " + one_line(text))

    def control(self, target: Target) -> str:
        app = self.plan.app(target.app)
        screen, _, _ = _screen(app)
        if target.technology == "browser":
            kind, tag, selector = _web_control(target)
        else:
            kind, tag, selector = _desktop_control(target)
        key = (screen, (kind, selector))
        if key not in self.control_names:
            controls = self.screens.setdefault(screen, (app, {}))[1]
            base = f"{kind} '{one_line(target.label, 80)}'"
            name, n = base, 2
            while name in controls:
                name, n = f"{base} {n}", n + 1
            controls[name] = (kind, tag, selector)
            self.control_names[key] = name
        name = self.control_names[key]
        return f"appmask['{robin_key(screen)}']['{robin_key(name)}']"

    def value(self, source: ValueSource) -> str:
        if source.kind == "column":
            return f"{self.row}['{robin_key(self.plan.column(source.name).key)}']"
        return f"$'''%{source.name}%'''"

    def browser(self, app_key: str) -> str:
        return f"Browser_{app_key}"

    def todo_target(self, target: Target) -> None:
        if target.guessed:
            self.comment(f"TODO re-capture {target.label}: the selector is a guess.")

    def text(self) -> str:
        body = "\n".join(self.lines) + "\n"
        if not self.screens:
            return body
        return (
            body + "\n" + CONTROL_REPOSITORY_MARKER + "\n\n" + self.repository() + "\n"
        )

    def repository(self) -> str:
        screens = []
        for screen_name, (app, controls) in self.screens.items():
            _, screen_tag, screen_selector = _screen(app)
            screens.append(
                {
                    "Controls": [
                        self.control_json(screen_name, name, kind, tag, selector)
                        for name, (kind, tag, selector) in controls.items()
                    ],
                    "ElementTypeName": "Web Page"
                    if screen_tag == "domcontainer"
                    else "Window",
                    "InstanceId": self.instance_id(screen_name),
                    "Name": screen_name,
                    "ScreenShot": None,
                    "SelectorCount": 1,
                    "Selectors": [self.selector_json(screen_selector)],
                    "Tag": screen_tag,
                }
            )
        inner = json.dumps({"Screens": screens, "Version": 1}, indent=2, sort_keys=True)
        images = json.dumps({"Folders": [], "Images": [], "Version": 1}, indent=2)
        outer = {
            "ControlRepositorySymbols": [
                {
                    "IgnoreImagesOnSerialization": False,
                    "Repository": inner.replace("\n", "\r\n"),
                    "ImportMetadata": {
                        "DisplayName": "Local computer",
                        "ConnectionString": "",
                        "Type": "Local",
                        "DesktopType": "local",
                    },
                    "Name": "appmask",
                }
            ],
            "ImageRepositorySymbol": {
                "Repository": images.replace("\n", "\r\n"),
                "ImportMetadata": {},
                "Name": "imgrepo",
            },
            "ConnectionReferences": [],
        }
        return json.dumps(outer, indent=2, ensure_ascii=False)

    def instance_id(self, *names: str) -> str:
        seed = "\x1f".join((self.plan.plan_id, *names))
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"deskmine:pad:{seed}"))

    def selector_json(self, selector: str) -> dict:
        return {
            "CustomSelector": selector or None,
            "Elements": [],
            "Ignore": False,
            "IsCustom": bool(selector),
            "IsWindowsInstance": False,
            "Name": "Default Selector",
            "Order": 0,
        }

    def control_json(self, screen, name, kind, tag, selector) -> dict:
        return {
            "AutomationProtocol": None,
            "ElementTypeName": kind,
            "InstanceId": self.instance_id(screen, name),
            "Name": name,
            "ScreenShot": None,
            "SelectorCount": 1,
            "Selectors": [self.selector_json(selector)],
            "Tag": tag,
        }

    # -- plan ----------------------------------------------------------------
    def start_plan(self, plan: BotPlan) -> None:
        self.comment(
            f"Bot skeleton exported by deskmine for {plan.plan_id}: {plan.name}. "
            "Paste into an empty flow, then check every UI element."
        )
        for todo in plan.todos:
            self.comment(f"TODO {todo}")
        for variable in plan.variables:
            if variable.kind == "input":
                self.comment(f"TODO set {variable.name}: {variable.description}")
                self.emit(f"SET {variable.name} TO $''''''")

    def start_for_each_row(self, loop: ForEachRow) -> None:
        self.row = loop.row
        self.emit(f"LOOP FOREACH {loop.row} IN {loop.table}")
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
            self.open_browser(app, app.url)
            return
        self.emit(
            "System.RunApplication.RunApplication ApplicationPath: "
            f"{robin_string(app.process)} "
            "WindowStyle: System.ProcessWindowStyle.Normal "
            f"ProcessId=> ProcessId_{app.key}"
        )
        self.focus(app)

    def focus(self, app: App) -> None:
        title = robin_string(app.window or "*")
        self.emit(
            f"UIAutomation.FocusWindow.FocusByTitleClass Title: {title} Class: $''''''"
        )

    def visit_attach_window(self, step: AttachWindow) -> None:
        self.focus(self.plan.app(step.app))

    def visit_use_browser(self, step: UseBrowser) -> None:
        self.open_browser(self.plan.app(step.app), step.url)

    def open_browser(self, app: App, url: str | None) -> None:
        if app.key in self.browsers:
            if url:
                self.navigate(app.key, url)
            return
        self.browsers.add(app.key)
        launch = _LAUNCH.get(app.browser or "", "LaunchChrome")
        self.emit(
            f"WebAutomation.{launch}.{launch} "
            f"Url: {robin_string(url or 'about:blank')} "
            "WindowState: WebAutomation.BrowserWindowState.Normal ClearCache: False "
            "ClearCookies: False WaitForPageToLoadTimeout: 60 Timeout: 60 "
            f"BrowserInstance=> {self.browser(app.key)}"
        )

    def navigate(self, app_key: str, url: str) -> None:
        self.emit(
            f"WebAutomation.GoToWebPage.GoToWebPage BrowserInstance: "
            f"{self.browser(app_key)} Url: {robin_string(url)} "
            "WaitForPageToLoadTimeout: 60"
        )

    def visit_navigate(self, step: Navigate) -> None:
        self.navigate(step.app, step.url)

    def visit_click(self, step: Click) -> None:
        target = step.target
        self.todo_target(target)
        control = self.control(target)
        if target.technology == "browser":
            if step.kind in ("double", "right", "select"):
                self.comment(f"TODO the recording did a {step.kind} click here.")
            self.emit(
                "WebAutomation.Click.Click "
                f"BrowserInstance: {self.browser(target.app)} "
                f"Control: {control} WaitForPageToLoadTimeout: 60"
            )
            return
        click_type = _CLICK_TYPES.get(step.kind, "LeftClick")
        self.emit(
            f"UIAutomation.Click Element: {control} "
            f"ClickType: UIAutomation.ClickType.{click_type} "
            "MousePositionRelativeToElement: "
            "UIAutomation.RectangleEdgePoint.MiddleCenter "
            "OffsetX: 0 OffsetY: 0"
        )

    def put_text(self, target: Target, value: str) -> None:
        self.todo_target(target)
        if target.technology == "spreadsheet":
            sheet, column, row = self.open_cell(target)
            self.emit(
                f"Excel.WriteToExcel.WriteCell Instance: ExcelInstance Value: {value} "
                f"Column: {robin_string(column)} Row: {row}"
            )
            self.emit("Excel.CloseExcel.CloseAndSave Instance: ExcelInstance")
            return
        control = self.control(target)
        if target.technology == "browser":
            self.emit(
                "WebAutomation.PopulateTextField.PopulateTextField BrowserInstance: "
                f"{self.browser(target.app)} Control: {control} Text: {value} "
                "EmulateTyping: True UnfocusAfterPopulate: False "
                "Mode: WebAutomation.PopulateTextMode.Replace"
            )
            return
        self.emit(
            "UIAutomation.PopulateTextField.PopulateTextField "
            f"TextField: {control} Text: {value} "
            "Mode: UIAutomation.PopulateTextMode.Replace "
            "ClickType: UIAutomation.PopulateMouseClickType.SingleClick"
        )

    def open_cell(self, target: Target) -> tuple[str, str, str]:
        app = self.plan.app(target.app)
        sheet = target.selector("sheet")
        cell = target.selector("cell").value
        column = "".join(c for c in cell if c.isalpha())
        row = "".join(c for c in cell if c.isdigit())
        self.launch_excel(app, read_only=False)
        sheet_name = sheet.value if sheet else "Sheet1"
        self.emit(
            "Excel.SetActiveWorksheet.ActivateWorksheetByName Instance: ExcelInstance "
            f"Name: {robin_string(sheet_name)}"
        )
        return sheet_name, column, row

    def launch_excel(self, app: App, *, read_only: bool) -> None:
        workbook = PureWindowsPath(one_line(app.workbook or "workbook.xlsx")).name
        self.emit(
            "Excel.LaunchExcel.LaunchAndOpenUnderExistingProcess "
            f"Path: {robin_string(workbook)} Visible: False ReadOnly: {read_only} "
            "Instance=> ExcelInstance"
        )

    def visit_type_text(self, step: TypeText) -> None:
        if step.source.todo:
            self.comment(f"TODO {step.source.todo}")
        self.put_text(step.target, self.value(step.source))

    def visit_paste_variable(self, step: PasteVariable) -> None:
        self.put_text(step.target, f"$'''%{step.variable}%'''")

    def visit_copy_to_variable(self, step: CopyToVariable) -> None:
        if step.column is not None:
            key = robin_key(self.plan.column(step.column).key)
            self.emit(f"SET {step.variable} TO {self.row}['{key}']")
            return
        target = step.target
        self.todo_target(target)
        if target.technology == "spreadsheet":
            _, column, row = self.open_cell(target)
            self.emit(
                "Excel.ReadFromExcel.ReadCell Instance: ExcelInstance "
                f"StartColumn: {robin_string(column)} StartRow: {row} ReadAsText: True "
                f"CellValue=> {step.variable}"
            )
            self.emit("Excel.CloseExcel.Close Instance: ExcelInstance")
            return
        control = self.control(target)
        if target.technology == "browser":
            self.emit(
                "WebAutomation.GetDetailsOfElement BrowserInstance: "
                f"{self.browser(target.app)} Control: {control} "
                f"AttributeName: $'''Own Text''' AttributeValue=> {step.variable}"
            )
            return
        self.emit(
            f"UIAutomation.GetDetailsOfElement Element: {control} "
            f"AttributeName: $'''Own Text''' AttributeValue=> {step.variable}"
        )

    def visit_hotkey(self, step: Hotkey) -> None:
        if not step.keys:
            self.comment(f"TODO {step.todo}")
            return
        self.emit(
            "MouseAndKeyboard.SendKeys.FocusAndSendKeys "
            f"TextToSend: {robin_string(pad_keys(step.keys))} "
            "DelayBetweenKeystrokes: 10 SendTextAsHardwareKeys: False"
        )

    def visit_read_range(self, step: ReadRange) -> None:
        if step.todo:
            self.comment(f"TODO {step.todo}")
        columns = ", ".join(f"{c.letter}={c.name}" for c in step.columns)
        self.comment(f"Columns: {columns}")
        self.launch_excel(self.plan.app(step.app), read_only=True)
        self.emit(
            "Excel.SetActiveWorksheet.ActivateWorksheetByName Instance: ExcelInstance "
            f"Name: {robin_string(step.sheet)}"
        )
        self.emit(
            "Excel.ReadFromExcel.ReadAllCells Instance: ExcelInstance ReadAsText: True "
            f"FirstLineIsHeader: {step.has_headers} RangeValue=> {step.table}"
        )
        self.emit("Excel.CloseExcel.Close Instance: ExcelInstance")

    def visit_wait(self, step: Wait) -> None:
        if step.reason:
            self.comment(step.reason)
        self.emit(f"WAIT {step.seconds:g}")

    def visit_manual_step(self, step: ManualStep) -> None:
        self.comment(f"TODO {step.todo}")
        self.comment(f"Manual step not automated: {step.description}")
