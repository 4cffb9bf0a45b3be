"""The command line end to end: exit codes, streams, formats, and what users see."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import jsonschema
import pandas as pd
import pytest
from typer.testing import CliRunner

from discover.cli import app
from models import load_schema
from models.keys import KEY_ACTIONS, is_command_chord

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_sessions"
# one user-day: enough for a few routines, quick for tests of the plumbing
DAY = SAMPLES / "u01" / "2026-03-03.jsonl"
DATA = ROOT / "tests" / "data" / "cli"
DATASETS = ROOT.parent / "shared" / "datasets"
LENO = DATASETS / "leno-sr-rt" / "raw"


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


def invoke(runner: CliRunner, *args: str):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def sample_report(runner) -> dict:
    result = invoke(runner, "rank", SAMPLES, "--format", "json", "--top", "100")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_validate_reports_each_bad_line_and_exits_2(runner):
    result = invoke(runner, "validate", DATA / "bad.jsonl")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    located = [line.split(": ", 2)[:2] for line in lines]
    assert [loc[0].rsplit(":", 1)[1] for loc in located] == ["2", "3", "4", "5", "6"]
    assert [loc[1] for loc in located] == ["json", "user", "action", "ts", "encoding"]
    assert result.stdout.startswith("2 valid events in 1 files; 5 invalid")


def test_rank_refuses_invalid_input_without_skip_invalid(runner):
    result = invoke(runner, "rank", DATA / "bad.jsonl")
    assert result.exit_code == 2
    assert "bad.jsonl:2: json: " in result.stderr
    assert result.stdout == ""


def test_rank_with_skip_invalid_counts_what_it_skipped(runner):
    result = invoke(runner, "rank", DATA / "bad.jsonl", "--skip-invalid", "-f", "json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["counts"]["events"] == 2
    assert report["counts"]["invalid_skipped"] == 5
    assert "skipped 5 invalid events" in result.stderr


def test_rank_json_validates_against_the_report_schema(sample_report):
    jsonschema.validate(sample_report, load_schema("report"))
    assert sample_report["counts"]["events"] >= 20_000


def test_rank_json_is_byte_identical_across_runs(runner):
    args = ("rank", DAY, "--format", "json")
    assert invoke(runner, *args).stdout == invoke(runner, *args).stdout


KNOWN_MISSES = {
    # once a day per user: discovery looks for repeats inside one user-day stream,
    # so a routine run once a day never repeats there (found with per-user streams,
    # which cost boundary F1 elsewhere; not shipped yet)
    "report_download": "a once-a-day routine never repeats inside a user-day stream",
}
ROUTINE_TYPES = sorted(set(pd.read_csv(SAMPLES / "truth.csv", dtype=str)["routine"]))


@pytest.mark.parametrize(
    "routine",
    [
        pytest.param(
            name,
            marks=pytest.mark.xfail(strict=True, reason=KNOWN_MISSES[name])
            if name in KNOWN_MISSES
            else (),
        )
        for name in ROUTINE_TYPES
    ],
)
def test_rank_finds_every_simulated_routine_type(sample_report, routine):
    """A true routine type is matched by a candidate: at least 80% of the
    candidate's events belong to that routine, and it covers at least half of it."""
    truth = pd.read_csv(SAMPLES / "truth.csv", dtype=str)
    true_events = set(truth.loc[truth["routine"] == routine, "event_id"])
    found = [set(instance_events(c)) for c in sample_report["candidates"]]
    best = max(found, key=lambda events: len(events & true_events))
    overlap = len(best & true_events)
    assert overlap / max(len(best), 1) >= 0.8
    assert overlap / len(true_events) >= 0.5


def instance_events(candidate: dict) -> list[str]:
    return [e for i in candidate["routine"]["instances"] for e in i["event_ids"]]


def leno_top_candidate(runner, name: str) -> dict:
    path = LENO / name
    if not path.is_file():
        pytest.skip(f"{path} is absent (shared datasets are not part of the package)")
    result = invoke(runner, "rank", path, "--format", "json", "--top", "1")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["candidates"][0]


@pytest.mark.parametrize("name", ["StudentRecord.csv", "Reimbursement.csv"])
def test_rank_puts_the_excel_to_web_form_routine_first_on_leno_logs(runner, name):
    top = leno_top_candidate(runner, name)
    steps = top["routine"]["steps"]
    actions = [(s["app"], s["action"]) for s in steps]
    # the Action Logger records the copy itself as an OS-Clipboard event
    assert ("Excel", "select_cell") in actions and ("Chrome", "paste") in actions
    assert any(action == "copy" for _, action in actions)
    assert top["score"]["instances"] >= 45  # 50 rows were entered by hand
    assert len(steps) >= 10


def test_show_prints_one_candidate_in_detail(runner):
    ranked = invoke(runner, "rank", DAY, "-f", "json", "-q")
    best = json.loads(ranked.stdout)["candidates"][0]
    result = invoke(runner, "show", best["candidate_id"][:6], DAY, "-q")
    assert result.exit_code == 0, result.stderr
    assert best["candidate_id"] in result.stdout
    for step in best["routine"]["steps"][:3]:
        assert step["app"] in result.stdout


