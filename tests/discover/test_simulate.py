"""The seeded simulator: format, ground truth, determinism, timing, validation."""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from datetime import datetime, timezone
from pathlib import Path

import jsonschema
import pytest

from discover.errors import ConfigError
from discover.simulate import (
    ROUTINE_TYPES,
    SimulationConfig,
    iter_events,
    simulate,
    stream_simulation,
    write_simulation,
)
from discover.simulate.world import fake_iban
from models import ACTIONS, load_schema

SAMPLE = Path(__file__).resolve().parents[2] / "sample_sessions"
SMALL = SimulationConfig(seed=3, n_events=3000, n_users=3, n_days=2)


@pytest.fixture(scope="module")
def default_sim():
    return simulate(SimulationConfig())


@pytest.fixture(scope="module")
def small_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("small")
    stream_simulation(SMALL, out)
    return out


def _ms(ts: str) -> int:
    stamp = datetime.fromisoformat(ts.replace("Z", "+00:00"))
    return round(stamp.timestamp() * 1000)


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "README.md"
    }


def test_default_config_meets_the_issue_volume(default_sim):
    events = default_sim.events
    assert len(events) >= 20_000
    assert len({e["user"] for e in events}) == 4
    assert len({e["event_id"].split("/")[1].split(".")[0] for e in events}) == 8
    instances = {r["name"]: r["instances"] for r in default_sim.routines}
    assert set(instances) == set(ROUTINE_TYPES)
    assert len(ROUTINE_TYPES) >= 6
    assert min(instances.values()) >= 10
    # frequencies differ a lot: the 3-step routine is the most frequent one
    assert max(instances, key=instances.get) == "approve_expense"
    assert instances["approve_expense"] > 10 * instances["report_download"]


def test_true_hours_ranking_differs_from_frequency_ranking(default_sim):
    rows = default_sim.routines
    by_hours = [r["name"] for r in rows]
    by_count = [r["name"] for r in sorted(rows, key=lambda r: -r["instances"])]
    assert by_hours != by_count
    assert [r["rank_by_hours"] for r in rows] == list(range(1, len(rows) + 1))
    short = next(r for r in rows if r["name"] == "approve_expense")
    assert short["rank_by_instances"] == 1
    assert short["rank_by_hours"] >= 4


def test_every_event_validates_against_the_event_schema(default_sim):
    validator = jsonschema.Draft202012Validator(load_schema("event"))
    bad = [e["event_id"] for e in default_sim.events if not validator.is_valid(e)]
    assert bad == []
    assert {e["action"] for e in default_sim.events} <= set(ACTIONS)


def test_event_ids_are_relative_path_and_line(small_dir):
    files = sorted(small_dir.rglob("*.jsonl"))
    assert len(files) == 3 * 2
    for path in files:
        name = path.relative_to(small_dir).as_posix()
        lines = path.read_text("utf-8").splitlines()
        ids = [json.loads(line)["event_id"] for line in lines]
        assert ids == [f"{name}:{i}" for i in range(1, len(lines) + 1)]


def test_timestamps_strictly_increase_in_every_file(small_dir):
    for path in small_dir.rglob("*.jsonl"):
        stamps = [_ms(json.loads(line)["ts"]) for line in path.open(encoding="utf-8")]
        assert all(b > a for a, b in zip(stamps, stamps[1:], strict=False)), path


def test_days_run_from_morning_to_late_afternoon_with_lunch(default_sim):
    by_file = defaultdict(list)
    for event in default_sim.events:
        by_file[event["session"]].append(_ms(event["ts"]))
    for stamps in by_file.values():
        start = datetime.fromtimestamp(stamps[0] / 1000, tz=timezone.utc)
        end = datetime.fromtimestamp(stamps[-1] / 1000, tz=timezone.utc)
        # local time is UTC+1: 08:30 local is 07:30 UTC
        assert 6.9 <= start.hour + start.minute / 60 <= 8.3
        assert 13.5 <= end.hour + end.minute / 60 <= 19.0
        assert (
            max(b - a for a, b in zip(stamps, stamps[1:], strict=False)) >= 25 * 60_000
        )


def test_same_seed_gives_identical_bytes_and_another_seed_does_not(tmp_path):
    stream_simulation(SMALL, tmp_path / "a")
    stream_simulation(SMALL, tmp_path / "b")
    other = SimulationConfig(seed=4, n_events=3000, n_users=3, n_days=2)
    stream_simulation(other, tmp_path / "c")
    a, b, c = (_files(tmp_path / name) for name in "abc")
    assert a == b
    assert a["u01/2026-03-02.jsonl"] != c["u01/2026-03-02.jsonl"]
    assert a["truth.csv"] != c["truth.csv"]


def test_streaming_writes_the_same_bytes_as_the_in_memory_simulation(tmp_path):
    stream_simulation(SMALL, tmp_path / "stream")
    written = write_simulation(simulate(SMALL), tmp_path / "memory")
    assert _files(tmp_path / "stream") == _files(tmp_path / "memory")
    assert [p.name for p in written[-2:]] == ["truth.csv", "routines.json"]
    assert len(written) == 3 * 2 + 2


