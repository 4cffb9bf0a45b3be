"""Readable candidate names built from a routine's steps, never from values.

Two shapes, at most :data:`MAX_NAME` characters:

- a copy-paste transfer: ``"Excel copy → Chrome paste ×7 fields"``;
- anything else: the apps in order of use, then what is done:
  ``"Outlook → SAP: type 4 fields, click Save"``.

Only app names, action words and UI target labels (button names) are used; typed or
copied text is not part of a ``Step`` and cannot reach a name.
"""

from __future__ import annotations

import re

from models import Routine, Step

#: Longest name, in characters (an ellipsis marks a cut).
MAX_NAME = 60
_MAX_APPS = 3
_MAX_LABEL = 20
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
# Ids, amounts, dates, IBANs and e-mail addresses show up in window titles and link
# names (e.g. "PO 4500078576 - ERP"); they are data, not UI, so they are folded.
_NUMBER = re.compile(r"\d(?:[\d.,/: -]*\d)?")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_MIN_DIGITS = 4
_CLICKS = ("click", "double_click", "submit")


def name_routine(routine: Routine) -> str:
    """Return a short readable name for `routine`.

    Parameters
    ----------
    routine : Routine

    Returns
    -------
    str
        At most :data:`MAX_NAME` characters.

    Examples
    --------
    >>> from models import Step
    >>> steps = (Step("Excel", "copy", "Excel: copy"), Step("Chrome", "paste", "p"))
    >>> name_routine(Routine("R1", steps * 3, ()))
    'Excel copy → Chrome paste ×3 fields'
    """
    steps = routine.steps
    if not steps:
        return "(no steps)"
    transfer = _transfer_name(steps)
    name = transfer if transfer is not None else _general_name(steps)
    if routine.loop and len(name) + len(", per row") <= MAX_NAME:
        name += ", per row"
    return shorten(name, MAX_NAME)


def shorten(text: str, width: int) -> str:
    """Cut `text` to `width` characters with an ellipsis; control characters removed.

    >>> shorten("Submit the quarterly invoice", 12)
    'Submit the…'
    """
    text = _CONTROL.sub(" ", text).strip()
    if len(text) <= width:
        return text
    return text[: width - 1].rstrip() + "…"


def scrub(text: str) -> str:
    """Fold e-mail addresses and numbers of 4+ digits in recorded UI text.

    Window titles and link names can carry the very data a routine moves; reports
    show ``#`` and ``<email>`` instead.

    >>> scrub("PO 4500078576 - anna@corp.example - Excel 365")
    'PO # - <email> - Excel 365'
    """
    text = _EMAIL.sub("<email>", text)
    return _NUMBER.sub(
        lambda m: (
            "#" if sum(c.isdigit() for c in m.group()) >= _MIN_DIGITS else m.group()
        ),
        text,
    )


def _transfer_name(steps: tuple[Step, ...]) -> str | None:
    """Name a routine of copies in one app and pastes into another."""
    sources = [s for s in steps if s.action in ("copy", "cut")]
    sinks = [s for s in steps if s.action == "paste"]
    if not sources or not sinks:
        return None
    source_app, sink_app = sources[0].app, sinks[0].app
    if source_app == sink_app:
        return None
    verb = sources[0].action
    fields = _count(len(sinks), "field")
    name = f"{_clean(source_app)} {verb} → {_clean(sink_app)} paste ×{fields}"
    final = _final_click(steps)
    if final and len(name) + len(final) + 2 <= MAX_NAME:
        name += f", {final}"
    return name


def _general_name(steps: tuple[Step, ...]) -> str:
    apps = list(dict.fromkeys(_clean(s.app) for s in steps))
    flow = " → ".join(apps[:_MAX_APPS]) + (" → …" if len(apps) > _MAX_APPS else "")
    parts = []
    pastes = sum(s.action == "paste" for s in steps)
    typed = sum(s.action in ("type", "edit_cell") for s in steps)
    if typed:
        parts.append(f"type {_count(typed, 'field')}")
    if pastes:
        parts.append(f"paste {_count(pastes, 'field')}")
    final = _final_click(steps)
    if final:
        parts.append(final)
    if not parts:
        parts.append(_main_action(steps))
    # Drop whole trailing parts rather than cut one in the middle.
    while len(parts) > 1 and len(f"{flow}: {', '.join(parts)}") > MAX_NAME:
        parts.pop()
    return f"{flow}: {', '.join(parts)}"


def _final_click(steps: tuple[Step, ...]) -> str | None:
    for step in reversed(steps):
        if step.action in _CLICKS:
            label = step.target_label or step.target_name or step.target_automation_id
            label = label or step.target_id
            if label:
                return f"click {shorten(scrub(label), _MAX_LABEL)}"
            return None
    return None


def _main_action(steps: tuple[Step, ...]) -> str:
    counts: dict[str, int] = {}
    for step in steps:
        counts[step.action] = counts.get(step.action, 0) + 1
    action, n = min(counts.items(), key=lambda item: (-item[1], item[0]))
    return f"{action.replace('_', ' ')} ×{n}"


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _clean(text: str) -> str:
    return shorten(text, _MAX_LABEL) or "?"
