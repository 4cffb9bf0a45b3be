"""BotPlan: an RPA-neutral bot skeleton built from one candidate's canonical routine.

``discover.plan.build_plan`` fills it; every exporter only renders it, as a visitor
(``models.visitor.PlanVisitor``). Nothing here holds a recorded typed or copied value:
steps reference variables, table columns or named input placeholders instead.

Steps only dispatch (``step.visit(visitor)``); ``ForEachRow`` is the one container.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

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
    """A spreadsheet column read into a table: name, letter and 0-based index.

    ``name`` is an identifier (variables are named after it); ``header`` is the
    header text as recorded, used to look the column up in a row when known.
    """

    name: str
    letter: str
    index: int
    header: str | None = None

    @property
    def key(self) -> str:
        """The text a row is indexed by: the recorded header, else the name."""
        return self.header if self.header else self.name


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

    def to_dict(self) -> dict[str, Any]:
        return {
            "candidate_id": self.candidate_id,
            "name": self.name,
            "rank": self.rank,
            "routine_id": self.routine_id,
            "apps": list(self.apps),
            "why": list(self.why),
            "score": self.score.to_dict(),
            "steps": [s.to_dict() for s in self.steps],
            "variants": [v.to_dict() for v in self.variants],
            "loop": self.loop,
            "instance_seconds": list(self.instance_seconds),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Evidence:
        return cls(
            candidate_id=data["candidate_id"],
            name=data["name"],
            rank=int(data["rank"]),
            routine_id=data["routine_id"],
            apps=tuple(data["apps"]),
            why=tuple(data["why"]),
            score=Score.from_dict(data["score"]),
            steps=tuple(Step.from_dict(s) for s in data["steps"]),
            variants=tuple(Variant.from_dict(v) for v in data.get("variants", ())),
            loop=bool(data.get("loop", False)),
            instance_seconds=tuple(data.get("instance_seconds", ())),
        )


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

    def to_dict(self) -> dict[str, Any]:
        """Return the plan as JSON-ready data; steps carry their class in ``type``."""
        return {
            "plan_id": self.plan_id,
            "name": self.name,
            "apps": [asdict(a) for a in self.apps],
            "variables": [asdict(v) for v in self.variables],
            "steps": [step_to_dict(s) for s in self.steps],
            "todos": list(self.todos),
            "keep_values": self.keep_values,
            "evidence": None if self.evidence is None else self.evidence.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BotPlan:
        """Rebuild a plan written by ``to_dict``."""
        evidence = data.get("evidence")
        return cls(
            plan_id=data["plan_id"],
            name=data["name"],
            apps=tuple(App(**a) for a in data["apps"]),
            variables=tuple(Variable(**v) for v in data["variables"]),
            steps=tuple(step_from_dict(s) for s in data["steps"]),
            todos=tuple(data.get("todos", ())),
            keep_values=bool(data.get("keep_values", False)),
            evidence=None if evidence is None else Evidence.from_dict(evidence),
        )

    def column(self, name: str) -> Column:
        """Return the column called `name` from the plan's ReadRange steps."""
        for step in self.steps:
            if isinstance(step, ReadRange):
                for column in step.columns:
                    if column.name == name:
                        return column
        raise KeyError(f"plan {self.plan_id!r} reads no column {name!r}")

    def variable(self, name: str) -> Variable:
        """Return the variable called `name`; ``KeyError`` when it is not declared."""
        for variable in self.variables:
            if variable.name == name:
                return variable
        raise KeyError(f"plan {self.plan_id!r} declares no variable {name!r}")


#: Step class name -> class, for ``step_from_dict``.
STEP_TYPES = MappingProxyType(
    {
        cls.__name__: cls
        for cls in (
            OpenApp,
            AttachWindow,
            UseBrowser,
            Click,
            TypeText,
            CopyToVariable,
            PasteVariable,
            Hotkey,
            Navigate,
            ReadRange,
            Wait,
            ManualStep,
            ForEachRow,
        )
    }
)


def step_to_dict(step: PlanStep) -> dict[str, Any]:
    """Return one step as JSON-ready data, its class name under ``type``."""
    data: dict[str, Any] = {"type": type(step).__name__}
    for field in fields(step):
        value = getattr(step, field.name)
        if field.name == "body":
            value = [step_to_dict(s) for s in value]
        elif isinstance(value, (Target, ValueSource)):
            value = asdict(value)
        elif isinstance(value, tuple):
            value = [asdict(v) if isinstance(v, Column) else v for v in value]
        data[field.name] = value
    return data


def step_from_dict(data: dict[str, Any]) -> PlanStep:
    """Rebuild a step written by ``step_to_dict``.

    Raises
    ------
    ValueError
        When ``type`` names no step class.
    """
    kind = data.get("type")
    if kind not in STEP_TYPES:
        known = ", ".join(STEP_TYPES)
        raise ValueError(f"step type must be one of {known}; got {kind!r}.")
    values = {k: v for k, v in data.items() if k != "type"}
    if values.get("target") is not None:
        target = dict(values["target"])
        target["selectors"] = tuple(Selector(**x) for x in target["selectors"])
        values["target"] = Target(**target)
    if "source" in values:
        values["source"] = ValueSource(**values["source"])
    if "columns" in values:
        values["columns"] = tuple(Column(**c) for c in values["columns"])
    if "keys" in values:
        values["keys"] = tuple(values["keys"])
    if "body" in values:
        values["body"] = tuple(step_from_dict(s) for s in values["body"])
    return STEP_TYPES[kind](**values)