def test_truth_ids_exist_and_each_instance_has_one_routine(small_dir):
    ids = set()
    for path in small_dir.rglob("*.jsonl"):
        ids.update(json.loads(line)["event_id"] for line in path.open(encoding="utf-8"))
    with (small_dir / "truth.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and set(rows[0]) == {"event_id", "routine", "instance"}
    assert {r["event_id"] for r in rows} <= ids
    assert len({r["event_id"] for r in rows}) == len(rows)
    routines = defaultdict(set)
    for row in rows:
        routines[row["instance"]].add(row["routine"])
    assert all(len(names) == 1 for names in routines.values())


def test_instances_are_contiguous_without_noise_inside_or_interleaving():
    config = SimulationConfig(
        seed=5, n_events=4000, n_users=4, n_days=1, noise_inside=0.0, interleave=0.0
    )
    lines = defaultdict(list)
    for item in iter_events(config):
        if item.instance is not None:
            lines[item.instance].append(int(item.event["event_id"].rsplit(":", 1)[1]))
    assert len(lines) > 100
    for numbers in lines.values():
        assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))


def test_noise_inside_instances_is_left_out_of_the_truth():
    config = SimulationConfig(
        seed=5, n_events=4000, n_users=4, n_days=1, noise_inside=0.3, interleave=0.0
    )
    items = list(iter_events(config))
    first, last = {}, {}
    for i, item in enumerate(items):
        if item.instance is not None:
            first.setdefault(item.instance, i)
            last[item.instance] = i
    inside = [
        items[i]
        for instance in first
        for i in range(first[instance], last[instance] + 1)
        if items[i].instance is None
    ]
    n_steps = sum(1 for item in items if item.instance is not None)
    # about 0.3 strays per step after the first, plus the switches they cause
    assert len(inside) > 0.2 * n_steps
    stray_actions = {"scroll", "click", "app_switch", "type", "key"}
    assert {item.event["action"] for item in inside} <= stray_actions


def test_pasted_values_equal_the_value_copied_before_in_the_instance(default_sim):
    truth = {event_id: instance for event_id, _, instance in default_sim.truth}
    clipboard: dict[str, str] = {}
    n_pastes = 0
    for event in default_sim.events:
        instance = truth.get(event["event_id"])
        if instance is None:
            continue
        if event["action"] == "copy":
            clipboard[instance] = event["value"]
        elif event["action"] == "paste":
            assert event["value"] == clipboard[instance], event["event_id"]
            n_pastes += 1
    assert n_pastes > 2000


def test_interleave_share_follows_the_config():
    def share(interleave: float) -> float:
        config = SimulationConfig(
            seed=9, n_events=6000, n_users=4, n_days=2, interleave=interleave
        )
        summary = simulate(config).summary
        return summary["interleaved_instances"] / summary["instances"]

    assert share(0.0) == 0.0
    assert 0.2 <= share(0.3) <= 0.4


def test_routine_types_subset_limits_the_routines():
    config = SimulationConfig(
        n_events=2000, n_users=2, n_days=1, routine_types=("crm_row_entry",)
    )
    sim = simulate(config)
    assert {routine for _, routine, _ in sim.truth} == {"crm_row_entry"}
    assert [r["name"] for r in sim.routines] == ["crm_row_entry"]


@pytest.mark.parametrize("n_events", [500, 5000, 20000])
def test_event_count_follows_n_events(n_events):
    sim = simulate(SimulationConfig(seed=1, n_events=n_events, n_users=2, n_days=2))
    assert n_events <= len(sim.events) <= n_events * 1.1 + 100


def test_busy_days_compress_time_but_stay_in_their_day():
    config = SimulationConfig(seed=2, n_events=30_000, n_users=1, n_days=1)
    stamps = [item.ts_ms for item in iter_events(config)]
    assert len(stamps) >= 30_000
    assert all(b > a for a, b in zip(stamps, stamps[1:], strict=False))
    assert (stamps[-1] - stamps[0]) / 3_600_000 < 10.0


def test_routines_json_hours_follow_the_documented_formula(default_sim):
    summary = default_sim.summary
    days = summary["observed_working_days"]
    assert days == 8
    for row in summary["routines"]:
        runs = row["instances"] / days * 21
        hours = runs * (row["human_seconds_mean"] - row["bot_seconds_mean"]) / 3600
        assert row["hours_saved_per_month"] == pytest.approx(hours, abs=0.002)
        assert row["human_seconds_mean"] > row["bot_seconds_mean"] > 0


