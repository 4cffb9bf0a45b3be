"""Rule thresholds, --fail-on parsing and [ci] settings, on hand-made changes."""

from __future__ import annotations

import pytest

from discover.ci import RULES, Change, CiSettings, apply_fail_on, evaluate_rules
from discover.ci.rules import value_change_pct
from discover.errors import ConfigError
from models import Variant


def change(status: str, key: str = "C1", **fields) -> Change:
    ours = status != "gone"
    values = {
        "status": status,
        "candidate_id": key if ours else None,
        "baseline_id": key if status in ("matched", "gone") else None,
        "name": "Excel copy → Chrome paste",
        "rank": 1 if ours else None,
        "baseline_rank": 1 if status in ("matched", "gone") else None,
        "similarity": 1.0 if status == "matched" else None,
        "hours_per_month": 2.0 if ours else None,
        "baseline_hours_per_month": 2.0 if status in ("matched", "gone") else None,
        "value_per_month": 80.0 if ours else None,
        "baseline_value_per_month": 80.0 if status in ("matched", "gone") else None,
        "value_change_pct": 0.0 if status == "matched" else None,
        "steps_changed": False,
        "new_variants": (),
    }
    values.update(fields)
    return Change(**values)


def fired(changes, n_invalid=0, **settings) -> dict[str, tuple[str, ...]]:
    outcomes = evaluate_rules(changes, n_invalid, CiSettings(**settings))
    assert [o.rule for o in outcomes] == list(RULES)
    return {o.rule: o.candidates for o in outcomes if o.fired}


def test_new_candidate_fires_only_above_the_hours_threshold():
    changes = [
        change("new", "C1", hours_per_month=1.5),
        change("new", "C2", hours_per_month=0.5),
    ]
    assert fired(changes) == {"new-candidate": ("C1", "C2")}
    assert fired(changes, new_candidate_hours=0.5) == {"new-candidate": ("C1",)}
    assert fired(changes, new_candidate_hours=1.5) == {}


def test_unlisted_candidates_never_fire_new_candidate():
    assert fired([change("unlisted", "C1", hours_per_month=9.0)]) == {}


def test_value_change_fires_past_the_percentage_either_way():
    changes = [
        change("matched", "C1", value_change_pct=25.0),
        change("matched", "C2", value_change_pct=-25.01),
        change("matched", "C3", value_change_pct=None),  # from 0 to more
    ]
    assert fired(changes, value_change_pct=25.0) == {"value-change": ("C2", "C3")}
    assert fired(changes, value_change_pct=20.0) == {"value-change": ("C1", "C2", "C3")}
    assert fired(changes[:2], value_change_pct=30.0) == {}


def test_new_variant_fires_from_the_run_count_on():
    variant = Variant(tokens=("a", "b", "c"), count=3)
    changes = [change("matched", "C1", new_variants=(variant,))]
    assert fired(changes, new_variant_runs=3) == {"new-variant": ("C1",)}
    assert fired(changes, new_variant_runs=4) == {}
    assert fired([change("matched", "C1")], new_variant_runs=1) == {}


def test_candidate_gone_fires_only_above_the_hours_threshold():
    changes = [
        change("gone", "B1", baseline_hours_per_month=3.0),
        change("gone", "B2", baseline_hours_per_month=0.2),
    ]
    assert fired(changes, gone_hours=0.2) == {"candidate-gone": ("B1",)}
    assert fired(changes, gone_hours=5.0) == {}


def test_invalid_recordings_fires_on_any_invalid_event():
    outcomes = evaluate_rules([], 3, CiSettings(fail_on=("invalid-recordings",)))
    last = outcomes[-1]
    assert (last.rule, last.fired, last.fails, last.count) == (
        "invalid-recordings",
        True,
        True,
        3,
    )
    assert last.message == "3 invalid events skipped"
    assert not evaluate_rules([], 0, CiSettings())[-1].fired


def test_a_rule_fails_only_when_listed_in_fail_on():
    changes = [change("new", "C1")]
    outcomes = evaluate_rules(changes, 0, CiSettings(fail_on=("candidate-gone",)))
    first = outcomes[0]
    assert (first.fired, first.fails, first.message) == (True, False, "1 new candidate")
    outcomes = evaluate_rules(changes, 0, CiSettings(fail_on=("new-candidate",)))
    assert outcomes[0].fails
    assert outcomes[0].condition == "new candidate above 0 hours/month"


