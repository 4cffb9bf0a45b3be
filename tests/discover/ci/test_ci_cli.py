"""``deskmine ci`` on the command line: outputs and exit codes 0, 1 and 2."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from discover.ci import load_baseline
from discover.cli import app
from models.schemas import load_schema

DATA = Path(__file__).resolve().parents[2] / "data"


def test_ci_is_a_registered_command():
    assert "ci" in {c.name or c.callback.__name__ for c in app.registered_commands}


def invoke(*args: str):
    return CliRunner().invoke(app, ["ci", *args])


@pytest.fixture(scope="module")
def cli_baseline(versions, tmp_path_factory) -> Path:
    base, _ = versions
    path = tmp_path_factory.mktemp("cli") / "baseline.json"
    result = invoke(str(base), "--baseline", str(path), "--update-baseline", "-q")
    assert result.exit_code == 0, result.output
    return path


def test_update_baseline_writes_a_loadable_baseline(cli_baseline):
    assert load_baseline(cli_baseline).listed > 3


def test_ci_writes_summary_and_json_and_exits_0_without_fail_on(
    versions, cli_baseline, tmp_path
):
    _, new = versions
    summary, result_json = tmp_path / "summary.md", tmp_path / "result.json"
    result = invoke(
        str(new),
        "--baseline",
        str(cli_baseline),
        "--summary",
        str(summary),
        "--json",
        str(result_json),
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert summary.read_text(encoding="utf-8").startswith("## deskmine ci: passed\n")
    data = json.loads(result_json.read_text(encoding="utf-8"))
    jsonschema.validate(data, load_schema("ci-result"))
    assert data["exit_code"] == 0


def test_a_fired_fail_on_rule_exits_1(versions, cli_baseline):
    _, new = versions
    result = invoke(
        str(new), "--baseline", str(cli_baseline), "--fail-on", "new-candidate"
    )
    assert result.exit_code == 1
    assert result.stdout.startswith("## deskmine ci: failed (`new-candidate`)\n")


def test_bad_input_exits_2_with_one_line(tmp_path):
    result = invoke(str(DATA / "cli" / "bad.jsonl"), "--baseline", "nope.json")
    assert result.exit_code == 2
    assert result.stderr == (
        "nope.json:0: baseline: no such file; commit one made by `deskmine rank "
        "--format json` or create it with --update-baseline\n"
    )
