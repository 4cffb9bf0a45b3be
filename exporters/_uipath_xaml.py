"""Main.xaml writer for the UiPath export: a PlanVisitor building the tree with lxml.

App cards open lazily: a UI step for an app with no open card in the current
container opens one; a ForEachRow body starts with no card of its own and reuses
the enclosing card when the app is the same.
"""

from __future__ import annotations

from pathlib import PureWindowsPath

from lxml import etree

from exporters._escape import one_line, vb_string, xml_text
from exporters._keys import uipath_shortcut
from exporters._uipath_selectors import app_selector, element_selector
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

_SCO = "clr-namespace:System.Collections.ObjectModel;assembly=System.Private.CoreLib"
_UEAB = (
    "clr-namespace:UiPath.Excel.Activities.Business;assembly=UiPath.Excel.Activities"
)
NAMESPACES = {
    None: "http://schemas.microsoft.com/netfx/2009/xaml/activities",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "s": "clr-namespace:System;assembly=System.Private.CoreLib",
    "sap": "http://schemas.microsoft.com/netfx/2009/xaml/activities/presentation",
    "sap2010": "http://schemas.microsoft.com/netfx/2010/xaml/activities/presentation",
    "sco": _SCO,
    "sd": "clr-namespace:System.Data;assembly=System.Data.Common",
    "ue": "clr-namespace:UiPath.Excel;assembly=UiPath.Excel.Activities",
    "ueab": _UEAB,
    "ui": "http://schemas.uipath.com/workflow/activities",
    "uix": "http://schemas.uipath.com/workflow/activities/uix",
    "x": "http://schemas.microsoft.com/winfx/2006/xaml",
}
IMPORTS = (
    "System",
    "System.Activities",
    "System.Activities.Statements",
    "System.Data",
    "System.Linq",
    "UiPath.Core",
    "UiPath.Core.Activities",
    "UiPath.Excel",
    "UiPath.Excel.Activities.Business",
    "UiPath.UIAutomationNext.Activities",
    "UiPath.UIAutomationNext.Enums",
)
REFERENCES = (
    "System.Activities",
    "System.Data.Common",
    "System.Linq",
    "System.Private.CoreLib",
    "UiPath.Excel.Activities",
    "UiPath.System.Activities",
    "UiPath.UIAutomation.Activities",
)
_BROWSER_TYPES = {"chrome": "Chrome", "edge": "Edge", "firefox": "Firefox"}


def _q(prefix: str | None, name: str) -> str:
    return f"{{{NAMESPACES[prefix]}}}{name}"


def render_main(plan: BotPlan) -> str:
    """Return the Main.xaml text for `plan`."""
    writer = XamlWriter(plan)
    plan.visit(writer)
    xml = etree.tostring(writer.root, encoding="unicode", pretty_print=True)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + xml


def _attr_text(text: str) -> str:
    # XAML reads a leading "{" as a markup extension; "{}" escapes it.
    clean = xml_text(text)
    return "{}" + clean if clean.startswith("{") else clean


class _Frame:
    """One container level: where children go, and the app card open in it."""

    def __init__(self, container: etree._Element) -> None:
        self.container = container
        self.card_app: str | None = None
        self.card_body: etree._Element | None = None


