"""JSON Schemas the exporters validate their own output against (draft 2020-12)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def _read(name: str) -> str:
    folder = resources.files(__package__)
    return folder.joinpath(f"{name}.schema.json").read_text("utf-8")


def load_schema(name: str) -> dict[str, Any]:
    """Return the exporter schema called `name` (``"uipath-project"``) as a dict."""
    return json.loads(_read(name))
