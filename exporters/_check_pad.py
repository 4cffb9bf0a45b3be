"""A linter for the Robin text the Power Automate Desktop export writes.

PAD has no public grammar, and it drops a whole paste silently on several errors,
so we check the rules collected from real pastes (see the export-formats report
§2.6) for the subset of Robin we emit: known action ids, balanced ``LOOP``/``IF``
blocks, well-formed ``$'''…'''`` strings (``%`` paired or doubled, no backslash
before ``%`` or the closing quotes), variables defined before use and not named
like PAD keywords, and a ControlRepository block whose JSON (and inner JSON
string) parses and defines every ``appmask['screen']['element']`` referenced.
"""

from __future__ import annotations

import json
import re

MARKER = "# [ControlRepository][PowerAutomateDesktop]"

#: Actions (``Module.Action[.Variant]``) the exporter may emit.
ACTIONS = frozenset(
    {
        "Excel.LaunchExcel.LaunchAndOpenUnderExistingProcess",
        "Excel.SetActiveWorksheet.ActivateWorksheetByName",
        "Excel.ReadFromExcel.ReadAllCells",
        "Excel.ReadFromExcel.ReadCell",
        "Excel.WriteToExcel.WriteCell",
        "Excel.CloseExcel.Close",
        "Excel.CloseExcel.CloseAndSave",
        "WebAutomation.LaunchChrome.LaunchChrome",
        "WebAutomation.LaunchEdge.LaunchEdge",
        "WebAutomation.LaunchFirefox.LaunchFirefox",
        "WebAutomation.GoToWebPage.GoToWebPage",
        "WebAutomation.Click.Click",
        "WebAutomation.PopulateTextField.PopulateTextField",
        "WebAutomation.GetDetailsOfElement",
        "UIAutomation.Click",
        "UIAutomation.PopulateTextField.PopulateTextField",
        "UIAutomation.GetDetailsOfElement",
        "UIAutomation.FocusWindow.FocusByTitleClass",
        "System.RunApplication.RunApplication",
        "MouseAndKeyboard.SendKeys.FocusAndSendKeys",
    }
)
#: Words PAD reserves; a variable may not be called by them (case-insensitive).
KEYWORDS = frozenset(
    "and block call case default disable else end error exit false for foreach "
    "from function global goto if in label loop next not on or set step switch "
    "then throw to true wait while".split()
)
_STRING = re.compile(r"\$'''((?:[^'\\]|\\.|'(?!''))*)'''")
_REFERENCE = re.compile(r"appmask\['((?:[^'\\]|\\.)*)'\]\['((?:[^'\\]|\\.)*)'\]")
_OUTPUT = re.compile(r"(?:=>|Instance=>)\s*([A-Za-z_][A-Za-z0-9_]*)")
_VARIABLE_USE = re.compile(r"%([A-Za-z_][A-Za-z0-9_]*)%")
_BARE_USE = re.compile(
    r"\b(?:Instance|BrowserInstance|TextField|Element|Text|Value):\s+"
    r"([A-Za-z_][A-Za-z0-9_]*)(?=[\[\s]|$)"
)


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def check_flow(text: str) -> list[str]:
    """Return every problem found in a Robin flow text (empty when it passes)."""
    body, _, repository = text.partition("\n" + MARKER + "\n")
    problems: list[str] = []
    defined: set[str] = set()
    references: list[tuple[int, str, str]] = []
    depth = 0
    for number, raw in enumerate(body.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            if "\n" in raw or "\r" in raw:
                problems.append(f"line {number}: a comment spans lines")
            continue
        if raw != raw.lstrip(" ") and (len(raw) - len(raw.lstrip(" "))) != 4 * depth:
            if not line == "END":
                problems.append(
                    f"line {number}: indentation does not match depth {depth}"
                )
        problems += [f"line {number}: {p}" for p in _check_strings(line)]
        code = _STRING.sub("''", line)
        references += [(number, a, b) for a, b in _REFERENCE.findall(code)]
        strings = " ".join(c.replace("%%", "") for c in _STRING.findall(line))
        for name in _VARIABLE_USE.findall(strings):
            if name not in defined:
                problems.append(f"line {number}: %{name}% is used before it is set")
        for name in _BARE_USE.findall(_REFERENCE.sub("", code)):
            if name not in defined and name not in ("True", "False"):
                problems.append(f"line {number}: {name} is used before it is set")
        words = code.split()
        if words[0] == "LOOP":
            if words[1:2] != ["FOREACH"] or words[3:4] != ["IN"] or len(words) != 5:
                problems.append(f"line {number}: LOOP must be 'LOOP FOREACH x IN list'")
            elif words[4] not in defined:
                problems.append(f"line {number}: {words[4]} is used before it is set")
            else:
                defined.add(_name(words[2], number, problems))
            depth += 1
        elif words[0] == "END":
            depth -= 1
            if depth < 0:
                problems.append(f"line {number}: END without a block")
                depth = 0
        elif words[0] == "SET":
            if len(words) < 4 or words[2] != "TO":
                problems.append(f"line {number}: SET must be 'SET name TO value'")
            else:
                defined.add(_name(words[1], number, problems))
        elif words[0] == "WAIT":
            if len(words) != 2 or not re.fullmatch(r"[0-9]+(\.[0-9]+)?", words[1]):
                problems.append(f"line {number}: WAIT needs seconds")
        elif words[0] not in ACTIONS:
            problems.append(f"line {number}: unknown action {words[0]!r}")
        for name in _OUTPUT.findall(code):
            defined.add(_name(name, number, problems))
    if depth:
        problems.append(f"{depth} block(s) not closed by END")
    problems += _check_repository(repository, references)
    return problems


def _name(name: str, number: int, problems: list[str]) -> str:
    if name.lower() in KEYWORDS:
        problems.append(f"line {number}: {name!r} is a PAD keyword, not a variable")
    return name


def _check_strings(line: str) -> list[str]:
    problems = []
    if line.count("$'''") != len(_STRING.findall(line)):
        return ["a $''' string is not closed on its line"]
    for content in _STRING.findall(line):
        if re.search(r"(?<!\\)'", content):
            problems.append(f"unescaped quote in string {content[:40]!r}")
        stripped = re.sub(r"%%|%[A-Za-z_][A-Za-z0-9_]*%", "", content)
        if "%" in stripped:
            problems.append(f"lone % in string {content[:40]!r} (write %%)")
        if re.search(r"(?<!\\)(\\\\)*\\$", content) or re.search(
            r"(?<!\\)(\\\\)*\\%", content
        ):
            problems.append(
                f"backslash before % or the closing quotes: {content[:40]!r}"
            )
    return problems


def _check_repository(text: str, references: list[tuple[int, str, str]]) -> list[str]:
    if not text.strip():
        if references:
            return ["UI elements are referenced but no ControlRepository block follows"]
        return []
    try:
        outer = json.loads(text)
        symbols = {s["Name"]: s for s in outer["ControlRepositorySymbols"]}
        inner = json.loads(symbols["appmask"]["Repository"])
        json.loads(outer["ImageRepositorySymbol"]["Repository"])
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        return [f"ControlRepository block is not valid: {error!r}"]
    problems = []
    elements = set()
    ids = []
    for screen in inner.get("Screens", []):
        ids.append(screen.get("InstanceId"))
        for control in screen.get("Controls", []):
            ids.append(control.get("InstanceId"))
            elements.add((screen["Name"], control["Name"]))
            if control.get("SelectorCount") != len(control.get("Selectors", [])):
                problems.append(f"control {control['Name']!r}: SelectorCount is wrong")
    if len(set(ids)) != len(ids):
        problems.append("ControlRepository InstanceIds are not unique")
    for number, screen, element in references:
        if (_unescape(screen), _unescape(element)) not in elements:
            problems.append(
                f"line {number}: appmask[{screen!r}][{element!r}] is not defined"
            )
    return problems
