"""BotPlan: an RPA-neutral bot skeleton built from one candidate's canonical routine.

``discover.plan.build_plan`` fills it; every exporter only renders it, as a visitor
(``models.visitor.PlanVisitor``). Nothing here holds a recorded typed or copied value:
steps reference variables, table columns or named input placeholders instead.

Steps only dispatch (``step.visit(visitor)``); ``ForEachRow`` is the one container.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from models.routines import Factor, Score, Step, Variant

if TYPE_CHECKING:
    from models.visitor import PlanVisitor

#: How the bot reaches an application's elements.
TECHNOLOGIES: tuple[str, ...] = ("desktop", "browser", "spreadsheet")

#: Selector kinds, most stable first (UiPath ranks automation id > id > name > role).
SELECTOR_KINDS: tuple[str, ...] = (
    "automation_id",
    "id",
    "css",
    "xpath",
    "name",
    "label",
    "role",
    "sheet",
    "cell",
)

#: Click kinds a ``Click`` step may carry.
CLICK_KINDS: tuple[str, ...] = (
    "single",
    "double",
    "right",
    "check",
    "submit",
    "select",
)

#: Where a ``TypeText`` value comes from.
SOURCE_KINDS: tuple[str, ...] = ("variable", "column", "placeholder")


@dataclass(frozen=True, slots=True)
class Selector:
    """One way to find an element: ``kind`` (see ``SELECTOR_KINDS``) and its value."""

    kind: str
    value: str


@dataclass(frozen=True, slots=True)
class Target:
    """A UI element or spreadsheet cell a step acts on.

    ``selectors`` are best first; ``guessed`` is True when no stable selector was
    recorded (only a name, label or role), so the developer must re-indicate it.
    """

    app: str
    technology: str
    label: str
    role: str | None = None
    selectors: tuple[Selector, ...] = ()
    guessed: bool = False

    def selector(self, *kinds: str) -> Selector | None:
        """Return the first selector whose kind is one of `kinds` (all when empty)."""
        for candidate in self.selectors:
            if not kinds or candidate.kind in kinds:
                return candidate
        return None


@dataclass(frozen=True, slots=True)
class App:
    """An application the bot opens or attaches to.

    ``key`` is the identifier steps use; ``process`` the executable (``chrome.exe``);
    ``window`` a title pattern (wildcards ``*``) safe to put in selectors.
    """

    key: str
    name: str
    technology: str
    process: str
    window: str | None = None
    url: str | None = None
    workbook: str | None = None
    browser: str | None = None  # "chrome" | "edge" | "firefox" for browser apps


@dataclass(frozen=True, slots=True)
class Variable:
    """A named value the bot holds: ``text``, ``table``, ``row`` or ``input``."""

    name: str
    kind: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Column:
    """A spreadsheet column read into a table: name, letter and 0-based index."""

    name: str
    letter: str
    index: int


@dataclass(frozen=True, slots=True)
class ValueSource:
    """Where typed text comes from: a variable, a row column or an input placeholder."""

    kind: str
    name: str
    todo: str | None = None


@dataclass(frozen=True, slots=True)
class OpenApp:
    """Start an application (or open its file or start page)."""

    app: str
    todo: str | None = None

    def visit(self, visitor: PlanVisitor) -> None:
        visitor.visit_open_app(self)


@dataclass(frozen=True, slots=True)
class AttachWindow:
    """Bring a desktop application's window to the front and act inside it."""

    app: str

    def visit(self, visitor: PlanVisitor) -> None:
        visitor.visit_attach_window(self)


@dataclass(frozen=True, slots=True)
class UseBrowser:
    """Use (open if needed) a browser on ``url`` and act inside it."""

    app: str
    url: str | None = None

    def visit(self, visitor: PlanVisitor) -> None:
        visitor.visit_use_browser(self)


@dataclass(frozen=True, slots=True)
class Click:
    """Click a target; ``kind`` is one of ``CLICK_KINDS``."""

    target: Target
    kind: str = "single"

    def visit(self, visitor: PlanVisitor) -> None:
        visitor.visit_click(self)


@dataclass(frozen=True, slots=True)
class TypeText:
    """Type text from ``source`` into a target (a field or a spreadsheet cell)."""

    target: Target
    source: ValueSource

    def visit(self, visitor: PlanVisitor) -> None:
        visitor.visit_type_text(self)


