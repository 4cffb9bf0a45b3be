"""The example GitHub workflow and its committed baseline fit together."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema

from discover.ci import load_baseline
from discover.ci.compare import BASELINE_SCHEMA

ROOT = Path(__file__).resolve().parents[3]
WORKFLOW = ROOT / ".github" / "workflows" / "deskmine.yml"
BASELINE = "tests/data/ci/sample_baseline.json"


def run_command() -> str:
    text = WORKFLOW.read_text(encoding="utf-8")
    match = re.search(r"run: >-\n((?: {10}.*\n)+)", text)
    assert match, "the workflow must run deskmine ci in a folded block"
    return " ".join(line.strip() for line in match.group(1).splitlines())


def test_workflow_installs_the_package_and_runs_ci_on_the_samples():
    text = WORKFLOW.read_text(encoding="utf-8")
    assert "uses: actions/setup-python@v5" in text
    assert "run: pip install ." in text
    assert run_command() == (
        "deskmine ci sample_sessions/ "
        f"--baseline {BASELINE} "
        '--summary "$GITHUB_STEP_SUMMARY" '
        "--json deskmine-ci.json "
        "--export-dir deskmine-bots "
        "--cache .deskmine-cache "
        "--fail-on invalid-recordings"
    )


def test_committed_baseline_is_a_ranked_report_of_the_samples():
    data = json.loads((ROOT / BASELINE).read_text(encoding="utf-8"))
    # what comparison reads; the full report schema moves with the settings
    jsonschema.validate(data, BASELINE_SCHEMA)
    recordings = sorted(
        f"sample_sessions/{p.relative_to(ROOT / 'sample_sessions').as_posix()}"
        for p in (ROOT / "sample_sessions").rglob("*.jsonl")
    )
    assert data["inputs"] == recordings
    baseline = load_baseline(ROOT / BASELINE)
    assert baseline.listed == baseline.total == data["counts"]["candidates"] >= 5
    assert all(not c.routine.instances for c in baseline.report.candidates)