def test_value_change_pct_is_relative_to_the_baseline():
    assert value_change_pct(40.0, 50.0) == 25.0
    assert value_change_pct(30.0, 20.0) == -33.33
    assert value_change_pct(0.0, 0.0) == 0.0
    assert value_change_pct(0.0, 1.0) is None


def test_fail_on_items_name_rules_and_set_thresholds():
    settings = apply_fail_on(
        CiSettings(fail_on=("candidate-gone",)),
        ["value-change=10", "new-variant=5", "invalid-recordings", "value-change"],
    )
    assert settings.fail_on == ("value-change", "new-variant", "invalid-recordings")
    assert (settings.value_change_pct, settings.new_variant_runs) == (10.0, 5)


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (
            "new-candidates",
            "--fail-on takes RULE or RULE=THRESHOLD with RULE one of new-candidate, "
            "value-change, new-variant, candidate-gone, invalid-recordings; got "
            "'new-candidates'; did you mean 'new-candidate'?",
        ),
        (
            "invalid-recordings=3",
            "--fail-on invalid-recordings takes no threshold (it fires on any "
            "invalid event); got 'invalid-recordings=3'. Pass --fail-on "
            "invalid-recordings.",
        ),
        (
            "new-variant=2.5",
            "--fail-on threshold must be an integer; got 'new-variant=2.5'.",
        ),
        (
            "value-change=-5",
            "--fail-on: ci.value_change_pct: must be >= 0; got -5.0",
        ),
    ],
)
def test_fail_on_rejects_bad_items_with_the_fix(item, message):
    with pytest.raises(ConfigError) as caught:
        apply_fail_on(CiSettings(), [item])
    assert str(caught.value) == message


def test_ci_settings_from_a_toml_table_round_trip():
    data = {
        "fail_on": ["new-candidate", "invalid-recordings"],
        "match_threshold": 0.7,
        "new_candidate_hours": 1,
        "top": 5,
        "export_target": "robot",
    }
    settings = CiSettings.from_dict(data)
    assert settings.fail_on == ("new-candidate", "invalid-recordings")
    assert settings.new_candidate_hours == 1.0
    assert CiSettings.from_dict(settings.to_dict()) == settings


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"fail_ob": []},
            "deskmine.toml: ci.fail_ob: unknown key; did you mean 'fail_on'?",
        ),
        (
            {"fail_on": "new-candidate"},
            "deskmine.toml: ci.fail_on: must be a list of rule names; "
            "got 'new-candidate'",
        ),
        (
            {"fail_on": ["new"]},
            "deskmine.toml: ci.fail_on: must be distinct rule names from "
            "new-candidate, value-change, new-variant, candidate-gone, "
            "invalid-recordings; got ('new',)",
        ),
        (
            {"match_threshold": 0},
            "deskmine.toml: ci.match_threshold: must be in (0, 1]; got 0.0",
        ),
        ({"top": True}, "deskmine.toml: ci.top: must be an integer; got True"),
        (
            {"export_target": "excel"},
            "deskmine.toml: ci.export_target: must be one of uipath, "
            "power-automate, robot, tagui, pdd; got 'excel'",
        ),
    ],
)
def test_ci_settings_reject_bad_tables_naming_the_key(data, message):
    with pytest.raises(ConfigError) as caught:
        CiSettings.from_dict(data, source="deskmine.toml")
    assert str(caught.value) == message


def test_run_ci_checks_a_foreign_ci_table_before_reading(tmp_path):
    from dataclasses import dataclass

    from discover.ci import run_ci
    from discover.config import load_settings

    @dataclass(frozen=True)
    class LoadedCi:  # what discover/config.py may hold for [ci]
        fail_on: tuple[str, ...] = ("new-candidate",)
        top: int = 0

    with pytest.raises(ConfigError) as caught:
        run_ci(
            [tmp_path / "none"], tmp_path / "b.json", load_settings(None), LoadedCi()
        )
    assert str(caught.value) == "[ci]: ci.top: must be >= 1; got 0"