@dataclass(frozen=True, slots=True)
class CopyToVariable:
    """Store a value in ``variable``: a row column when ``column`` is set, else the
    text of ``target`` (a UI element's text, or a spreadsheet cell's value)."""

    variable: str
    target: Target | None = None
    column: str | None = None

    def visit(self, visitor: PlanVisitor) -> None:
        visitor.visit_copy_to_variable(self)


@dataclass(frozen=True, slots=True)
class PasteVariable:
    """Put ``variable`` into a target (typed, so no clipboard is needed)."""

    variable: str
    target: Target

    def visit(self, visitor: PlanVisitor) -> None:
        visitor.visit_paste_variable(self)


@dataclass(frozen=True, slots=True)
class Hotkey:
    """Press a key chord (``("ctrl", "s")``); empty ``keys`` carries a ``todo``."""

    app: str
    keys: tuple[str, ...]
    todo: str | None = None

    def visit(self, visitor: PlanVisitor) -> None:
        visitor.visit_hotkey(self)


@dataclass(frozen=True, slots=True)
class Navigate:
    """Go to ``url`` in the browser app."""

    app: str
    url: str

    def visit(self, visitor: PlanVisitor) -> None:
        visitor.visit_navigate(self)


@dataclass(frozen=True, slots=True)
class ReadRange:
    """Read a sheet's rows into ``table``: ``columns`` from ``first_row`` down.

    With ``has_headers`` the row above ``first_row`` holds the column names.
    """

    app: str
    workbook: str
    sheet: str
    table: str
    columns: tuple[Column, ...]
    first_row: int = 2
    has_headers: bool = True
    todo: str | None = None

    def visit(self, visitor: PlanVisitor) -> None:
        visitor.visit_read_range(self)


@dataclass(frozen=True, slots=True)
class Wait:
    """Pause for ``seconds`` (a page or form needs time to settle)."""

    seconds: float
    reason: str = ""

    def visit(self, visitor: PlanVisitor) -> None:
        visitor.visit_wait(self)


@dataclass(frozen=True, slots=True)
class ManualStep:
    """A recorded step the plan cannot turn into a bot action (kept, never dropped)."""

    description: str
    todo: str

    def visit(self, visitor: PlanVisitor) -> None:
        visitor.visit_manual_step(self)


@dataclass(frozen=True, slots=True)
class ForEachRow:
    """Run ``body`` once per row of ``table``, the row held in ``row``."""

    table: str
    row: str
    body: tuple[PlanStep, ...]

    def visit(self, visitor: PlanVisitor) -> None:
        visitor.visit_for_each_row(self)


PlanStep = (
    OpenApp
    | AttachWindow
    | UseBrowser
    | Click
    | TypeText
    | CopyToVariable
    | PasteVariable
    | Hotkey
    | Navigate
    | ReadRange
    | Wait
    | ManualStep
    | ForEachRow
)


@dataclass(frozen=True, slots=True)
class Evidence:
    """Read-only facts about the candidate behind a plan, for documents (PDD).

    ``steps`` are the canonical routine's steps with URLs and window titles already
    stripped of recorded values (unless the plan keeps values).
    """

    candidate_id: str
    name: str
    rank: int
    routine_id: str
    apps: tuple[str, ...]
    why: tuple[str, ...]
    score: Score
    steps: tuple[Step, ...]
    variants: tuple[Variant, ...] = ()
    loop: bool = False
    instance_seconds: tuple[float, ...] = ()

    @property
    def factors(self) -> tuple[Factor, ...]:
        return self.score.factors


@dataclass(frozen=True, slots=True)
class BotPlan:
    """A bot skeleton: apps, variables, ordered steps, TODO notes and evidence.

    ``plan_id`` is stable (the candidate id) and seeds every derived GUID.
    """

    plan_id: str
    name: str
    apps: tuple[App, ...]
    variables: tuple[Variable, ...]
    steps: tuple[PlanStep, ...]
    todos: tuple[str, ...] = ()
    keep_values: bool = False
    evidence: Evidence | None = None

    def visit(self, visitor: PlanVisitor) -> None:
        visitor.visit_plan(self)

    def app(self, key: str) -> App:
        """Return the app called `key`; ``KeyError`` names the known keys."""
        for app in self.apps:
            if app.key == key:
                return app
        known = ", ".join(a.key for a in self.apps) or "none"
        raise KeyError(f"plan {self.plan_id!r} has no app {key!r}; known apps: {known}")

    def variable(self, name: str) -> Variable:
        """Return the variable called `name`; ``KeyError`` when it is not declared."""
        for variable in self.variables:
            if variable.name == name:
                return variable
        raise KeyError(f"plan {self.plan_id!r} declares no variable {name!r}")