def test_human_seconds_match_the_event_timestamps(default_sim):
    truth = {event_id: (r, i) for event_id, r, i in default_sim.truth}
    own_ms: Counter[str] = Counter()
    seen: set[str] = set()
    prev_end, prev_file = 0, ""
    for event in default_sim.events:
        ts = _ms(event["ts"])
        end = ts + round(event.get("duration_s", 0) * 1000)
        path = event["event_id"].rsplit(":", 1)[0]
        label = truth.get(event["event_id"])
        if label is not None:
            routine, instance = label
            if instance in seen and path == prev_file:
                own_ms[routine] += ts - prev_end
            seen.add(instance)
            own_ms[routine] += end - ts
        prev_end, prev_file = end, path
    for row in default_sim.routines:
        mean_s = own_ms[row["name"]] / 1000 / row["instances"]
        assert row["human_seconds_mean"] == pytest.approx(mean_s, abs=0.002)


def test_known_values_are_the_values_in_the_events(default_sim):
    recorded = {e.get("value") for e in default_sim.events}
    for row in default_sim.routines:
        assert set(row["values"]) <= recorded
    values = {v for row in default_sim.routines for v in row["values"]}
    assert any(v.startswith("DE") and len(v) == 27 for v in values)  # IBANs
    assert any(v.endswith(".example") and "@" in v for v in values)  # e-mails
    assert any(v.startswith(("INV-", "RE-", "R-", "FA-")) for v in values)


def test_fake_ibans_have_valid_check_digits():
    import numpy as np

    rng = np.random.default_rng(0)
    for _ in range(50):
        iban = fake_iban(rng).replace(" ", "")
        moved = iban[4:] + iban[:4]
        assert int("".join(str(int(ch, 36)) for ch in moved)) % 97 == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_users": 0}, "n_users must be an int in [1, 1000]; got 0."),
        ({"n_days": 2.5}, "n_days must be an int in [1, 10000]; got 2.5."),
        ({"n_events": True}, "n_events must be an int in [1, 1000000000]; got True."),
        ({"seed": -1}, "seed must be an int in [0, 4294967295]; got -1."),
        (
            {"n_events": 500},
            "n_events must be at least 20 per user-day (640 for 4 users over 8 "
            "days); got 500. Raise n_events or lower n_users or n_days.",
        ),
        ({"noise_inside": 0.9}, "noise_inside must be a float in [0.0, 0.5]; got 0.9."),
        ({"interleave": "x"}, "interleave must be a float in [0.0, 1.0]; got 'x'."),
        (
            {"routine_types": "crm_row_entry"},
            "routine_types must be a tuple of names, not a str; got 'crm_row_entry'. "
            "Use ('crm_row_entry',).",
        ),
        (
            {"routine_types": ("crm_row_entry", "crm_row_entry")},
            "routine_types must not repeat a name; "
            "got ('crm_row_entry', 'crm_row_entry').",
        ),
    ],
)
def test_config_rejects_bad_parameters_with_the_rule_and_the_value(kwargs, message):
    with pytest.raises(ConfigError) as caught:
        SimulationConfig(**kwargs)
    assert str(caught.value) == message
    assert caught.value.exit_code == 2


def test_config_rejects_unknown_routine_types_naming_the_known_ones():
    with pytest.raises(
        ConfigError, match=r"^routine_types must be None or .*invoice_entry"
    ):
        SimulationConfig(routine_types=("invoice_entry", "payroll"))


def test_shipped_sample_sessions_are_the_default_simulation(tmp_path):
    stream_simulation(SimulationConfig(), tmp_path)
    shipped = _files(SAMPLE)
    assert shipped.keys() == _files(tmp_path).keys()
    assert shipped == _files(tmp_path)
    size = sum(len(data) for data in shipped.values())
    assert size < 10 * 1024 * 1024


def _instance_events(sim):
    truth = {event_id: (r, i) for event_id, r, i in sim.truth}
    instances = defaultdict(list)
    for event in sim.events:
        label = truth.get(event["event_id"])
        if label is not None:
            instances[label].append(event)
    return instances


def test_routines_come_in_variants_and_stay_in_their_apps(default_sim):
    apps = {r["name"]: set(r["apps"]) for r in default_sim.routines}
    variants = defaultdict(set)
    for (routine, _), events in _instance_events(default_sim).items():
        assert {e["app"] for e in events} <= apps[routine]
        variants[routine].add(tuple((e["app"], e["action"]) for e in events))
    assert len(variants["approve_expense"]) == 1  # the short routine is fixed
    for routine in set(variants) - {"approve_expense"}:
        assert len(variants[routine]) >= 4, routine


def test_loop_instances_take_spreadsheet_rows_in_order(default_sim):
    rows = defaultdict(list)
    for (routine, instance), events in _instance_events(default_sim).items():
        if routine == "crm_row_entry":
            cells = {e["cell"] for e in events if "cell" in e}
            numbers = {int(cell[1:]) for cell in cells}
            assert len(numbers) == 1, instance  # one instance, one row
            rows[events[0]["session"]].append(numbers.pop())
    assert sum(len(r) for r in rows.values()) >= 200
    for numbers in rows.values():
        assert numbers == list(range(2, 2 + len(numbers)))