def test_show_unknown_id_names_the_known_ones(runner):
    result = invoke(runner, "show", "Cnope", DAY, "-q")
    assert result.exit_code == 1
    assert result.stderr.startswith("no candidate matches id 'Cnope'; known ids")


def test_label_writes_every_event_in_input_order(runner, tmp_path):
    out = tmp_path / "labels.csv"
    later = SAMPLES / "u01" / "2026-03-04.jsonl"
    result = invoke(runner, "label", later, DAY, "-o", out, "-q")
    assert result.exit_code == 0, result.stderr
    labelled = pd.read_csv(out, dtype=str, keep_default_na=False)
    read = [
        (Path(s).name, int(n)) for s, n in zip(labelled["source"], labelled["line"])
    ]
    expected = [(later.name, n) for n in range(1, count_lines(later) + 1)]
    expected += [(DAY.name, n) for n in range(1, count_lines(DAY) + 1)]
    assert read == expected
    assert {"routine_id", "instance_id"} <= set(labelled.columns)
    assert (labelled["instance_id"] != "").mean() > 0.3
    same = labelled[labelled["instance_id"] != ""].groupby("instance_id")
    assert (same["routine_id"].nunique() == 1).all()


def count_lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_label_output_never_holds_clear_values(runner, tmp_path):
    """Every value typed or copied in the input stays out of the output, wherever
    the recorder also saw it (titles, labels, URLs). Hotkey chords (ctrl+s) are
    commands, not values, and are kept on purpose (`models.keys`)."""
    out = tmp_path / "labels.jsonl"
    invoke(runner, "label", SAMPLES / "u01", "-o", out, "-f", "jsonl", "-q")
    recorded = [
        json.loads(line)
        for path in sorted((SAMPLES / "u01").glob("*.jsonl"))
        for line in path.read_text("utf-8").splitlines()
    ]
    secrets = {
        e["value"].strip()
        for e in recorded
        if len(e.get("value") or "") >= 6
        and not (e["action"] in KEY_ACTIONS and is_command_chord(e["value"]))
    }
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    # value_hash is hex and may contain digit runs by chance; it is no leak
    text = "\n".join(
        str(v) for r in records for k, v in r.items() if k != "value_hash" and v
    )
    assert len(secrets) > 100
    assert sorted(s for s in secrets if s in text) == []


def test_evaluate_scores_discovery_against_hidden_truth(runner):
    result = invoke(
        runner,
        "evaluate",
        SAMPLES / "u01",
        "--truth",
        SAMPLES / "truth.csv",
        "--format",
        "json",
        "-q",
    )
    assert result.exit_code == 0, result.stderr
    scores = json.loads(result.stdout)
    assert scores["boundary_f1"] > 0.5
    assert 0 <= scores["jaccard"] <= 1


def test_simulate_writes_reproducible_recordings(runner, tmp_path):
    args = ("simulate", "--seed", "3", "--events", "800", "--users", "1", "--days", "1")
    invoke(runner, *args, "-o", tmp_path / "a", "-q")
    invoke(runner, *args, "-o", tmp_path / "b", "-q")
    first = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*"))
    assert first == sorted(
        p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*")
    )
    for name in first:
        if (tmp_path / "a" / name).is_file():
            a = (tmp_path / "a" / name).read_bytes()
            assert a == (tmp_path / "b" / name).read_bytes()


def test_export_refuses_to_overwrite_without_force(runner, tmp_path):
    args = ("export", DAY, "--to", "tagui", "-o", tmp_path, "--top", "1")
    first = invoke(runner, *args, "-q")
    assert first.exit_code == 0, first.stderr
    assert (tmp_path / "index.md").is_file()
    second = invoke(runner, *args, "-q")
    assert second.exit_code != 0
    assert "--force" in second.stderr
    assert invoke(runner, *args, "--force", "-q").exit_code == 0


def test_every_command_has_help_and_appears_in_readme(runner):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in app.registered_commands:
        name = command.name or command.callback.__name__
        result = invoke(runner, name, "--help")
        assert result.exit_code == 0
        assert f"deskmine {name}" in readme, f"README lacks a tour of `{name}`"


def test_errors_never_show_a_traceback(runner):
    result = invoke(runner, "rank", DATA / "no-such-file.jsonl")
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1


def _invoice_session(path: Path) -> Path:
    lines = []
    for n in range(8):
        minute = 10 + 3 * n
        common = {"user": "anna", "session": "s1"}
        lines += [
            {
                "ts": f"2026-03-02T09:{minute:02d}:00Z",
                "app": "Excel",
                "action": "copy",
                "value": f"INV-2026-{n + 1:04d}",
                "cell": f"A{n + 2}",
                **common,
            },
            {
                "ts": f"2026-03-02T09:{minute:02d}:04Z",
                "app": "Chrome",
                "action": "paste",
                "target": {"label": "Invoice"},
                "value": f"INV-2026-{n + 1:04d}",
                **common,
            },
            {
                "ts": f"2026-03-02T09:{minute:02d}:09Z",
                "app": "Chrome",
                "action": "click",
                "target": {"label": "Save"},
                **common,
            },
        ]
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    return path


