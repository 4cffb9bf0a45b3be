"""Hotkey chords are commands, kept in clear; keys that type characters are text."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from discover.cli import app
from discover.privacy import apply_privacy
from models.events import conform_event_table

SECRET = b"test-secret"


def key_events(actions: list[str], values: list[str | None]) -> pd.DataFrame:
    n = len(values)
    return conform_event_table(
        pd.DataFrame(
            {
                "event_id": [f"t.jsonl:{i + 1}" for i in range(n)],
                "ts": [f"2026-03-02T09:00:{i:02d}Z" for i in range(n)],
                "user": ["u1"] * n,
                "app": ["SAP GUI"] * n,
                "action": actions,
                "value": values,
                "line": list(range(1, n + 1)),
            }
        )
    )


@pytest.mark.parametrize("mode", ["mask", "remove"])
def test_command_chords_survive_and_typed_keys_do_not(mode):
    values = ["ctrl+s", "F8", "a", "shift+a", "IBAN DE89", "ctrl+s", None]
    actions = ["hotkey", "key", "key", "hotkey", "hotkey", "type", "hotkey"]
    out, report = apply_privacy(key_events(actions, values), secret=SECRET, values=mode)
    kept = out["value"].tolist()
    assert kept[:2] == ["ctrl+s", "F8"]
    # typed text stays hidden, even when it looks like a chord outside a key action
    assert all(v is None or v == "•" * len(v) for v in kept[2:])
    assert "ctrl+s" not in kept[5:] and "a" not in kept and "shift+a" not in kept
    assert out["value_hash"].notna().sum() == 6  # every value is still hashed
    counts = {(c.step, c.rule): c.count for c in report.counts}
    assert counts["value", "key chords kept"] == 2


def test_rank_json_names_the_keys_of_sample_sessions():
    result = CliRunner().invoke(app, ["rank", "sample_sessions/", "-f", "json", "-q"])
    assert result.exit_code == 0, result.output
    steps = [
        step
        for c in json.loads(result.stdout)["candidates"]
        for step in c["routine"]["steps"]
        if step["action"] in ("hotkey", "key")
    ]
    assert steps, "sample_sessions has key steps in its routines"
    assert all(step["keys"] for step in steps)  # none masked away
    assert all(step["label"].split(": ")[1].startswith("press Enter") for step in steps)
