"""A linter for the TagUI steps the TagUI export writes.

TagUI's own parser (PHP, from its source tree) cannot ship with deskmine, so we
check the steps we emit against their signatures in TagUI's reference: each line is
one step; ``type`` needs ``<identifier> as <text>``, ``read`` needs
``<identifier> to <variable>``, ``click`` an identifier, ``keyboard`` known keys;
identifiers hold no backtick (variable interpolation) and no `` as ``/`` to ``;
blocks are indented by four spaces under ``for``; every interpolated or read
variable is assigned before use.
"""

from __future__ import annotations

import re

_IDENTIFIER = r"[A-Za-z_][A-Za-z0-9_]*"
_KEYS = frozenset(
    "ctrl alt shift win enter tab esc delete backspace home end pageup pagedown up "
    "down left right space insert".split()
) | {f"f{n}" for n in range(1, 13)}
_SHEET = r"\[[^\[\]`!\n]+\][^\[\]`!\n]+![A-Z]{1,3}[0-9]+(:[A-Z]{1,3}[0-9]+)?"
_ASSIGN = re.compile(rf"^({_IDENTIFIER}) = (.+)$")
_CELL_WRITE = re.compile(rf"^({_SHEET}) = ({_IDENTIFIER})$")
_FOR = re.compile(rf"^for ({_IDENTIFIER}) from (\S+) to ({_IDENTIFIER})\.length-1$")
_BAD_TEXT = re.compile(
    r"[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def check_flow(text: str) -> list[str]:
    """Return every problem found in a ``.tag`` flow (empty when it passes)."""
    problems: list[str] = []
    defined: set[str] = set()
    depth = 0
    opener = False
    for number, line in enumerate(text.split("\n"), start=1):
        if _BAD_TEXT.search(line):
            problems.append(f"line {number}: line break or bidi control inside a line")
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip(" "))
        step = line.strip()
        if indent % 4 or indent // 4 > depth + (1 if opener else 0):
            problems.append(f"line {number}: unexpected indentation")
        depth = indent // 4
        opener = False
        if step.startswith("//"):
            continue
        problem = _check_step(step, defined)
        if problem == "opens block":
            opener = True
        elif problem:
            problems.append(f"line {number}: {problem}")
    return problems


def _uses(text: str, defined: set[str]) -> str | None:
    if text.count("`") % 2:
        return "unbalanced backticks"
    for name in re.findall(r"`([^`]*)`", text):
        if name not in defined:
            return f"`{name}` is used before it is set"
    return None


def _identifier(target: str) -> str | None:
    if not target:
        return "target missing"
    if "`" in target:
        return f"identifier holds a backtick: {target[:60]!r}"
    return None


def _check_step(step: str, defined: set[str]) -> str | None:
    word, _, rest = step.partition(" ")
    if re.match(r"^https?://\S+$", step):
        return "URL holds a backtick" if "`" in step else None
    if word in ("click", "dclick", "rclick"):
        return _identifier(rest)
    if word == "type":
        target, sep, value = rest.partition(" as ")
        if not sep or not value:
            return "type needs '<identifier> as <text>'"
        if " as " in value:
            return "type text holds ' as '"
        return _identifier(target) or _uses(value, defined)
    if word == "read":
        target, sep, variable = rest.rpartition(" to ")
        if not sep or not re.fullmatch(_IDENTIFIER, variable):
            return "read needs '<identifier> to <variable>'"
        if " to " in target:
            return "read identifier holds ' to '"
        defined.add(variable)
        return _identifier(target)
    if word == "keyboard":
        keys = re.findall(r"\[([^\]]*)\]", rest)
        if not rest or any(k not in _KEYS for k in keys):
            return f"keyboard needs known keys; got {rest!r}"
        return None
    if word == "wait":
        return (
            None if re.fullmatch(r"[0-9]+(\.[0-9]+)?", rest) else "wait needs seconds"
        )
    if word == "run":
        return None if rest and "`" not in rest else "run needs a command"
    if word == "for":
        match = _FOR.match(step)
        if match is None:
            return "for must be 'for n from a to list.length-1'"
        if match.group(3) not in defined:
            return f"{match.group(3)} is used before it is set"
        defined.add(match.group(1))
        return "opens block"
    if _CELL_WRITE.match(step):
        value = _CELL_WRITE.match(step).group(3)
        return None if value in defined else f"{value} is used before it is set"
    match = _ASSIGN.match(step)
    if match is not None:
        name, value = match.groups()
        row = re.fullmatch(rf"({_IDENTIFIER})\[({_IDENTIFIER})\]\[[0-9]+\]", value)
        if row and (row.group(1) not in defined or row.group(2) not in defined):
            return f"{value} uses a variable before it is set"
        if not (row or value == '""' or re.fullmatch(_SHEET, value)):
            return f"unexpected value {value!r} assigned to {name}"
        defined.add(name)
        return None
    return f"unknown step {word!r}"
