"""Key chords: parse ``"Ctrl + S"`` into ``("ctrl", "s")``, and tell commands from text.

A hotkey's chord says what a step does (save, new record, next field), so it is kept
in clear where typed values are masked. A key press that types a character (``"a"``,
``"shift+a"``) is text: only chords with a command modifier (ctrl, alt, win) or a
named non-character key (enter, tab, F5, arrows…) count as commands.
"""

from __future__ import annotations

import re

__all__ = ["KEY_ACTIONS", "KNOWN_KEYS", "is_command_chord", "parse_keys"]

#: Actions whose value is a key or chord rather than typed text.
KEY_ACTIONS = frozenset({"hotkey", "key"})

_KEY_NAMES = {
    "control": "ctrl",
    "ctl": "ctrl",
    "strg": "ctrl",
    "cmd": "win",
    "meta": "win",
    "super": "win",
    "windows": "win",
    "return": "enter",
    "escape": "esc",
    "del": "delete",
    "pgup": "pageup",
    "pgdn": "pagedown",
    "page_up": "pageup",
    "page_down": "pagedown",
    "arrowup": "up",
    "arrowdown": "down",
    "arrowleft": "left",
    "arrowright": "right",
    "spacebar": "space",
    "bksp": "backspace",
    "ins": "insert",
}
_MODIFIERS = frozenset({"ctrl", "alt", "shift", "win"})
_COMMAND_MODIFIERS = frozenset({"ctrl", "alt", "win"})
#: Key names every exporter can press (besides single letters and digits).
KNOWN_KEYS = frozenset(
    _MODIFIERS
    | {"enter", "tab", "esc", "delete", "backspace", "insert"}
    | {"home", "end", "pageup", "pagedown", "up", "down", "left", "right", "space"}
    | {f"f{n}" for n in range(1, 13)}
)
_NAMED_COMMANDS = KNOWN_KEYS - _MODIFIERS - {"space"}


def parse_keys(text: object) -> tuple[str, ...]:
    """Normalised key names of a chord such as ``"Ctrl+Shift+S"``; ``()`` when any
    part is not a key we know (or `text` is not a string).

    >>> parse_keys("Ctrl + S")
    ('ctrl', 's')
    >>> parse_keys("Strg+Return")
    ('ctrl', 'enter')
    >>> parse_keys("hello"), parse_keys(None)
    ((), ())
    """
    if not isinstance(text, str) or not text.strip():
        return ()
    parts = [p.strip().lower() for p in re.split(r"\s*\+\s*", text.strip()) if p]
    keys = []
    for part in parts:
        part = _KEY_NAMES.get(part, part)
        if part in KNOWN_KEYS or re.fullmatch(r"[a-z0-9]", part):
            keys.append(part)
        else:
            return ()
    return tuple(keys)


def is_command_chord(text: object) -> bool:
    """True when `text` is a chord that runs a command rather than typing a character.

    >>> [is_command_chord(t) for t in ("ctrl+s", "alt+n", "F5", "Enter", "Tab")]
    [True, True, True, True, True]
    >>> [is_command_chord(t) for t in ("a", "shift+a", "7", "space", "IBAN DE89")]
    [False, False, False, False, False]
    """
    keys = parse_keys(text)
    if not keys:
        return False
    return bool(_COMMAND_MODIFIERS.intersection(keys)) or any(
        k in _NAMED_COMMANDS for k in keys
    )
