"""Building blocks of simulated steps: screens (app + window + url) and UI targets.

A step is a plain dict with the native event fields (``app``, ``window``, ``action``,
``target``, ``url``, ``value``, ``workbook``, ``sheet``, ``cell``) and one private key,
``_wait_s``: seconds the UI keeps the user waiting after the step (page loads).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

Step = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Screen:
    """Where a step happens: the application, its window title and, for web, the url."""

    app: str
    window: str
    url: str | None = None
    workbook: str | None = None
    sheet: str | None = None

    def step(
        self,
        action: str,
        target: dict[str, str] | None = None,
        *,
        value: str | None = None,
        cell: str | None = None,
        wait_s: float = 0.0,
    ) -> Step:
        """Return one step on this screen."""
        out: Step = {"app": self.app, "window": self.window, "action": action}
        if target:
            out["target"] = target
        if self.url:
            out["url"] = self.url
        if value is not None:
            out["value"] = value
        if self.workbook:
            out["workbook"] = self.workbook
            out["sheet"] = self.sheet
        if cell:
            out["cell"] = cell
        if wait_s:
            out["_wait_s"] = wait_s
        return out

    def switch(self) -> Step:
        """Return the step that brings this screen's application to the front."""
        return self.step("app_switch", {"role": "window", "name": self.window})


def web(
    role: str,
    name: str,
    css: str,
    *,
    label: str | None = None,
    xpath: str | None = None,
    element_id: str | None = None,
) -> dict[str, str]:
    """Return a web element target: role, accessible name, css (and xpath, id)."""
    target = {"role": role, "name": name, "css": css}
    if element_id:
        target["id"] = element_id
    if xpath:
        target["xpath"] = xpath
    target["label"] = label or name
    return target


def desktop(
    role: str, name: str, automation_id: str, *, label: str | None = None
) -> dict[str, str]:
    """Return a desktop (UI Automation) target: role, name, automation id."""
    return {
        "role": role,
        "name": name,
        "automation_id": automation_id,
        "label": label or name,
    }


def cell_target(label: str) -> dict[str, str]:
    """Return a spreadsheet cell target labelled by its column header."""
    return {"role": "cell", "label": label}


class Choices:
    """Variant decisions of one routine instance.

    With ``canonical=True`` every decision takes its most likely branch, which gives
    the routine's main variant (listed as its steps in ``routines.json``).
    """

    def __init__(self, rng: np.random.Generator, canonical: bool = False) -> None:
        self.rng = rng
        self.canonical = canonical

    def maybe(self, probability: float) -> bool:
        """Return True with `probability` (canonical: when it is at least 0.5)."""
        if self.canonical:
            return probability >= 0.5
        return bool(self.rng.random() < probability)

    def pick(self, options: tuple[str, ...]) -> str:
        """Return one of `options` uniformly (canonical: the first)."""
        if self.canonical:
            return options[0]
        return options[int(self.rng.integers(len(options)))]


@dataclass(frozen=True, slots=True)
class Context:
    """Who runs the instance, on which day, and the spreadsheet row for loops."""

    user: str
    day: date
    row: int = 2


def hex_id(choices: Choices, n: int) -> str:
    """Return `n` random hex digits (record ids in urls)."""
    return "".join(f"{int(d):x}" for d in choices.rng.integers(0, 16, size=n))
