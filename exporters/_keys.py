"""Key chords (``("ctrl", "s")``) in each target's key syntax."""

from __future__ import annotations

_MODIFIERS = ("ctrl", "alt", "shift", "win")

# name -> (UiPath, PAD, RPA.Windows / uiautomation, Selenium, TagUI)
_SPECIAL: dict[str, tuple[str, str, str, str, str]] = {
    "enter": ("enter", "Enter", "Enter", "ENTER", "enter"),
    "tab": ("tab", "Tab", "Tab", "TAB", "tab"),
    "esc": ("esc", "Escape", "Esc", "ESCAPE", "esc"),
    "delete": ("del", "Delete", "Delete", "DELETE", "delete"),
    "backspace": ("back", "Back", "Back", "BACKSPACE", "backspace"),
    "home": ("home", "Home", "Home", "HOME", "home"),
    "end": ("end", "End", "End", "END", "end"),
    "pageup": ("pgup", "PageUp", "PageUp", "PAGE_UP", "pageup"),
    "pagedown": ("pgdn", "PageDown", "PageDown", "PAGE_DOWN", "pagedown"),
    "up": ("up", "Up", "Up", "ARROW_UP", "up"),
    "down": ("down", "Down", "Down", "ARROW_DOWN", "down"),
    "left": ("left", "Left", "Left", "ARROW_LEFT", "left"),
    "right": ("right", "Right", "Right", "ARROW_RIGHT", "right"),
    "space": ("space", "Space", "Space", "SPACE", "space"),
    "insert": ("ins", "Insert", "Insert", "INSERT", "insert"),
    "ctrl": ("ctrl", "Control", "Ctrl", "CTRL", "ctrl"),
    "alt": ("alt", "Alt", "Alt", "ALT", "alt"),
    "shift": ("shift", "Shift", "Shift", "SHIFT", "shift"),
    "win": ("lwin", "LWin", "Win", "META", "win"),
} | {f"f{n}": (f"f{n}", f"F{n}", f"F{n}", f"F{n}", f"f{n}") for n in range(1, 13)}


def _split(keys: tuple[str, ...]) -> tuple[list[str], list[str]]:
    return [k for k in keys if k in _MODIFIERS], [
        k for k in keys if k not in _MODIFIERS
    ]


def uipath_shortcut(keys: tuple[str, ...]) -> str:
    """UiPath NKeyboardShortcuts: ``[d(hk)][d(ctrl)]s[u(ctrl)][u(hk)]``."""
    mods, rest = _split(keys)
    down = "".join(f"[d({_SPECIAL[m][0]})]" for m in mods)
    up = "".join(f"[u({_SPECIAL[m][0]})]" for m in reversed(mods))
    body = "".join(f"[k({_SPECIAL[k][0]})]" if k in _SPECIAL else k for k in rest)
    return f"[d(hk)]{down}{body}{up}[u(hk)]"


def pad_keys(keys: tuple[str, ...]) -> str:
    """PAD SendKeys: ``{Control}({S})``, ``{Enter}``."""
    mods, rest = _split(keys)
    body = "".join(
        "{" + (_SPECIAL[k][1] if k in _SPECIAL else k.upper()) + "}" for k in rest
    )
    for modifier in reversed(mods):
        body = "{" + _SPECIAL[modifier][1] + "}(" + body + ")"
    return body


def windows_keys(keys: tuple[str, ...]) -> str:
    """RPA.Windows Send Keys (uiautomation): ``{Ctrl}s``, ``{Enter}``."""
    return "".join("{" + _SPECIAL[k][2] + "}" if k in _SPECIAL else k for k in keys)


def selenium_keys(keys: tuple[str, ...]) -> str:
    """SeleniumLibrary Press Keys: ``CTRL+s``, ``ENTER``."""
    return "+".join(_SPECIAL[k][3] if k in _SPECIAL else k for k in keys)


def tagui_keys(keys: tuple[str, ...]) -> str:
    """TagUI keyboard step: ``[ctrl]s``, ``[enter]``."""
    return "".join(f"[{_SPECIAL[k][4]}]" if k in _SPECIAL else k for k in keys)