def test_convert_writes_each_format_and_notes_what_it_wrote(tmp_path, monkeypatch):
    monkeypatch.delenv("DESKMINE_SECRET", raising=False)
    source = _invoice_session(tmp_path / "anna.jsonl")
    runner = CliRunner()
    result = runner.invoke(
        app, ["convert", str(source), "--to", "cases", "-o", str(tmp_path / "c.csv")]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == f"wrote 24 events in 8 cases to {tmp_path / 'c.csv'}\n"
    rows = list(csv.reader((tmp_path / "c.csv").open(encoding="utf-8")))
    assert len(rows) == 9 and rows[1][-1].startswith("h:")
    assert "INV-2026" not in (tmp_path / "c.csv").read_text(encoding="utf-8")
    result = runner.invoke(
        app, ["convert", str(source), "--to", "xes", "-o", str(tmp_path / "a.xes")]
    )
    assert result.exit_code == 0 and "in 8 cases" in result.stderr
    result = runner.invoke(
        app,
        [
            "convert",
            str(ROOT / "tests" / "data" / "readers" / "activitywatch_export.json"),
            "--to",
            "jsonl",
            "-o",
            str(tmp_path / "aw.jsonl"),
        ],
    )
    assert result.exit_code == 0
    assert len((tmp_path / "aw.jsonl").read_text().splitlines()) == 9


def test_convert_reports_a_bad_key_pattern_and_exits_2(tmp_path):
    source = _invoice_session(tmp_path / "anna.jsonl")
    result = CliRunner().invoke(
        app,
        [
            "convert",
            str(source),
            "--to",
            "cases",
            "-o",
            str(tmp_path / "c.csv"),
            "--key-pattern",
            "(INV",
        ],
    )
    assert result.exit_code == 2
    assert result.stderr == (
        "key_pattern must be a Python regular expression; got '(INV' "
        "(missing ), unterminated subpattern at position 0).\n"
    )


def test_rank_orders_routine_types_by_their_true_savings(sample_report):
    """Candidates rank the simulated routine types the way their true hours saved
    do; types whose true hours are within 10% of each other may come either way."""
    truth = pd.read_csv(SAMPLES / "truth.csv", dtype=str)
    summary = json.loads((SAMPLES / "routines.json").read_text(encoding="utf-8"))
    true_hours = {r["name"]: r["hours_saved_per_month"] for r in summary["routines"]}
    rank_of = {}
    for routine in ROUTINE_TYPES:
        if routine in KNOWN_MISSES:
            continue
        true_events = set(truth.loc[truth["routine"] == routine, "event_id"])
        best = max(
            sample_report["candidates"],
            key=lambda c: len(set(instance_events(c)) & true_events),
        )
        rank_of[routine] = best["rank"]
    disagreements = [
        (a, b)
        for a in rank_of
        for b in rank_of
        if true_hours[a] > 1.1 * true_hours[b] and rank_of[a] > rank_of[b]
    ]
    assert len(rank_of) >= 5
    assert disagreements == []


def test_rank_on_window_focus_only_ranks_app_switches_and_says_what_is_missing(
    runner, tmp_path
):
    """Tockler-style recordings hold only focus events: routines are app-switch
    sequences, and the report names the signals it lacked."""
    apps = ["Outlook", "Excel", "Chrome", "SAP GUI"]
    lines, minute = [], 0
    for run in range(6):
        for name in apps:
            minute += 1
            lines.append(
                {
                    "ts": f"2026-03-02T{9 + minute // 60:02d}:{minute % 60:02d}:00Z",
                    "user": "u1",
                    "app": name,
                    "action": "focus",
                    "window": f"{name} window",
                    "duration_s": 50.0,
                }
            )
        for noise in ("Teams", "Spotify") if run % 2 else ("Teams",):
            minute += 1
            lines.append(
                {
                    "ts": f"2026-03-02T{9 + minute // 60:02d}:{minute % 60:02d}:00Z",
                    "user": "u1",
                    "app": noise,
                    "action": "focus",
                    "duration_s": 20.0,
                }
            )
    path = tmp_path / "focus.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in lines), encoding="utf-8")
    result = invoke(runner, "rank", path, "-f", "json", "-q")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["candidates"], "no app-switch routine found"
    best = report["candidates"][0]
    assert [s["app"] for s in best["routine"]["steps"]][:4] == apps
    assert best["score"]["instances"] >= 5
    assert any(n.startswith("Only window focus was recorded") for n in report["notes"])


def test_robot_export_says_each_todo_once_in_a_row(runner, tmp_path):
    result = invoke(
        runner, "export", SAMPLES, "--to", "robot", "--top", "3", "-o", tmp_path, "-q"
    )
    assert result.exit_code == 0, result.output
    tasks = sorted(tmp_path.glob("*/tasks.robot"))
    assert len(tasks) == 3
    for path in tasks:
        lines = [line.strip() for line in path.read_text("utf-8").splitlines()]
        repeats = [a for a, b in zip(lines, lines[1:]) if a == b and a.startswith("#")]
        assert repeats == [], path.name
