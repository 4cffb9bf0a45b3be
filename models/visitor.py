"""PlanVisitor: traversal of a BotPlan, the base of every exporter (STYLE §6).

Containers (the plan, ``ForEachRow``) call ``start_x``, their children, then ``end_x``;
``start_x`` returning ``False`` skips the children. Leaf steps fall through to
``visit_step``, which raises ``UnsupportedStep``: an exporter that forgets a step type
fails loudly instead of dropping a step of the routine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
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
        PlanStep,
        ReadRange,
        TypeText,
        UseBrowser,
        Wait,
    )


class UnsupportedStep(NotImplementedError):
    """An exporter met a plan step it does not render."""

    def __init__(self, visitor: object, step: object) -> None:
        self.step = step
        super().__init__(
            f"{type(visitor).__name__} cannot render a {type(step).__name__} step; "
            f"add visit_{_snake(type(step).__name__)} to it."
        )


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")


class PlanVisitor:
    """Walk a BotPlan; subclasses override ``visit_x`` / ``start_x`` / ``end_x``."""

    def visit_plan(self, plan: BotPlan) -> None:
        if self.start_plan(plan) is not False:
            self.visit_steps(plan.steps)
        self.end_plan(plan)

    def start_plan(self, plan: BotPlan) -> bool | None:
        return None

    def end_plan(self, plan: BotPlan) -> None:
        return None

    def visit_steps(self, steps: tuple[PlanStep, ...]) -> None:
        for step in steps:
            step.visit(self)

    def visit_for_each_row(self, loop: ForEachRow) -> None:
        if self.start_for_each_row(loop) is not False:
            self.visit_steps(loop.body)
        self.end_for_each_row(loop)

    def start_for_each_row(self, loop: ForEachRow) -> bool | None:
        return None

    def end_for_each_row(self, loop: ForEachRow) -> None:
        return None

    def visit_step(self, step: PlanStep) -> None:
        raise UnsupportedStep(self, step)

    def visit_open_app(self, step: OpenApp) -> None:
        self.visit_step(step)

    def visit_attach_window(self, step: AttachWindow) -> None:
        self.visit_step(step)

    def visit_use_browser(self, step: UseBrowser) -> None:
        self.visit_step(step)

    def visit_click(self, step: Click) -> None:
        self.visit_step(step)

    def visit_type_text(self, step: TypeText) -> None:
        self.visit_step(step)

    def visit_copy_to_variable(self, step: CopyToVariable) -> None:
        self.visit_step(step)

    def visit_paste_variable(self, step: PasteVariable) -> None:
        self.visit_step(step)

    def visit_hotkey(self, step: Hotkey) -> None:
        self.visit_step(step)

    def visit_navigate(self, step: Navigate) -> None:
        self.visit_step(step)

    def visit_read_range(self, step: ReadRange) -> None:
        self.visit_step(step)

    def visit_wait(self, step: Wait) -> None:
        self.visit_step(step)

    def visit_manual_step(self, step: ManualStep) -> None:
        self.visit_step(step)
