"""No seeded secret reaches any byte any command writes (issue 10's must-show).

A recording seeded with e-mail addresses, IBANs, card numbers, passwords typed into
a password field, phone numbers, national ids, names in window titles and search
terms in URLs is repeated into enough runs for routines to be found, then every
command that writes output runs on it: rank in every format, show, label, export to
every target, report, ci, convert to every format and redact. Opting in with
--keep-values brings typed values back where the user asked for them.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from discover.cli import app

DATA = Path(__file__).resolve().parents[1] / "data" / "privacy"
POLICY = DATA / "policy.toml"
SECRETS = json.loads((DATA / "secrets.json").read_text(encoding="utf-8"))["secrets"]
RUNS = 6


@pytest.fixture(scope="module")
def recording(tmp_path_factory) -> Path:
    """The seeded recording repeated RUNS times, an hour apart (one folder)."""
    seeded = [
        json.loads(line)
        for line in (DATA / "seeded.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    events = []
    for run in range(RUNS):
        for event in seeded:
            moved = dict(event)
            ts = datetime.fromisoformat(event["ts"].replace("Z", "+00:00"))
            moved["ts"] = (ts + timedelta(hours=run)).isoformat().replace("+00:00", "Z")
            events.append(moved)
    folder = tmp_path_factory.mktemp("recordings")
    path = folder / "recording.jsonl"
    path.write_text(
        "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events),
        encoding="utf-8",
    )
    return folder


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


def run(runner: CliRunner, *args: object) -> str:
    result = runner.invoke(
        app,
        [str(a) for a in args],
        env={"DESKMINE_SECRET": "e2e-test-secret"},
        catch_exceptions=False,
    )
    assert result.exit_code in (0, 1), result.stderr
    return result.stdout + result.stderr


def leaks(text: str) -> list[str]:
    return sorted({s for s in SECRETS if s in text})


def written(folder: Path) -> str:
    """Every byte under `folder`, file names included, as text."""
    parts = []
    for path in sorted(folder.rglob("*")):
        parts.append(str(path.relative_to(folder)))
        if path.is_file():
            parts.append(path.read_bytes().decode("utf-8", errors="replace"))
    return "\n".join(parts)


def test_the_seeded_recording_yields_candidates(runner, recording):
    report = json.loads(
        run(runner, "rank", recording, "-f", "json", "-q", "--config", POLICY)
    )
    assert report["candidates"], "the privacy checks below would test nothing"


@pytest.mark.parametrize("fmt", ["table", "json", "markdown", "csv"])
def test_rank_leaks_nothing(runner, recording, fmt):
    out = run(runner, "rank", recording, "-f", fmt, "--config", POLICY)
    assert leaks(out) == []


def test_show_leaks_nothing(runner, recording):
    report = json.loads(
        run(runner, "rank", recording, "-f", "json", "-q", "--config", POLICY)
    )
    best = report["candidates"][0]["candidate_id"]
    assert leaks(run(runner, "show", best, recording, "--config", POLICY)) == []


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_label_leaks_nothing(runner, recording, tmp_path, fmt):
    out = tmp_path / f"labels.{fmt}"
    text = run(runner, "label", recording, "-o", out, "-f", fmt, "--config", POLICY)
    assert leaks(text + out.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "target", ["uipath", "power-automate", "robot", "tagui", "pdd"]
)
def test_export_leaks_nothing(runner, recording, tmp_path, target):
    out = tmp_path / "bots"
    text = run(
        runner, "export", recording, "--to", target, "-o", out, "--config", POLICY
    )
    assert (out / "index.json").is_file()
    assert leaks(text + written(out)) == []


def test_report_leaks_nothing(runner, recording, tmp_path):
    out = tmp_path / "report.html"
    text = run(runner, "report", recording, "-o", out, "--config", POLICY)
    assert leaks(text + out.read_text(encoding="utf-8")) == []


def test_ci_leaks_nothing(runner, recording, tmp_path):
    baseline = tmp_path / "baseline.json"
    args = ("ci", recording, "--baseline", baseline, "--config", POLICY)
    first = run(runner, *args, "--update-baseline")
    second = run(
        runner, *args, "--json", tmp_path / "ci.json", "--export-dir", tmp_path / "x"
    )
    assert leaks(first + second + written(tmp_path)) == []


@pytest.mark.parametrize("fmt", ["jsonl", "xes", "ocel", "cases"])
def test_convert_leaks_nothing(runner, recording, tmp_path, fmt):
    out = tmp_path / f"out.{fmt}"
    text = run(runner, "convert", recording, "--to", fmt, "-o", out, "--config", POLICY)
    assert leaks(text + out.read_text(encoding="utf-8")) == []


def test_redact_leaks_nothing(runner, recording, tmp_path):
    out = tmp_path / "redacted"
    text = run(runner, "redact", recording, "-o", out, "--config", POLICY)
    assert leaks(text + written(out)) == []


def test_keep_values_brings_typed_values_back_where_asked(runner, recording, tmp_path):
    """--keep-values keeps values, but detectors still mask an IBAN inside one;
    turning detectors off as well brings it back, and only in the label output."""
    out = tmp_path / "labels.jsonl"
    label = ("label", recording, "-o", out, "-f", "jsonl", "--keep-values")
    run(runner, *label, "--config", POLICY)
    values = {json.loads(line).get("value") for line in out.read_text().splitlines()}
    assert "INV-2026-0042" in values and "<iban>" in values
    config = tmp_path / "opt-in.toml"
    config.write_text('[privacy]\ndetectors = ["password"]\n', encoding="utf-8")
    run(runner, *label, "--config", config)
    values = {json.loads(line).get("value") for line in out.read_text().splitlines()}
    assert "DE89 3704 0044 0532 0130 00" in values
    assert "Sommer2026!" not in values  # typed into a password field: never kept
    assert "hunter2-secret" not in values  # typed in KeePass, a denied app
