"""JSON Schemas shipped with deskmine (draft 2020-12)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def _load(name: str) -> str:
    return (
        resources.files(__package__).joinpath(f"{name}.schema.json").read_text("utf-8")
    )


def load_schema(name: str) -> dict[str, Any]:
    """Return the JSON Schema called `name` (``"event"``, ``"report"``...) as a dict."""
    return json.loads(_load(name))
