"""Checks for one native event (a parsed JSON object) against the event schema.

The common case must be cheap: ``quick_valid`` is a hand-written test of the same
rules as ``models/schemas/event.schema.json`` and passes a good event in a few
microseconds. Only events it rejects go through the compiled jsonschema validator,
which stays the authority and whose findings become ``field: reason`` messages.
"""

from __future__ import annotations

import json
import math
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from discover.readers._common import TS_PATTERN, parse_timestamps, quote, suggest
from models import ACTIONS, TARGET_FIELDS, load_schema

_ACTION_SET = frozenset(ACTIONS)
_TARGET_SET = frozenset(TARGET_FIELDS)
_REQUIRED_TEXT = ("user", "app")
_OPTIONAL_TEXT = (
    "session",
    "window",
    "url",
    "value",
    "value_hash",
    "workbook",
    "sheet",
    "cell",
)
FIELDS: tuple[str, ...] = (
    "event_id",
    "ts",
    "user",
    "session",
    "app",
    "window",
    "action",
    "target",
    "url",
    "value",
    "value_hash",
    "workbook",
    "sheet",
    "cell",
    "duration_s",
)
_FIELD_SET = frozenset(FIELDS)
_FIELD_ORDER = {name: i for i, name in enumerate(FIELDS)}
#: Fields whose content is recorded user data: messages name its type, not its text.
_PRIVATE_FIELDS = frozenset({"value", "value_hash"})
_TYPE_NAMES = {
    bool: "true or false",
    int: "a number",
    float: "a number",
    str: "a string",
    list: "an array",
    dict: "an object",
}
_JSON_TYPES = {
    "string": "a string",
    "null": "null",
    "object": "an object",
    "number": "a number",
    "array": "an array",
    "integer": "an integer",
    "boolean": "true or false",
}


def _is_time(text: object) -> bool:
    if not isinstance(text, str):
        return True  # the type keyword reports non-strings
    if not TS_PATTERN.match(text):
        return False
    return bool(parse_timestamps([text])[1][0])


@cache
def event_validator() -> Draft202012Validator:
    """The compiled validator of the native event schema.

    ``date-time`` is checked as the schema's description states it (ISO 8601, zone
    optional and then UTC), not as strict RFC 3339, which requires a zone.
    """
    checker = FormatChecker(formats=())
    checker.checks("date-time")(_is_time)
    schema = load_schema("event")
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=checker)


def quick_valid(obj: Any) -> bool:
    """True when `obj` certainly satisfies the event schema (cheap, no jsonschema).

    Calendar validity of ``ts`` (month 13) is left to the vectorised parse.
    """
    if type(obj) is not dict or not obj.keys() <= _FIELD_SET:
        return False
    for key in _REQUIRED_TEXT:
        value = obj.get(key)
        if type(value) is not str or not value:
            return False
    ts = obj.get("ts")
    if type(ts) is not str or not TS_PATTERN.match(ts):
        return False
    action = obj.get("action")
    if type(action) is not str or action not in _ACTION_SET:
        return False
    if "event_id" in obj:
        event_id = obj["event_id"]
        if type(event_id) is not str or not event_id:
            return False
    for key in _OPTIONAL_TEXT:
        value = obj.get(key)
        if value is not None and type(value) is not str:
            return False
    duration = obj.get("duration_s")
    if duration is not None:
        if type(duration) not in (int, float) or not duration >= 0:
            return False
        if not math.isfinite(duration):
            return False
    target = obj.get("target")
    if target is not None:
        if type(target) is not dict or not target.keys() <= _TARGET_SET:
            return False
        for value in target.values():
            if value is not None and type(value) is not str:
                return False
    return True


def _describe(value: Any, private: bool) -> str:
    if value is None:
        return "null"
    if private:
        return _TYPE_NAMES.get(type(value), type(value).__name__)
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:39] + "…"


def _field_name(path: list[Any]) -> str:
    return ".".join(str(p) for p in path) if path else "json"


def _reason(error: ValidationError) -> list[tuple[str, str]]:
    path = list(error.absolute_path)
    field = _field_name(path)
    private = bool(path) and path[0] in _PRIVATE_FIELDS
    kind = error.validator
    if kind == "required":
        names = [n for n in error.validator_value if n not in error.instance]
        return [(_field_name([*path, n]), "missing") for n in names]
    if kind == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        extras = sorted(set(error.instance) - set(allowed))
        where = "target fields" if path else "fields"
        return [
            (
                _field_name([*path, str(n)]),
                f"unknown field{suggest(str(n), allowed)} "
                f"(allowed {where}: {', '.join(allowed)})",
            )
            for n in extras
        ]
    if kind == "type":
        expected = error.validator_value
        expected = [expected] if isinstance(expected, str) else list(expected)
        wanted = " or ".join(_JSON_TYPES.get(t, t) for t in expected)
        got = _describe(error.instance, private)
        if not path:
            return [("json", f"must be {wanted} (one event per line); got {got}")]
        return [(field, f"must be {wanted}; got {got}")]
    if kind == "enum" and path == ["action"]:
        listed = ", ".join(ACTIONS[:6])
        return [
            (
                field,
                f"unknown action {quote(error.instance)}; expected one of {listed}, "
                f"... (see models.ACTIONS){suggest(str(error.instance), ACTIONS)}",
            )
        ]
    if kind == "minLength":
        return [(field, "must not be empty")]
    if kind == "minimum":
        return [(field, f"must be >= {error.validator_value}; got {error.instance}")]
    if kind in {"pattern", "format"} and path == ["ts"]:
        return [(field, f"not an ISO 8601 time: {quote(error.instance)}")]
    return [(field, error.message)]


def _order(item: tuple[str, str]) -> tuple[int, str, str]:
    head = item[0].split(".", 1)[0]
    return (_FIELD_ORDER.get(head, len(FIELDS)), item[0], item[1])


def explain(obj: Any) -> list[tuple[str, str]]:
    """Every schema violation of `obj` as sorted, de-duplicated (field, reason)."""
    found: set[tuple[str, str]] = set()
    for error in event_validator().iter_errors(obj):
        found.update(_reason(error))
    if isinstance(obj, dict):
        duration = obj.get("duration_s")
        if isinstance(duration, float) and not math.isfinite(duration):
            found.add(("duration_s", f"must be a finite number; got {duration}"))
    return sorted(found, key=_order)


def flatten(obj: dict[str, Any], event_id: str, source: str, line: int) -> dict:
    """One valid native event as a row of the event table (``ts`` still text)."""
    row = dict(obj)  # keys are known fields: quick_valid or explain checked them
    row["event_id"] = obj.get("event_id") or event_id
    target = row.pop("target", None)
    if target:
        for name, value in target.items():
            row[f"target_{name}"] = value
    row["source"] = source
    row["line"] = line
    return row
