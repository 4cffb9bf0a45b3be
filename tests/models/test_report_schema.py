"""The ranked-report JSON Schema: real output validates, every field is described."""

from __future__ import annotations

import copy
import json
from dataclasses import fields

import jsonschema
import pandas as pd
import pytest

from discover.config import Settings, load_settings
from discover.factors import FACTORS
from discover.render import render_json
from discover.report import build_report
from discover.scoring import score_routines
from models import (
    AppSwitch,
    Factor,
    Instance,
    RankedReport,
    Routine,
    Score,
    Step,
    Variant,
    conform_event_table,
    load_schema,
)


def report_json() -> dict:
    """A real report: three runs of copy -> paste -> click by one user."""
    rows, instances = [], []
    spec = (
        (0, "Excel", "copy", None, "v1"),
        (5, "SAP", "paste", "Order", "v1"),
        (9, "SAP", "click", "Save", None),
    )
    for run in range(3):
        start = pd.Timestamp("2026-03-02T09:00:00Z") + pd.Timedelta(minutes=run)
        ids = []
        for offset, app, action, target, value in spec:
            ids.append(f"a.jsonl:{len(rows) + 1}")
            rows.append(
                {
                    "event_id": ids[-1],
                    "ts": start + pd.Timedelta(seconds=offset),
                    "user": "u1",
                    "app": app,
                    "action": action,
                    "target_name": target,
                    "value": value,
                    "value_hash": None if value is None else f"h:{value}",
                    "line": len(rows) + 1,
                }
            )
        instances.append(
            Instance(f"R1.{run + 1}", "u1", start.value, start.value, tuple(ids))
        )
    steps = tuple(
        Step(app, action, f"{app}: {action}", token=f"{app}|{action}|{target}")
        for _, app, action, target, _ in spec
    )
    routine = Routine(
        "R1", steps, tuple(instances), (Variant(tuple(s.token for s in steps), 3),)
    )
    events = conform_event_table(pd.DataFrame(rows))
    settings = load_settings()
    candidates = score_routines([routine], events, settings)
    report = build_report(candidates, events, settings, inputs=["a.jsonl"])
    return json.loads(render_json(report))


def validator() -> jsonschema.Draft202012Validator:
    schema = load_schema("report")
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_rank_json_output_validates_against_the_report_schema():
    data = report_json()
    validator().validate(data)
    assert data["candidates"][0]["score"]["instances"] == 3


def test_every_property_in_the_schema_has_a_description():
    undescribed = []

    def walk(node, path):
        if isinstance(node, dict):
            for name, sub in node.get("properties", {}).items():
                if not (isinstance(sub, dict) and sub.get("description")):
                    undescribed.append(f"{path}.{name}")
            for key, value in node.items():
                walk(value, f"{path}.{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{path}[{i}]")

    schema = load_schema("report")
    walk(schema, "$")
    assert undescribed == []
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert all(d.get("description") for d in schema["$defs"].values())


def test_schema_settings_match_the_settings_dataclasses():
    def keys(node):
        return {
            name: keys(sub) if sub.get("type") == "object" else None
            for name, sub in node["properties"].items()
        }

    def shape(data):
        return {k: shape(v) if isinstance(v, dict) else None for k, v in data.items()}

    settings_schema = load_schema("report")["properties"]["settings"]
    assert keys(settings_schema) == shape(Settings().to_dict())


def test_schema_records_match_the_model_dataclasses():
    defs = load_schema("report")["$defs"]
    assert list(defs["step"]["properties"]) == [f.name for f in fields(Step)]
    assert list(defs["instance"]["properties"]) == [f.name for f in fields(Instance)]
    assert list(defs["factor"]["properties"]) == [f.name for f in fields(Factor)]
    score = defs["candidate"]["properties"]["score"]
    assert list(score["properties"]) == [f.name for f in fields(Score)]
    assert defs["factor"]["properties"]["name"]["enum"] == [n for n, _ in FACTORS]
    top = load_schema("report")["properties"]
    assert set(top) == {f.name for f in fields(RankedReport)}


@pytest.mark.parametrize(
    ("path", "bad"),
    [
        (("counts", "events"), -1),
        (("settings", "scoring", "hourly_cots"), 40),
        (("candidates", 0, "candidate_id"), "R12345678"),
        (("candidates", 0, "score", "automatability"), 1.5),
        (("candidates", 0, "score", "factors", 0, "name"), "luck"),
        (("candidates", 0, "routine", "steps", 0, "action"), "teleport"),
        (("app_switches",), [{"from": "A", "to": "B"}]),
        (("surprise",), 1),
    ],
)
def test_schema_rejects_broken_reports(path, bad):
    data = copy.deepcopy(report_json())
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = bad
    assert not validator().is_valid(data)


def test_ranked_report_round_trips_through_its_dict():
    data = report_json()
    report = RankedReport.from_dict(data)
    assert report.to_dict() == data
    assert report.app_switches == (
        AppSwitch("Excel", "SAP", 3),
        AppSwitch("SAP", "Excel", 2),
    )
