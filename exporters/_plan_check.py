"""Checks a BotPlan must pass before any exporter renders it (a visitor run first).

``build_plan`` makes consistent plans; plans built by hand or read back with
``BotPlan.from_dict`` may not be. Every exporter calls ``check_plan`` first, so a
broken plan fails with one message listing every problem instead of a KeyError deep
inside a writer (Robot Framework's ``running/builder/transformers.py`` habit).
"""

from __future__ import annotations

import re

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

_KEYS = frozenset(
    "ctrl alt shift win enter tab esc delete backspace home end pageup pagedown up "
    "down left right space insert".split()
) | {f"f{n}" for n in range(1, 13)}


class PlanError(ValueError):
    """A plan an exporter cannot render; the message lists every problem."""


def check_plan(plan: BotPlan) -> None:
    """Raise ``PlanError`` naming every inconsistency in `plan`; return if none."""
    checker = _PlanChecker(plan)
    plan.visit(checker)
    if checker.problems:
        lines = "\n".join(f"- {p}" for p in checker.problems)
        raise PlanError(f"plan {plan.plan_id!r} cannot be exported:\n{lines}")


class _PlanChecker(PlanVisitor):
    def __init__(self, plan: BotPlan) -> None:
        self.plan = plan
        self.problems: list[str] = []
        self.apps = {a.key: a for a in plan.apps}
        self.variables = {v.name: v.kind for v in plan.variables}
        self.columns: set[str] = set()
        self.tables: set[str] = set()
        self.depth = 0

    def app(self, key: str, where: str, technology: str | None = None) -> None:
        if key not in self.apps:
            self.problems.append(f"{where} uses app {key!r}, which the plan lacks")
        elif technology and self.apps[key].technology != technology:
            self.problems.append(f"{where} needs a {technology} app; {key!r} is not")

    def variable(self, name: str, where: str, kinds: tuple[str, ...]) -> None:
        if self.variables.get(name) not in kinds:
            wanted = " or ".join(kinds)
            self.problems.append(f"{where} uses {name!r}, not declared as {wanted}")

    def target(self, target: Target, where: str) -> None:
        self.app(target.app, where)
        if target.technology == "spreadsheet" and (
            target.selector("cell") is None
            or not re.fullmatch(r"[A-Z]{1,3}[0-9]+", target.selector("cell").value)
        ):
            self.problems.append(
                f"{where}: a spreadsheet target needs a cell like 'B2'"
            )

    def source(self, source: ValueSource, where: str) -> None:
        if source.kind == "column":
            if source.name not in self.columns:
                self.problems.append(
                    f"{where} reads column {source.name!r}, never read"
                )
        elif source.kind == "variable":
            self.variable(source.name, where, ("text",))
        elif source.kind == "placeholder":
            self.variable(source.name, where, ("input",))
        else:
            self.problems.append(f"{where}: unknown value source {source.kind!r}")

    def start_for_each_row(self, loop: ForEachRow) -> None:
        if self.depth:
            self.problems.append("ForEachRow inside ForEachRow is not supported")
        if loop.table not in self.tables:
            self.problems.append(f"ForEachRow loops over {loop.table!r}, never read")
        self.variable(loop.table, "ForEachRow", ("table",))
        self.depth += 1

    def end_for_each_row(self, loop: ForEachRow) -> None:
        self.depth -= 1

    def visit_open_app(self, step: OpenApp) -> None:
        self.app(step.app, "OpenApp")

    def visit_attach_window(self, step: AttachWindow) -> None:
        self.app(step.app, "AttachWindow")

    def visit_use_browser(self, step: UseBrowser) -> None:
        self.app(step.app, "UseBrowser", "browser")

    def visit_navigate(self, step: Navigate) -> None:
        self.app(step.app, "Navigate", "browser")

    def visit_click(self, step: Click) -> None:
        self.target(step.target, "Click")

    def visit_type_text(self, step: TypeText) -> None:
        self.target(step.target, "TypeText")
        self.source(step.source, "TypeText")

    def visit_paste_variable(self, step: PasteVariable) -> None:
        self.target(step.target, "PasteVariable")
        self.variable(step.variable, "PasteVariable", ("text",))

    def visit_copy_to_variable(self, step: CopyToVariable) -> None:
        self.variable(step.variable, "CopyToVariable", ("text",))
        if (step.column is None) == (step.target is None):
            self.problems.append("CopyToVariable needs exactly one of column, target")
        elif step.column is not None:
            if self.depth == 0 or step.column not in self.columns:
                self.problems.append(
                    f"CopyToVariable reads column {step.column!r} outside a row loop "
                    "or never read"
                )
        else:
            self.target(step.target, "CopyToVariable")

    def visit_hotkey(self, step: Hotkey) -> None:
        self.app(step.app, "Hotkey")
        unknown = [
            k for k in step.keys if k not in _KEYS and not re.fullmatch(r"[a-z0-9]", k)
        ]
        if unknown:
            self.problems.append(f"Hotkey has unknown keys {unknown}")
        if not step.keys and not step.todo:
            self.problems.append("Hotkey without keys needs a todo saying why")

    def visit_read_range(self, step: ReadRange) -> None:
        self.app(step.app, "ReadRange", "spreadsheet")
        self.variable(step.table, "ReadRange", ("table",))
        if not step.columns:
            self.problems.append(f"ReadRange into {step.table!r} reads no column")
        self.tables.add(step.table)
        self.columns.update(c.name for c in step.columns)

    def visit_wait(self, step: Wait) -> None:
        if not step.seconds >= 0:
            self.problems.append(f"Wait needs seconds >= 0; got {step.seconds!r}")

    def visit_manual_step(self, step: ManualStep) -> None:
        if not step.todo:
            self.problems.append("ManualStep needs a todo")
