"""``run_ci`` on two versions of simulated recordings: each rule fires and does not.

``base`` lacks the ``crm_row_entry`` routine; ``new`` adds a day with it and with an
extra "Add comment" step in expense approvals (``conftest.py``).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest

from discover.ci import (
    RULES,
    CiSettings,
    compare_reports,
    evaluate_rules,
    load_baseline,
    read_events_cached,
    render_baseline,
    render_result_json,
    render_summary,
    run_ci,
)
from discover.errors import InputError
from discover.pipeline import analyse, analyse_read
from models import RankedReport
from models.schemas import load_schema

APPROVE = (
    "Microsoft Teams|click|approval request",
    "Microsoft Teams|click|approve",
    "Microsoft Teams|click|confirm",
)
COMMENT = "Microsoft Teams|click|add comment"


def outcome(changes, n_invalid=0, **settings):
    return {
        o.rule: o for o in evaluate_rules(changes, n_invalid, CiSettings(**settings))
    }


def steps(candidate) -> tuple[str, ...]:
    return tuple(s.token for s in candidate.routine.steps)


def crm_candidate(report: RankedReport):
    # the new routine type: a spreadsheet row copied into a CRM form
    found = [c for c in report.candidates if set(c.apps) == {"Excel", "Chrome"}]
    best = max(found, key=lambda c: c.score.hours_per_month)
    assert best.score.hours_per_month > 0.3
    return best


# --- nothing changed -------------------------------------------------------------


def test_same_recordings_match_every_candidate_and_fire_no_rule(base_result):
    assert base_result.changes, "the baseline must hold candidates"
    for change in base_result.changes:
        assert change.status == "matched"
        assert change.candidate_id == change.baseline_id
        assert change.similarity == 1.0
        assert change.value_change_pct == 0.0
        assert change.new_variants == ()
    strict = outcome(
        base_result.changes,
        fail_on=RULES,
        new_variant_runs=1,
        value_change_pct=0.0,
    )
    assert [o.fired for o in strict.values()] == [False] * len(RULES)
    assert base_result.exit_code == 0


# --- new-candidate ---------------------------------------------------------------


def test_new_routine_type_fires_new_candidate(new_result):
    crm = crm_candidate(new_result.report)
    (change,) = [c for c in new_result.changes if c.candidate_id == crm.candidate_id]
    assert change.status == "new"
    assert change.hours_per_month == crm.score.hours_per_month
    rules = outcome(new_result.changes, new_candidate_hours=0.3)
    assert rules["new-candidate"].fired
    assert crm.candidate_id in rules["new-candidate"].candidates


def test_new_candidate_does_not_fire_below_its_threshold(new_result):
    crm = crm_candidate(new_result.report)
    hours = crm.score.hours_per_month
    above = outcome(new_result.changes, new_candidate_hours=hours)["new-candidate"]
    assert crm.candidate_id not in above.candidates
    assert not outcome(new_result.changes, new_candidate_hours=100)[
        "new-candidate"
    ].fired


# --- new-variant -----------------------------------------------------------------


def commented_runs(change) -> int:
    return max((v.count for v in change.new_variants if COMMENT in v.tokens), default=0)


def approve_change(result):
    """The change of the known routine that most runs now run with a comment."""
    return max(result.changes, key=commented_runs)


def test_added_step_fires_new_variant_on_the_known_routine(new_result, baseline_file):
    change = approve_change(new_result)
    assert change.status in ("matched", "variant")
    baseline = load_baseline(baseline_file).report
    (before,) = [c for c in baseline.candidates if c.candidate_id == change.baseline_id]
    assert steps(before) == APPROVE
    variant = max(
        (v for v in change.new_variants if COMMENT in v.tokens), key=lambda v: v.count
    )
    assert variant.tokens == (*APPROVE[:2], COMMENT, APPROVE[2])
    assert variant.count >= 10  # 3rd and 4th day: about 20 approvals
    rules = outcome(new_result.changes, new_variant_runs=variant.count)
    assert change.candidate_id in rules["new-variant"].candidates


def test_new_variant_does_not_fire_below_its_run_count(new_result, base_result):
    most = max(v.count for c in new_result.changes for v in c.new_variants)
    rules = outcome(new_result.changes, new_variant_runs=most + 1)
    assert not rules["new-variant"].fired
    assert not outcome(base_result.changes, new_variant_runs=1)["new-variant"].fired


# --- value-change ----------------------------------------------------------------


def test_value_change_is_the_percentage_between_the_two_reports(
    new_result, baseline_file
):
    baseline = load_baseline(baseline_file).report
    approvals = [c for c in baseline.candidates if steps(c) == APPROVE]
    before = max(approvals, key=lambda c: c.score.instances)
    (change,) = [
        c
        for c in new_result.changes
        if c.status == "matched" and c.baseline_id == before.candidate_id
    ]
    (after,) = [
        c for c in new_result.report.candidates if c.candidate_id == change.candidate_id
    ]
    old, new = before.score.value_per_month, after.score.value_per_month
    assert change.value_change_pct == round((new - old) / old * 100, 2)
    assert change.value_change_pct != 0.0
    below = abs(change.value_change_pct) - 0.01
    rules = outcome(new_result.changes, value_change_pct=below)
    assert change.candidate_id in rules["value-change"].candidates
    at = outcome(new_result.changes, value_change_pct=abs(change.value_change_pct))
    assert change.candidate_id not in at["value-change"].candidates


def test_value_change_does_not_fire_above_every_change(new_result):
    matched = [c for c in new_result.changes if c.status == "matched"]
    assert all(c.value_change_pct is not None for c in matched)
    largest = max(abs(c.value_change_pct) for c in matched)
    assert not outcome(new_result.changes, value_change_pct=largest)[
        "value-change"
    ].fired


# --- candidate-gone --------------------------------------------------------------


def test_routine_no_longer_recorded_fires_candidate_gone(base_result, new_result):
    # the other way round: `new` as the baseline, `base` as this run
    crm = crm_candidate(new_result.report)
    changes, _ = compare_reports(base_result.report, new_result.report, CiSettings())
    (gone,) = [c for c in changes if c.baseline_id == crm.candidate_id]
    assert gone.status == "gone"
    assert gone.baseline_hours_per_month == crm.score.hours_per_month
    rules = outcome(changes, gone_hours=0.3)
    assert crm.candidate_id in rules["candidate-gone"].candidates
    hours = crm.score.hours_per_month
    assert (
        crm.candidate_id
        not in outcome(changes, gone_hours=hours)["candidate-gone"].candidates
    )
    assert not outcome(base_result.changes)["candidate-gone"].fired


# --- invalid-recordings, exit codes, outputs --------------------------------------


@pytest.fixture(scope="module")
def broken_run(versions, baseline_file, ci_settings_default, tmp_path_factory):
    """``new`` plus a file with one bad line, cached, exported, failing on it."""
    _, new = versions
    root = tmp_path_factory.mktemp("broken")
    recordings = root / "rec"
    shutil.copytree(new, recordings)
    day = recordings / "u01" / "2026-03-05.jsonl"
    lines = day.read_text(encoding="utf-8").splitlines()
    bad = json.loads(lines[1])
    bad.update(event_id=bad["event_id"] + "bad", ts="2026-13-05T08:00:00Z")
    lines.insert(2, json.dumps(bad))
    day.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_ci(
        [recordings],
        baseline_file,
        ci_settings_default,
        {"top": 3, "export_target": "robot"},
        fail_on=["invalid-recordings", "new-variant=100"],
        cache_dir=root / "cache",
        export_dir=root / "bots",
    )
    return result, recordings, root


def test_invalid_event_fires_invalid_recordings_and_fails_the_run(broken_run):
    result, recordings, _ = broken_run
    rule = result.rules[RULES.index("invalid-recordings")]
    assert (rule.fired, rule.fails, rule.count) == (True, True, 1)
    assert result.invalid == (f"{recordings / 'u01' / '2026-03-05.jsonl'}:3: ts",)
    assert result.failed == ("invalid-recordings",)
    assert result.exit_code == 1


def test_clean_recordings_do_not_fire_invalid_recordings(new_result):
    assert not new_result.rules[RULES.index("invalid-recordings")].fired
    assert new_result.invalid == ()


def test_fired_rules_outside_fail_on_keep_exit_code_0(new_result):
    fired = [r.rule for r in new_result.rules if r.fired]
    assert "new-candidate" in fired
    assert new_result.settings.fail_on == ()
    assert new_result.exit_code == 0
    failing = replace(
        new_result,
        rules=evaluate_rules(
            new_result.changes, 0, CiSettings(fail_on=("new-candidate",))
        ),
    )
    assert failing.exit_code == 1
    assert replace(failing, baseline_updated=True).exit_code == 0


def test_cached_run_counts_its_reads(broken_run, versions):
    result, _, _ = broken_run
    assert result.cache.to_dict() == {"hits": 0, "misses": 8, "files_read": 8}
    assert result.n_files == 8


def test_exports_top_and_new_candidates_and_links_them(broken_run):
    result, _, root = broken_run
    ranked = sorted(result.candidates, key=lambda c: c.rank)
    new = {c.candidate_id for c in result.changes if c.status == "new"}
    want = {c.candidate_id for c in ranked[:3]} | new
    assert set(result.exports) == want
    for folder in result.exports.values():
        assert Path(folder).is_dir()
        assert Path(folder).parent == root / "bots"
    summary = render_summary(result)
    top = ranked[0]
    assert f"]({result.exports[top.candidate_id]}/)" in summary.replace(
        "<", ""
    ).replace(">", "")


def test_json_result_validates_and_is_deterministic(new_result, broken_run):
    schema = load_schema("ci-result")
    for result in (new_result, broken_run[0]):
        text = render_result_json(result)
        jsonschema.validate(json.loads(text), schema)
        assert render_result_json(result) == text
    data = json.loads(render_result_json(new_result))
    assert [r["rule"] for r in data["rules"]] == list(RULES)
    statuses = [c["status"] for c in data["changes"]]
    # this run's candidates by rank first, the gone ones last
    assert statuses == sorted(statuses, key=lambda s: s == "gone")
    ranks = [c["rank"] for c in data["changes"] if c["status"] != "gone"]
    assert ranks == sorted(ranks)


def test_outputs_hold_no_recorded_values(versions, new_result):
    _, new = versions
    values = set()
    for path in new.rglob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            value = json.loads(line).get("value")
            if isinstance(value, str) and len(value) >= 6:
                values.add(value)
    assert len(values) > 50
    text = render_result_json(new_result) + render_summary(new_result)
    assert sorted(v for v in values if v in text) == []


def test_cached_read_gives_the_pipeline_candidates(
    versions, ci_settings_default, tmp_path
):
    base, _ = versions
    want = analyse([base], ci_settings_default)
    for _ in range(2):  # cold, then warm
        read, _ = read_events_cached([base], tmp_path, skip_invalid=True)
        got = analyse_read(read, ci_settings_default)
        assert [c.to_dict() for c in got.candidates] == [
            c.to_dict() for c in want.candidates
        ]


# --- baselines -------------------------------------------------------------------


def test_first_run_without_a_baseline_lists_everything_as_new(first_result):
    assert first_result.baseline is None
    assert first_result.baseline_updated
    assert {c.status for c in first_result.changes} == {"new"}
    assert first_result.exit_code == 0
    assert render_summary(first_result).startswith("## deskmine ci: baseline updated\n")


def test_missing_baseline_is_bad_input_with_the_fix(tmp_path, ci_settings_default):
    with pytest.raises(InputError) as caught:
        run_ci(["sample_sessions"], tmp_path / "b.json", ci_settings_default)
    assert caught.value.exit_code == 2
    assert str(caught.value) == (
        f"{tmp_path / 'b.json'}:0: baseline: no such file; commit one made by "
        "`deskmine rank --format json` or create it with --update-baseline"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "b.json:1: baseline: not JSON: Expecting property name enclosed"),
        (
            '{"candidates": []}',
            "b.json:0: baseline: not a deskmine ranked report at (top): "
            "'scoring_version' is a required property",
        ),
        (
            '{"scoring_version": "1.0", "candidates": [{"candidate_id": "C1", '
            '"name": "n", "rank": 1, "score": {"instances": 2, '
            '"hours_per_month": 1, "value_per_month": 40}, '
            '"routine": {"steps": [{"label": "x"}]}}]}',
            "b.json:0: baseline: not a deskmine ranked report at "
            "candidates/0/routine/steps/0: 'token' is a required property",
        ),
    ],
)
def test_baseline_that_is_no_ranked_report_is_bad_input(tmp_path, text, message):
    path = tmp_path / "b.json"
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        load_baseline(path)
    assert str(caught.value).startswith(f"{tmp_path}/{message}")


def test_baseline_cut_with_top_marks_lower_candidates_unlisted(base_result):
    report = base_result.report
    cut = replace(report, candidates=report.candidates[:3])
    changes, notes = compare_reports(report, cut, CiSettings())
    assert [c.status for c in changes[:3]] == ["matched"] * 3
    assert {c.status for c in changes[3:]} == {"unlisted"}
    total = report.counts["candidates"]
    assert notes[0].startswith(f"The baseline lists 3 of its {total} candidates")
    assert not outcome(changes)["new-candidate"].fired


def test_baseline_file_drops_instances_and_still_validates(first_result, tmp_path):
    text = render_baseline(first_result)
    data = json.loads(text)
    jsonschema.validate(data, load_schema("report"))
    assert all(c["routine"]["instances"] == [] for c in data["candidates"])
    full = first_result.report.to_dict()
    for candidate in full["candidates"]:
        candidate["routine"]["instances"] = []
    assert data == full
    path = tmp_path / "baseline.json"
    path.write_text(text)
    changes, _ = compare_reports(
        first_result.report, load_baseline(path).report, CiSettings()
    )
    assert {c.status for c in changes} == {"matched"}


def test_baseline_from_another_deskmine_version_still_loads(baseline_file, tmp_path):
    data = json.loads(baseline_file.read_text(encoding="utf-8"))
    data["settings"]["privacy"]["a_future_setting"] = True
    for candidate in data["candidates"]:
        del candidate["score"]["factors"], candidate["score"]["extra"]
        candidate["score"]["a_future_figure"] = 1.0
    path = tmp_path / "other-version.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    loaded = load_baseline(path).report
    original = load_baseline(baseline_file).report
    assert [steps(c) for c in loaded.candidates] == [
        steps(c) for c in original.candidates
    ]
    changes, _ = compare_reports(original, loaded, CiSettings())
    assert {c.status for c in changes} == {"matched"}
    assert {c.value_change_pct for c in changes} == {0.0}
