"""Build an RPA-neutral BotPlan from a candidate's canonical routine.

The plan follows ``candidate.routine.steps`` in order. Variants are not merged into
the plan (a bot skeleton follows the main path); they reach the PDD as evidence.
Recorded values never enter the plan: URLs lose their query values and window titles
keep only their stable tail, unless the caller opts in with ``keep_values=True``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from models.botplan import (
    App,
    AttachWindow,
    BotPlan,
    Click,
    Column,
    CopyToVariable,
    Evidence,
    ForEachRow,
    Hotkey,
    ManualStep,
    Navigate,
    OpenApp,
    PasteVariable,
    PlanStep,
    ReadRange,
    Selector,
    Target,
    TypeText,
    UseBrowser,
    ValueSource,
    Variable,
    Wait,
)
from models.keys import parse_keys
from models.routines import Candidate, Step

_BROWSERS = {"chrome": "chrome.exe", "msedge": "msedge.exe", "edge": "msedge.exe"}
_BROWSERS["firefox"] = "firefox.exe"
_CLICK_KINDS = {
    "click": "single",
    "double_click": "double",
    "right_click": "right",
    "check": "check",
    "submit": "submit",
    "select": "select",
}
# A bot finds elements without scrolling, and idle time is no action at all.
_SKIPPED = frozenset({"scroll", "idle"})
# "B7", "$B$7", or "B" alone: routines keep only the column when rows vary by run.
_CELL = re.compile(r"^\$?([A-Za-z]{1,3})(?:\$?([0-9]{1,7}))?$")
DEFAULT_FIRST_ROW = 2  # row 1 holds the headers
# Words no variable may be named in at least one target (VB.NET in UiPath, PAD's
# Robin, JavaScript in TagUI, Robot's FOR/IN syntax).
_RESERVED = frozenset(
    "and as boolean byte call case catch char class const continue date decimal "
    "default delete dim do double each else end error exit false finally for "
    "function get goto if in integer is let like long loop me mod new next not "
    "nothing null object of on or return select set short single step stop "
    "string sub switch then this throw to true try typeof until var void when "
    "while with xor".split()
    # names the exporters themselves use: the row table and row, UiPath's Excel and
    # WSSessionData arguments, PAD's ExcelInstance, TagUI's loop index n
    + "row rows excel excelinstance wssessiondata n".split()
)
TABLE = "rows"
ROW = "row"


def build_plan(candidate: Candidate, *, keep_values: bool = False) -> BotPlan:
    """Turn a candidate's canonical routine into a BotPlan.

    Parameters
    ----------
    candidate : Candidate
        A scored routine; its ``routine.steps`` and ``routine.loop`` drive the plan.
    keep_values : bool, default=False
        Keep recorded URL query values and full window titles. Off by default so
        that no recorded value reaches an export.

    Returns
    -------
    BotPlan
        Apps, variables, steps (with one ``ForEachRow`` when the routine runs over
        spreadsheet rows), TODO notes, and the candidate's evidence.

    Raises
    ------
    TypeError
        When `candidate` is not a ``Candidate``.
    ValueError
        When the routine has no steps.
    """
    if not isinstance(candidate, Candidate):
        raise TypeError(
            f"build_plan needs a models.Candidate; got {type(candidate).__name__}."
        )
    if not candidate.routine.steps:
        raise ValueError(
            f"candidate {candidate.candidate_id!r} has no steps; a plan needs at "
            "least one recorded step."
        )
    return _PlanBuilder(candidate, keep_values).build()


def strip_url(url: str, *, keep_values: bool = False) -> str:
    """Return `url` without user info, fragment and query values (names are kept).

    Examples
    --------
    >>> strip_url("https://u:pw@crm.test/c?id=42&q=Ann#top")
    'https://crm.test/c?id=&q='
    """
    if keep_values:
        return url
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    names = [(name, "") for name, _ in parse_qsl(parts.query, keep_blank_values=True)]
    return urlunsplit((parts.scheme, host, parts.path, urlencode(names), ""))


def title_pattern(window: str | None, *, keep_values: bool = False) -> str | None:
    """Return a window-title pattern: the stable tail after the last `` - ``.

    Titles such as ``"Order 4711 - SAP Easy Access"`` carry record values in front;
    selectors match ``"*SAP Easy Access"`` instead.

    Examples
    --------
    >>> title_pattern("Order 4711 - SAP Easy Access")
    '*SAP Easy Access'
    """
    if window is None or keep_values:
        return window
    head, sep, tail = window.rpartition(" - ")
    return f"*{tail}" if sep and head else window


def identifier(text: str, fallback: str = "value", *, reserved: bool = True) -> str:
    """Return a lower-case ASCII identifier made from `text` (``[a-z][a-z0-9_]*``).

    Examples
    --------
    >>> identifier("Customer name:")
    'customer_name'
    """
    words = re.findall(r"[a-z0-9]+", text.lower())
    name = "_".join(words)[:40].strip("_")
    if not name:
        return fallback
    if reserved and name in _RESERVED:
        return f"{name}_value"
    return name if name[0].isalpha() else f"{fallback}_{name}"


def _split_cell(cell: str | None) -> tuple[str, int | None] | None:
    match = _CELL.match(cell or "")
    if match is None:
        return None
    row = match.group(2)
    return match.group(1).upper(), None if row is None else int(row)


def _column_number(letters: str) -> int:
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - ord("A") + 1
    return number


def _technology(step: Step) -> str:
    app = step.app.lower()
    if "excel" in app or step.workbook:
        return "spreadsheet"
    if step.url or any(name in app for name in ("chrome", "edge", "firefox")):
        return "browser"
    return "desktop"


def _process(app_name: str, technology: str) -> str:
    lower = app_name.lower()
    if technology == "spreadsheet":
        return "excel.exe"
    for name, process in _BROWSERS.items():
        if name in lower:
            return process
    if lower.endswith(".exe"):
        return lower
    if "sap" in lower.split():
        return "saplogon.exe"  # SAP GUI for Windows runs as saplogon.exe
    return f"{identifier(lower, 'app')}.exe"


def _target_label(step: Step) -> str:
    for text in (step.target_label, step.target_name, step.target_id):
        if text:
            return text
    return step.label or step.action


@dataclass
class _Copy:
    variable: str
    column: str | None = None


@dataclass
class _PlanBuilder:
    candidate: Candidate
    keep_values: bool
    apps: dict[str, App] = field(default_factory=dict)
    app_keys: dict[str, str] = field(default_factory=dict)
    variables: dict[str, Variable] = field(default_factory=dict)
    todos: list[str] = field(default_factory=list)
    columns: dict[int, Column] = field(default_factory=dict)  # step index -> column
    attached: set[str] = field(default_factory=set)
    windows: dict[str, set[str]] = field(default_factory=dict)
    current_app: str | None = None
    last_copy: _Copy | None = None

    def build(self) -> BotPlan:
        steps = self.candidate.routine.steps
        for step in steps:
            self._register_app(step)
        read = self._loop_columns(steps)
        body: list[PlanStep] = []
        for index, step in enumerate(steps):
            body.extend(self._map_step(index, step))
        plan_steps: list[PlanStep]
        if read is None:
            plan_steps = body
        else:
            self._declare(TABLE, "table", f"rows of {read.sheet} in {read.workbook}")
            self._declare(ROW, "row", f"the current row of {TABLE}")
            plan_steps = [read, *self._hoist(body)]
        return BotPlan(
            plan_id=self.candidate.candidate_id,
            name=self.candidate.name,
            apps=tuple(self._stable_windows()),
            variables=tuple(self.variables.values()),
            steps=tuple(plan_steps),
            todos=tuple(dict.fromkeys(self.todos)),
            keep_values=self.keep_values,
            evidence=self._evidence(),
        )

    def _hoist(self, body: list[PlanStep]) -> list[PlanStep]:
        # With a single UI app in the loop, attach once before it rather than per row.
        attaches = [s for s in body if isinstance(s, (AttachWindow, UseBrowser))]
        apps = {s.app for s in attaches}
        if len(apps) == 1 and attaches[0] is next(
            s for s in body if not isinstance(s, CopyToVariable) or s.column is None
        ):
            first = attaches[0]
            rest = [s for s in body if s is not first]
            return [first, ForEachRow(TABLE, ROW, tuple(rest))]
        return [ForEachRow(TABLE, ROW, tuple(body))]

    def _stable_windows(self) -> list[App]:
        # One title pattern for all of an app's steps can scope its selectors; an
        # app whose screens change title (SAP transactions) is matched by process.
        return [
            app
            if len(self.windows.get(app.name, ())) <= 1
            else replace(app, window=None)
            for app in self.apps.values()
        ]

    def _register_app(self, step: Step) -> None:
        if step.window is not None:
            self.windows.setdefault(step.app, set()).add(self._window(step))
        if step.app in self.app_keys:
            key = self.app_keys[step.app]
            app = self.apps[key]
            filled = replace(
                app,
                window=app.window or self._window(step),
                url=app.url or self._url(step),
                workbook=app.workbook or step.workbook,
            )
            self.apps[key] = filled
            return
        technology = _technology(step)
        key = identifier(step.app, "app", reserved=False)  # keys are never variables
        while key in self.apps:
            key = f"{key}_{len(self.apps) + 1}"
        self.app_keys[step.app] = key
        process = _process(step.app, technology)
        browser = None
        if technology == "browser":
            browser = {"msedge.exe": "edge", "firefox.exe": "firefox"}.get(
                process, "chrome"
            )
        self.apps[key] = App(
            key=key,
            name=step.app,
            technology=technology,
            process=process,
            window=self._window(step),
            url=self._url(step),
            workbook=step.workbook,
            browser=browser,
        )

    def _window(self, step: Step) -> str | None:
        return title_pattern(step.window, keep_values=self.keep_values)

    def _url(self, step: Step) -> str | None:
        if step.url is None:
            return None
        return strip_url(step.url, keep_values=self.keep_values)

    def _declare(self, name: str, kind: str, description: str) -> str:
        if name not in self.variables:
            self.variables[name] = Variable(name, kind, description)
        return name

    def _fresh(self, base: str, kind: str, description: str) -> str:
        name, n = base, 2
        while name in self.variables or name in (TABLE, ROW):
            name, n = f"{base}_{n}", n + 1
        return self._declare(name, kind, description)

    def _loop_columns(self, steps: tuple[Step, ...]) -> ReadRange | None:
        copies = [
            (i, s, _split_cell(s.cell))
            for i, s in enumerate(steps)
            if s.action in ("copy", "cut") and _technology(s) == "spreadsheet"
        ]
        copies = [(i, s, c) for i, s, c in copies if c is not None]
        if not copies:
            return None
        first = copies[0][1]
        same = [
            (i, c)
            for i, s, c in copies
            if (s.workbook, s.sheet) == (first.workbook, first.sheet)
        ]
        letters = sorted({_column_number(c[0]) for _, c in same})
        rows = {c[1] for _, c in same if c[1] is not None}
        consecutive = (
            len(same) >= 2
            and len(rows) <= 1
            and letters == list(range(letters[0], letters[0] + len(letters)))
        )
        if not (self.candidate.routine.loop or consecutive):
            return None
        lowest = letters[0]
        used: set[str] = set()
        for index, cell in same:
            name = self._column_name(steps, index, cell[0], used)
            used.add(name)
            number = _column_number(cell[0])
            header = steps[index].target_label or None
            self.columns[index] = Column(name, cell[0], number - lowest, header)
        first_row = min(rows) if rows else DEFAULT_FIRST_ROW
        columns = sorted(self.columns.values(), key=lambda c: (c.index, c.name))
        unique = tuple({c.letter: c for c in columns}.values())
        sheet = first.sheet or "Sheet1"
        todo = (
            f"Column names come from the recorded headers or the fields the cells "
            f"were pasted into; match them to the header row of sheet {sheet}."
        )
        if not rows:
            todo += (
                " The recording keeps no row numbers: data assumed from row "
                f"{first_row}."
            )
        self.todos.append(todo)
        return ReadRange(
            app=self.app_keys[first.app],
            workbook=first.workbook or "workbook.xlsx",
            sheet=sheet,
            table=TABLE,
            columns=unique,
            first_row=first_row,
            has_headers=first_row > 1,
            todo=todo,
        )

    def _column_name(
        self, steps: tuple[Step, ...], index: int, letter: str, used: set[str]
    ) -> str:
        name = f"col_{letter.lower()}"
        header = steps[index].target_label  # recorders label a cell by its header
        for later in () if header else steps[index + 1 :]:
            if later.action in ("copy", "cut"):
                break
            if later.action in ("paste", "type", "edit_cell") and (
                later.action == "paste" or later.value_source == "copied"
            ):
                name = identifier(_target_label(later), name)
                break
        if header:
            name = identifier(header, name)
        base, n = name, 2
        while name in used:
            name, n = f"{base}_{n}", n + 1
        return name

    def _target(self, step: Step) -> Target:
        key = self.app_keys[step.app]
        technology = self.apps[key].technology
        label = _target_label(step)
        cell = _split_cell(step.cell)
        if technology == "spreadsheet" and cell is not None:
            sheet = step.sheet or "Sheet1"
            row = cell[1] or DEFAULT_FIRST_ROW
            selectors = (Selector("sheet", sheet), Selector("cell", f"{cell[0]}{row}"))
            if cell[1] is None:
                self.todos.append(
                    f"Which row of column {cell[0]}? The recording keeps no row "
                    f"number; row {row} assumed."
                )
            guessed = cell[1] is None
            return Target(key, technology, label, step.target_role, selectors, guessed)
        if technology == "spreadsheet":
            technology = "desktop"  # Excel's ribbon and dialogs are UIA elements
        pairs = [
            ("automation_id", step.target_automation_id),
            ("id", step.target_id),
            ("css", step.target_css if technology == "browser" else None),
            ("xpath", step.target_xpath if technology == "browser" else None),
            ("name", step.target_name),
            ("label", step.target_label),
            ("role", step.target_role),
        ]
        if technology == "browser":
            pairs[0] = ("automation_id", None)
        selectors = tuple(Selector(k, v) for k, v in pairs if v)
        stable = {"automation_id", "id", "css", "xpath"}
        guessed = not any(s.kind in stable for s in selectors)
        if guessed:
            self.todos.append(
                f"Re-indicate {label!r} in {step.app}: no stable selector."
            )
        return Target(key, technology, label, step.target_role, selectors, guessed)

    def _attach(self, step: Step, *, first_url: str | None = None) -> list[PlanStep]:
        key = self.app_keys[step.app]
        if key == self.current_app:
            return []
        app = self.apps[key]
        url = first_url or (None if key in self.attached else app.url)
        self.current_app = key
        self.attached.add(key)
        if app.technology == "browser":
            return [UseBrowser(key, url)]
        return [AttachWindow(key)]

    def _source(self, step: Step) -> ValueSource:
        if step.value_source == "copied" and self.last_copy is not None:
            if self.last_copy.column is not None:
                return ValueSource("column", self.last_copy.column)
            return ValueSource("variable", self.last_copy.variable)
        label = _target_label(step)
        name = self._fresh(
            f"in_{identifier(label, 'field')}", "input", f"value typed into {label}"
        )
        todo = f"Provide {name}: the recording typed it by hand into {label!r}."
        self.todos.append(todo)
        return ValueSource("placeholder", name, todo)

    def _map_step(self, index: int, step: Step) -> list[PlanStep]:
        action = step.action
        key = self.app_keys[step.app]
        technology = self.apps[key].technology
        if action in _SKIPPED or action in ("focus", "app_switch"):
            # Focus changes become attach steps lazily, before the next UI step, so
            # consecutive switches collapse and data-only apps are never attached.
            return []
        if action in ("select_cell", "select_sheet"):
            return []  # the cell a bot needs is on the copy/edit step (ReadRange)
        if action in ("copy", "cut"):
            return self._map_copy(index, step, technology)
        if action in ("open", "file_open"):
            return self._map_open(step, technology)
        if action == "navigate" and step.url:
            url = strip_url(step.url, keep_values=self.keep_values)
            if key != self.current_app:
                return self._attach(step, first_url=url)
            return [Navigate(key, url)]
        is_cell = technology == "spreadsheet" and _split_cell(step.cell) is not None
        prefix = [] if is_cell else self._attach(step)
        if action in _CLICK_KINDS:
            out: list[PlanStep] = [
                *prefix,
                Click(self._target(step), _CLICK_KINDS[action]),
            ]
            if action == "submit":
                out.append(Wait(1.0, "let the form submit"))
            return out
        if action in ("type", "edit_cell"):
            if is_cell and self.columns:
                self.todos.append(
                    f"Writes cell {step.cell} on every row: make it relative to the "
                    "current row."
                )
            return [*prefix, TypeText(self._target(step), self._source(step))]
        if action == "paste":
            if self.last_copy is None:
                return [*prefix, TypeText(self._target(step), self._source(step))]
            return [*prefix, PasteVariable(self.last_copy.variable, self._target(step))]
        if action in ("hotkey", "key"):
            return [*prefix, self._hotkey(step, key)]
        if action == "file_save":
            return [*prefix, Hotkey(key, ("ctrl", "s"))]
        todo = f"Do by hand or script: {step.label or action} ({action} in {step.app})."
        self.todos.append(todo)
        return [*prefix, ManualStep(f"{action} in {step.app}: {step.label}", todo)]

    def _map_copy(self, index: int, step: Step, technology: str) -> list[PlanStep]:
        column = self.columns.get(index)
        if column is not None:
            variable = self._declare(column.name, "text", f"column {column.letter}")
            self.last_copy = _Copy(variable, column.name)
            return [CopyToVariable(variable, column=column.name)]
        label = _target_label(step)
        variable = self._fresh(identifier(label, "copied"), "text", f"text of {label}")
        self.last_copy = _Copy(variable)
        is_cell = technology == "spreadsheet" and _split_cell(step.cell) is not None
        prefix = [] if is_cell else self._attach(step)
        return [*prefix, CopyToVariable(variable, target=self._target(step))]

    def _map_open(self, step: Step, technology: str) -> list[PlanStep]:
        key = self.app_keys[step.app]
        if technology == "spreadsheet" and self.columns:
            return []  # ReadRange opens the workbook itself
        if technology == "browser":
            return self._attach(step)
        app = self.apps[key]
        todo = f"Check the path of {app.process} on the robot machine."
        self.todos.append(todo)
        self.current_app = key
        self.attached.add(key)
        return [OpenApp(key, todo)]

    def _hotkey(self, step: Step, key: str) -> Hotkey:
        keys = (
            step.keys or parse_keys(step.target_label) or parse_keys(step.target_name)
        )
        if keys:
            return Hotkey(key, keys)
        todo = f"Which keys? The recording has no key names for {step.label!r}."
        self.todos.append(todo)
        return Hotkey(key, (), todo)

    def _evidence_step(self, step: Step) -> Step:
        keep = self.keep_values
        window = title_pattern(step.window, keep_values=keep)
        # A focus step's target is the window itself: its title may hold a record.
        names = {
            name: title_pattern(getattr(step, name), keep_values=keep)
            for name in ("target_name", "target_label")
            if step.action in ("focus", "app_switch")
            or getattr(step, name) == step.window
        }
        url = None if step.url is None else strip_url(step.url, keep_values=keep)
        return replace(step, url=url, window=window, **names)

    def _evidence(self) -> Evidence:
        candidate = self.candidate
        routine = candidate.routine
        steps = tuple(self._evidence_step(s) for s in routine.steps)
        seconds = tuple(
            sorted(i.human_s for i in routine.instances if i.human_s is not None)
        )
        return Evidence(
            candidate_id=candidate.candidate_id,
            name=candidate.name,
            rank=candidate.rank,
            routine_id=routine.routine_id,
            apps=candidate.apps,
            why=candidate.why,
            score=candidate.score,
            steps=steps,
            variants=routine.variants,
            loop=routine.loop,
            instance_seconds=seconds,
        )