class XamlWriter(PlanVisitor):
    def __init__(self, plan: BotPlan) -> None:
        self.plan = plan
        self.root = etree.Element(_q(None, "Activity"), nsmap=NAMESPACES)
        self.frames: list[_Frame] = []
        self.row = "row"
        self.object_variables: set[str] = set()

    # -- element helpers ----------------------------------------------------
    def sub(self, parent, prefix, name, **attributes) -> etree._Element:
        element = etree.SubElement(parent, _q(prefix, name))
        for key, value in sorted(attributes.items()):
            element.set(key.replace("__", ":"), _attr_text(value))
        return element

    def body_sequence(
        self, owner, prefix, name, type_argument: str, argument: str, display: str
    ) -> etree._Element:
        holder = self.sub(owner, prefix, f"{name}.Body")
        action = self.sub(holder, None, "ActivityAction")
        action.set(_q("x", "TypeArguments"), type_argument)
        argument_holder = self.sub(action, None, "ActivityAction.Argument")
        delegate = self.sub(argument_holder, None, "DelegateInArgument", Name=argument)
        delegate.set(_q("x", "TypeArguments"), type_argument)
        return self.sub(action, None, "Sequence", DisplayName=display)

    @property
    def frame(self) -> _Frame:
        return self.frames[-1]

    def insert_point(self) -> etree._Element:
        frame = self.frame
        return frame.card_body if frame.card_body is not None else frame.container

    def active_card(self) -> str | None:
        for frame in reversed(self.frames):
            if frame.card_app is not None:
                return frame.card_app
        return None

    def ui_parent(
        self, app_key: str, *, open_mode: str = "IfNotOpen"
    ) -> etree._Element:
        if self.active_card() == app_key and open_mode != "Always":
            return self.insert_point()
        frame = self.frame
        app = self.plan.app(app_key)
        verb = "Use Browser" if app.technology == "browser" else "Use Application"
        display = one_line(f"{verb} {app.name}: {app.window or app.process}", 300)
        if app.window is None:
            display = "TODO Indicate - " + display
        card = self.sub(
            frame.container,
            "uix",
            "NApplicationCard",
            DisplayName=display,
            OpenMode=open_mode,
            AttachMode="ByInstance",
            CloseMode="Never",
        )
        body = self.body_sequence(
            card, "uix", "NApplicationCard", "x:Object", "WSSessionData", "Do"
        )
        target_holder = self.sub(card, "uix", "NApplicationCard.TargetApp")
        target_app = {"Selector": app_selector(app)}
        if app.technology == "browser":
            target_app["BrowserType"] = _BROWSER_TYPES.get(app.browser or "", "Chrome")
            if app.url:
                target_app["Url"] = f"[{vb_string(app.url)}]"
        else:
            target_app["FilePath"] = f"[{vb_string(app.process)}]"
        self.sub(target_holder, "uix", "TargetApp", **target_app)
        frame.card_app, frame.card_body = app_key, body
        return body

    def ui_activity(self, name: str, verb: str, target: Target, **attributes):
        parent = self.ui_parent(target.app)
        label = one_line(target.label, 200)
        display = f"{verb} '{label}'"
        if target.guessed:
            display = f"TODO Indicate - {display}"
        activity = self.sub(parent, "uix", name, DisplayName=display, **attributes)
        hints = [f"{s.kind}={one_line(s.value, 500)}" for s in target.selectors]
        activity.set(
            _q("sap2010", "Annotation.AnnotationText"),
            _attr_text("Recorded selector hints: " + "; ".join(hints)),
        )
        holder = self.sub(activity, "uix", f"{name}.Target")
        app = self.plan.app(target.app)
        self.sub(
            holder,
            "uix",
            "TargetAnchorable",
            FullSelectorArgument=element_selector(app, target),
            ScopeSelectorArgument=app_selector(app),
            SearchSteps="Selector",
        )
        return activity

    def expression(self, source: ValueSource) -> str:
        if source.kind == "column":
            key = self.plan.column(source.name).key
            return f"[{self.row}({vb_string(key)}).ToString]"
        return self.variable_text(source.name)

    def variable_text(self, name: str) -> str:
        return f"[{name}.ToString]" if name in self.object_variables else f"[{name}]"

    def excel_card(self, app_key: str, verb: str, read_only: bool) -> etree._Element:
        app = self.plan.app(app_key)
        workbook = PureWindowsPath(one_line(app.workbook or "workbook.xlsx")).name
        card = self.sub(
            self.insert_point(),
            "ueab",
            "ExcelApplicationCard",
            DisplayName=one_line(f"Use Excel File {workbook}: {verb}", 300),
            WorkbookPath=f"[{vb_string(workbook)}]",
            ReadOnly=str(read_only),
            AutoSave=str(not read_only),
            CreateNewFile="False",
        )
        note = f"TODO put {workbook} in the project folder or give its full path."
        card.set(_q("sap2010", "Annotation.AnnotationText"), _attr_text(note))
        return self.body_sequence(
            card,
            "ueab",
            "ExcelApplicationCard",
            "ue:IWorkbookQuickHandle",
            "Excel",
            "Do",
        )

    # -- plan ----------------------------------------------------------------
    def start_plan(self, plan: BotPlan) -> None:
        root = self.root
        root.set(_q("mc", "Ignorable"), "sap sap2010")
        root.set(_q("x", "Class"), "Main")
        inputs = [v for v in plan.variables if v.kind == "input"]
        if inputs:
            members = self.sub(root, "x", "Members")
            for variable in inputs:
                self.sub(members, "x", "Property", Name=variable.name).set(
                    "Type", "InArgument(x:String)"
                )
        imports = self.sub(root, None, "TextExpression.NamespacesForImplementation")
        collection = self.sub(imports, "sco", "Collection")
        collection.set(_q("x", "TypeArguments"), "x:String")
        for name in IMPORTS:
            self.sub(collection, "x", "String").text = name
        references = self.sub(root, None, "TextExpression.ReferencesForImplementation")
        collection = self.sub(references, "sco", "Collection")
        collection.set(_q("x", "TypeArguments"), "AssemblyReference")
        for name in REFERENCES:
            self.sub(collection, None, "AssemblyReference").text = name
        title = one_line(f"{plan.plan_id} {plan.name}", 300)
        if plan.evidence is not None:
            score = plan.evidence.score
            title += (
                f" (mined: {score.instances} runs, median {score.median_human_s:.0f} s)"
            )
        main = self.sub(root, None, "Sequence", DisplayName=title)
        if plan.todos:
            main.set(
                _q("sap2010", "Annotation.AnnotationText"),
                _attr_text("\n".join(f"TODO {one_line(t)}" for t in plan.todos)),
            )
        holder = self.sub(main, None, "Sequence.Variables")
        self.object_variables = _cell_variables(plan)
        for variable in plan.variables:
            if variable.kind in ("input", "row"):
                continue
            if variable.kind == "table":
                type_argument = "sd:DataTable"
            elif variable.name in self.object_variables:
                type_argument = "x:Object"
            else:
                type_argument = "x:String"
            element = self.sub(holder, None, "Variable", Name=variable.name)
            element.set(_q("x", "TypeArguments"), type_argument)
        self.frames.append(_Frame(main))

    def start_for_each_row(self, loop: ForEachRow) -> None:
        activity = self.sub(
            self.insert_point(),
            "ui",
            "ForEachRow",
            DisplayName=f"For Each Row in {loop.table}",
            DataTable=f"[{loop.table}]",
        )
        body = self.body_sequence(
            activity, "ui", "ForEachRow", "sd:DataRow", loop.row, "Body"
        )
        self.row = loop.row
        self.frames.append(_Frame(body))

    def end_for_each_row(self, loop: ForEachRow) -> None:
        self.frames.pop()

    # -- steps ---------------------------------------------------------------
    def visit_open_app(self, step: OpenApp) -> None:
        self.ui_parent(step.app, open_mode="Always")
        if step.todo:
            card = self.frame.card_body.getparent().getparent().getparent()
            note = _attr_text(one_line(f"TODO {step.todo}"))
            card.set(_q("sap2010", "Annotation.AnnotationText"), note)

    def visit_attach_window(self, step: AttachWindow) -> None:
        self.ui_parent(step.app)

    def visit_use_browser(self, step: UseBrowser) -> None:
        parent = self.ui_parent(step.app)
        if step.url and parent is not self.frame.card_body:
            return
        app = self.plan.app(step.app)
        if step.url and step.url != app.url:
            self.visit_navigate(Navigate(step.app, step.url))

    def visit_click(self, step: Click) -> None:
        verb = {"double": "Double Click", "right": "Right Click"}.get(
            step.kind, "Click"
        )
        if step.kind == "check":
            verb = "Check"
        if step.kind == "select":
            verb = "TODO Select an item in"
        self.ui_activity(
            "NClick",
            verb,
            step.target,
            ClickType="Double" if step.kind == "double" else "Single",
            MouseButton="Right" if step.kind == "right" else "Left",
            KeyModifiers="None",
        )

    def put_text(self, target: Target, expression: str) -> None:
        if target.technology == "spreadsheet":
            sheet, cell = _cell(target)
            body = self.excel_card(target.app, f"write {cell}", read_only=False)
            self.sub(
                body,
                "ueab",
                "WriteCellX",
                DisplayName=one_line(f"Write Cell {sheet}!{cell}", 300),
                Cell=f"[Excel.Sheet({vb_string(sheet)}).Cell({vb_string(cell)})]",
                Value=expression,
            )
            return
        self.ui_activity(
            "NTypeInto",
            "Type Into",
            target,
            Text=expression,
            EmptyFieldMode="SingleLine",
        )

    def visit_type_text(self, step: TypeText) -> None:
        self.put_text(step.target, self.expression(step.source))

    def visit_paste_variable(self, step: PasteVariable) -> None:
        self.put_text(step.target, self.variable_text(step.variable))

    def visit_copy_to_variable(self, step: CopyToVariable) -> None:
        if step.column is not None:
            assign = self.sub(
                self.insert_point(),
                None,
                "Assign",
                DisplayName=f"Assign {step.variable} = column {step.column}",
            )
            to = self.sub(self.sub(assign, None, "Assign.To"), None, "OutArgument")
            to.set(_q("x", "TypeArguments"), "x:String")
            to.text = f"[{step.variable}]"
            value = self.sub(self.sub(assign, None, "Assign.Value"), None, "InArgument")
            value.set(_q("x", "TypeArguments"), "x:String")
            key = self.plan.column(step.column).key
            value.text = f"[{self.row}({vb_string(key)}).ToString]"
            return
        target = step.target
        if target.technology == "spreadsheet":
            sheet, cell = _cell(target)
            body = self.excel_card(target.app, f"read {cell}", read_only=True)
            self.sub(
                body,
                "ueab",
                "ReadCellValueX",
                DisplayName=one_line(f"Read Cell {sheet}!{cell}", 300),
                Cell=f"[Excel.Sheet({vb_string(sheet)}).Cell({vb_string(cell)})]",
                SaveTo=f"[{step.variable}]",
            )
            return
        self.ui_activity(
            "NGetText", "Get Text", target, TextString=f"[{step.variable}]"
        )

    def visit_hotkey(self, step: Hotkey) -> None:
        parent = self.ui_parent(step.app)
        if step.keys:
            display = "Keyboard Shortcuts " + "+".join(k.title() for k in step.keys)
            shortcuts = uipath_shortcut(step.keys)
        else:
            display, shortcuts = (
                f"TODO Indicate - keys: {one_line(step.todo or '')}",
                "",
            )
        self.sub(parent, "uix", "NKeyboardShortcuts", DisplayName=display,
                 Shortcuts=shortcuts)  # fmt: skip

    def visit_navigate(self, step: Navigate) -> None:
        parent = self.ui_parent(step.app)
        self.sub(parent, "uix", "NGoToUrl", DisplayName="Go To URL",
                 Url=f"[{vb_string(step.url)}]")  # fmt: skip

    def visit_read_range(self, step: ReadRange) -> None:
        body = self.excel_card(step.app, f"read {step.sheet}", read_only=True)
        sheet = f"Excel.Sheet({vb_string(step.sheet)})"
        header = step.first_row - 1 if step.has_headers else step.first_row
        if header > 1:
            first = step.columns[0].letter if step.columns else "A"
            sheet += f".Range({vb_string(f'{first}{header}')})"
        columns = ", ".join(f"{c.letter}={c.name}" for c in step.columns)
        activity = self.sub(
            body,
            "ueab",
            "ReadRangeX",
            DisplayName=one_line(f"Read Range {step.sheet} ({columns})", 300),
            Range=f"[{sheet}]",
            HasHeaders=str(step.has_headers),
            SaveTo=f"[{step.table}]",
        )
        if step.todo:
            note = _attr_text(one_line(f"TODO {step.todo}"))
            activity.set(_q("sap2010", "Annotation.AnnotationText"), note)

    def visit_wait(self, step: Wait) -> None:
        whole = int(step.seconds)
        fraction = round((step.seconds - whole) * 10_000_000)
        hours, rest = divmod(whole, 3600)
        duration = f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}.{fraction:07d}"
        display = f"Delay {step.seconds:g} s"
        self.sub(
            self.insert_point(), None, "Delay", DisplayName=display, Duration=duration
        )

    def visit_manual_step(self, step: ManualStep) -> None:
        self.sub(
            self.insert_point(),
            "ui",
            "Comment",
            DisplayName=one_line(f"TODO {step.todo}", 300),
            Text=one_line(f"// Manual step: {step.description}", 2000),
        )


def _cell(target: Target) -> tuple[str, str]:
    sheet = target.selector("sheet")
    cell = target.selector("cell")
    return (sheet.value if sheet else "Sheet1"), (cell.value if cell else "A1")


def _cell_variables(plan: BotPlan) -> set[str]:
    names = set()
    stack = list(plan.steps)
    while stack:
        step = stack.pop()
        if isinstance(step, ForEachRow):
            stack.extend(step.body)
        elif (
            isinstance(step, CopyToVariable)
            and step.target is not None
            and step.target.technology == "spreadsheet"
        ):
            names.add(step.variable)
    return names
