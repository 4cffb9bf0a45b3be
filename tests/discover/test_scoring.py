"""Scoring on hand-built event tables whose answers are worked out by hand."""

from __future__ import annotations

import hashlib
import math
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from discover.config import BotSeconds, load_settings
from discover.scoring import (
    FORMULA,
    bot_seconds,
    candidate_id,
    human_seconds,
    rank_candidates,
    score_routines,
)
from discover.switches import count_app_switches
from models import (
    Candidate,
    Instance,
    Routine,
    Score,
    Step,
    Variant,
    conform_event_table,
)

# One run of the transfer routine: (offset s, app, action, target name, value).
TRANSFER = (
    (0, "Excel", "copy", None, "Anna Example"),
    (20, "Chrome", "paste", "Name", "Anna Example"),
    (40, "Excel", "copy", None, "4711"),
    (59, "Chrome", "click", "Save", None),
)
TRANSFER_STEPS = (
    Step("Excel", "copy", "Excel: copy cell A", token="Excel|copy|A", cell="A"),
    Step(
        "Chrome",
        "paste",
        "Chrome: paste",
        token="Chrome|paste|name",
        target_name="Name",
    ),
    Step("Excel", "copy", "Excel: copy cell B", token="Excel|copy|B", cell="B"),
    Step(
        "Chrome",
        "click",
        "Chrome: click",
        token="Chrome|click|save",
        target_name="Save",
    ),
)


class Recording:
    """Builds an event table and the instances of one routine, run by run."""

    def __init__(self) -> None:
        self.rows: list[dict] = []
        self.instances: list[Instance] = []

    def event(self, user, ts, app, action, target=None, value=None, **more) -> str:
        line = len(self.rows) + 1
        event_id = f"{user}.jsonl:{line}"
        self.rows.append(
            {
                "event_id": event_id,
                "ts": ts,
                "user": user,
                "session": more.pop("session", f"{user}-{ts:%Y%m%d}"),
                "app": app,
                "action": action,
                "target_name": target,
                "value": value,
                "value_hash": None if value is None else "h:" + value,
                "cell": "A1" if action == "copy" else None,
                "source": f"{user}.jsonl",
                "line": line,
                **more,
            }
        )
        return event_id

    def run(self, user, start, spec=TRANSFER, last_duration=1.0) -> None:
        start = pd.Timestamp(start)
        ids = []
        for n, (offset, app, action, target, value) in enumerate(spec):
            extra = {"duration_s": last_duration} if n == len(spec) - 1 else {}
            ids.append(
                self.event(
                    user,
                    start + pd.Timedelta(seconds=offset),
                    app,
                    action,
                    target,
                    value,
                    **extra,
                )
            )
        self.instances.append(
            Instance(f"R1.{len(self.instances) + 1}", user, 0, 0, tuple(ids))
        )

    def events(self) -> pd.DataFrame:
        return conform_event_table(pd.DataFrame(self.rows))

    def routine(self, steps=TRANSFER_STEPS, variants=None) -> Routine:
        if variants is None:
            variants = (Variant(tuple(s.token for s in steps), len(self.instances)),)
        return Routine("R1", steps, tuple(self.instances), variants)


def ten_runs_two_users_five_days() -> Recording:
    recording = Recording()
    for user in ("u1", "u2"):
        for day in range(2, 7):
            recording.run(user, f"2026-03-0{day}T09:00:00Z")
    return recording


def score_one(recording: Recording, **overrides):
    settings = load_settings(overrides=overrides or None)
    (candidate,) = score_routines([recording.routine()], recording.events(), settings)
    return candidate


def test_human_seconds_caps_idle_gaps_and_adds_the_last_event():
    ts = np.array([0, 5, 305], dtype=np.int64) * 10**9
    assert human_seconds(ts, None, idle_cap_s=60.0, last_step_s=1.0) == 66.0
    assert human_seconds(ts, 2.5, idle_cap_s=60.0, last_step_s=1.0) == 67.5
    assert human_seconds(ts, 500.0, idle_cap_s=60.0, last_step_s=1.0) == 125.0
    assert human_seconds(ts, float("nan"), idle_cap_s=30.0, last_step_s=0.0) == 35.0
    assert human_seconds(ts[:1], None, idle_cap_s=60.0, last_step_s=1.0) == 1.0


def test_human_seconds_takes_noise_time_out_of_the_gaps():
    ts = np.array([0, 20, 40], dtype=np.int64) * 10**9
    previous = np.array([-5, 15, 20], dtype=np.int64) * 10**9  # noise at 15 s
    assert human_seconds(ts, 0.0, 60.0, 1.0, previous_ns=previous) == 5 + 20
    assert human_seconds(ts, 0.0, 60.0, 1.0) == 40.0


def test_bot_seconds_adds_per_character_typing_cost():
    costs = BotSeconds()
    assert bot_seconds(["click", "type"], [-1, 10], costs) == 0.8
    assert bot_seconds(["type"], [-1], costs) == pytest.approx(0.2 + 12 * 0.01)
    assert bot_seconds(["navigate", "open", "paste", "idle"], [-1] * 4, costs) == 5.3
    assert (
        bot_seconds(["edit_cell"], [5], BotSeconds(edit_cell=1.0, per_char=0.1)) == 1.5
    )


def test_ten_runs_of_60_s_by_two_users_over_five_days():
    candidate = score_one(ten_runs_two_users_five_days())
    score = candidate.score
    assert (score.instances, score.users, score.sessions) == (10, 2, 10)
    assert score.working_days == 10.0  # 5 observed days for each performer
    assert score.median_human_s == 60.0  # gaps 20 + 20 + 19, last event 1 s
    assert score.p90_human_s == 60.0
    assert score.bot_s == 1.2  # copy 0.2 + paste 0.3 + copy 0.2 + click 0.5
    assert score.extra["runs_per_day"] == 2.0  # 5/5 + 5/5
    assert score.runs_per_month == 42.0  # 2 x 21
    factors = {f.name: f.value for f in score.factors}
    assert factors == {
        "rule_based": 1.0,
        "traced_values": 1.0,
        "free_text": 1.0,
        "variants": 1.0,
        "apps": 0.6667,
        "stable_targets": 1.0,
    }
    automatability = 0.25 + 0.20 + 0.15 + 0.15 + 0.10 * 2 / 3 + 0.15
    assert score.automatability == round(automatability, 4) == 0.9667
    hours = 42 * (60 - 1.2) / 3600 * automatability
    assert score.hours_per_month == round(hours, 4) == 0.6631
    assert score.value_per_month == round(hours * 40, 2) == 26.53
    assert score.currency == "EUR"
    assert [i.human_s for i in candidate.routine.instances] == [60.0] * 10
    assert score.extra["runs_by_user"] == {"u1": 5, "u2": 5}
    assert score.extra["data_flow"] == [{"from_step": 1, "to_step": 2, "count": 10}]
    assert score.extra["app_switches"] == [
        {"from": "Excel", "to": "Chrome", "count": 20},
        {"from": "Chrome", "to": "Excel", "count": 10},
    ]
    assert (score.extra["first_day"], score.extra["last_day"]) == (
        "2026-03-02",
        "2026-03-06",
    )


def test_why_sentences_are_built_from_the_numbers():
    candidate = score_one(ten_runs_two_users_five_days())
    assert candidate.why == (
        "Seen 10 times by 2 users on 5 days; about 42 runs a month.",
        "Median 60 s by hand (p90 60 s), ~1.2 s by a bot.",
        "100% of pasted or typed values were copied in the same run.",
        "Saves ~0.7 h a month at automatability 0.97, worth 27 EUR.",
        "Weakest factor: apps (2 apps: Excel, Chrome).",
    )
    assert candidate.name == "Excel copy → Chrome paste ×1 field, click Save"
    assert candidate.apps == ("Excel", "Chrome")
    assert candidate.rank == 1


def test_observed_days_without_runs_lower_the_rate():
    recording = ten_runs_two_users_five_days()
    for day in range(9, 14):  # u2 also worked five days without the routine
        recording.event(
            "u2", pd.Timestamp(f"2026-03-{day}T10:00:00Z"), "Slack", "click"
        )
    score = score_one(recording).score
    assert score.working_days == 15.0
    assert score.extra["runs_per_day"] == 1.5  # 5/5 + 5/10
    assert score.runs_per_month == 31.5


def test_noise_events_inside_a_run_are_not_counted():
    recording = ten_runs_two_users_five_days()
    # Slack chatter between steps of every u1 run; not in the instances' event ids.
    for day in range(2, 7):
        for offset in (10, 30):
            ts = pd.Timestamp(f"2026-03-0{day}T09:00:{offset}Z")
            recording.event("u1", ts, "Slack", "type", "Message", "lunch?")
    candidate = score_one(recording)
    score = candidate.score
    # u1's steps at 20, 40, 59 s follow Slack events at 10 and 30 s: their times are
    # 10 + 10 + 19 s (+ 1 s last event) instead of 20 + 20 + 19 + 1; u2 keeps 60 s.
    by_user = {i.user: i.human_s for i in candidate.routine.instances}
    assert by_user == {"u1": 40.0, "u2": 60.0}
    assert score.median_human_s == 50.0
    assert score.bot_s == 1.2
    assert {f.name: f.value for f in score.factors}["free_text"] == 1.0
    assert all("Slack" not in (s["from"], s["to"]) for s in score.extra["app_switches"])


def test_idle_gap_inside_a_run_is_capped_and_the_cap_is_configurable():
    recording = Recording()
    slow = ((0, "Excel", "copy", None, "x"), (20, "Chrome", "paste", "Name", "x"))
    slow += ((620, "Excel", "copy", None, "y"), (621, "Chrome", "click", "Save", None))
    for day in range(2, 5):
        recording.run("u1", f"2026-03-0{day}T09:00:00Z", spec=slow)
    assert score_one(recording).score.median_human_s == 20 + 60 + 1 + 1
    capped = score_one(recording, **{"scoring.idle_cap_s": 30})
    assert capped.score.median_human_s == 20 + 30 + 1 + 1


def test_median_and_p90_over_runs_of_different_length():
    recording = Recording()
    for n, length in enumerate(range(5, 55, 5)):
        spec = (
            (0, "Excel", "copy", None, "v"),
            (length - 1, "Chrome", "click", "Save", None),
        )
        recording.run("u1", f"2026-03-02T{9 + n:02d}:00:00Z", spec=spec)
    steps = (TRANSFER_STEPS[0], TRANSFER_STEPS[3])
    (candidate,) = score_routines(
        [recording.routine(steps=steps)], recording.events(), load_settings()
    )
    assert candidate.score.median_human_s == 27.5
    assert candidate.score.p90_human_s == 45.5  # numpy linear: 45 + 0.1 x 5
    assert candidate.score.runs_per_month == 210.0  # 10 runs on 1 day x 21


def test_config_overrides_change_value_and_month():
    recording = ten_runs_two_users_five_days()
    score = score_one(
        recording,
        **{
            "scoring.hourly_cost": 100,
            "scoring.currency": "USD",
            "scoring.working_days_per_month": 20,
            "scoring.bot_seconds.click": 4.0,
        },
    ).score
    assert score.runs_per_month == 40.0
    assert score.bot_s == 4.7
    hours = 40 * (60 - 4.7) / 3600 * (0.9 + 0.1 * 2 / 3)
    assert score.hours_per_month == round(hours, 4)
    assert score.value_per_month == round(hours * 100, 2)
    assert score.currency == "USD"


def test_untraced_values_and_free_text_lower_automatability():
    recording = Recording()
    spec = (
        (0, "Excel", "copy", None, "A-1"),
        (10, "SAP", "paste", "Order", "A-1"),  # traced: copied above
        (20, "SAP", "paste", "Customer", "from elsewhere"),  # pasted, no copy here
        (30, "SAP", "type", None, "free words"),  # typed, no source, no target
        (39, "SAP", "click", "Save", None),
    )
    steps = tuple(
        Step(app, action, f"{app}: {action}") for _, app, action, _, _ in spec
    )
    for day in range(2, 6):
        recording.run("u1", f"2026-03-0{day}T09:00:00Z", spec=spec)
    (candidate,) = score_routines(
        [recording.routine(steps=steps, variants=())],
        recording.events(),
        load_settings(),
    )
    factors = {f.name: f for f in candidate.score.factors}
    assert factors["traced_values"].value == 0.3333
    assert factors["traced_values"].note == (
        "4 of 12 entered values were copied earlier in the same run"
    )
    assert factors["free_text"].value == 0.8  # 4 of 20 events
    assert factors["rule_based"].value == 0.8  # type is not rule-based
    assert factors["stable_targets"].value == 0.75  # the type step has no target
    assert (
        factors["stable_targets"].note
        == "4 of 16 targeted events lack a stable selector"
    )
    assert candidate.score.extra["data_flow"] == [
        {"from_step": 1, "to_step": 2, "count": 4}
    ]
    assert "1.0 typed values per run have no traced source." in candidate.why
    assert "33% of pasted or typed values were copied in the same run." in candidate.why


def test_variant_spread_uses_share_and_edit_distance():
    recording = ten_runs_two_users_five_days()
    main = tuple(s.token for s in TRANSFER_STEPS)
    short = (main[0], main[1], main[3])
    variants = (Variant(main, 8), Variant(short, 2))
    routine = recording.routine(variants=variants)
    (candidate,) = score_routines([routine], recording.events(), load_settings())
    factor = {f.name: f for f in candidate.score.factors}["variants"]
    assert factor.value == 0.95  # 1 - (2 x 1/4) / 10
    assert factor.note == (
        "2 variants; 80% of runs follow the main one; runs differ from it by 5% "
        "of steps on average"
    )


def test_timezone_decides_which_calendar_day_an_event_counts_for():
    recording = Recording()
    spec = ((0, "Excel", "copy", None, "x"), (9, "Chrome", "paste", "Name", "x"))
    recording.run("u1", "2026-03-02T23:30:00Z", spec=spec)
    recording.run("u1", "2026-03-03T00:30:00Z", spec=spec)
    steps = TRANSFER_STEPS[:2]
    routine = recording.routine(steps=steps)
    utc = score_routines([routine], recording.events(), load_settings())[0]
    berlin = score_routines(
        [routine],
        recording.events(),
        load_settings(overrides={"scoring.timezone": "Europe/Berlin"}),
    )[0]
    assert (utc.score.working_days, utc.score.runs_per_month) == (2.0, 21.0)
    assert (berlin.score.working_days, berlin.score.runs_per_month) == (1.0, 42.0)


def test_candidate_id_is_a_sha1_of_the_step_tokens():
    digest = hashlib.sha1(
        "\x1f".join(s.token for s in TRANSFER_STEPS).encode()
    ).hexdigest()
    routine = Routine("R1", TRANSFER_STEPS, ())
    assert candidate_id(routine) == "C" + digest[:8] == "Cc8241780"
    assert candidate_id(Routine("other id", TRANSFER_STEPS, ())) == "Cc8241780"


def test_ranking_follows_rank_by_and_breaks_ties_by_id():
    recording = ten_runs_two_users_five_days()
    events = recording.events()
    big = recording.routine()
    small_steps = TRANSFER_STEPS[:2]
    small = Routine(
        "R2",
        small_steps,
        big.instances[:3],
        (Variant(tuple(s.token for s in small_steps), 3),),
    )
    by_value = score_routines([small, big], events, load_settings())
    assert [c.routine.routine_id for c in by_value] == ["R1", "R2"]
    assert [c.rank for c in by_value] == [1, 2]
    by_auto = score_routines(
        [big, small],
        events,
        load_settings(overrides={"scoring.rank_by": "automatability"}),
    )
    assert [c.score.automatability for c in by_auto] == [0.9667, 0.9667]
    assert [c.candidate_id for c in by_auto] == sorted(c.candidate_id for c in by_auto)


def test_same_steps_found_twice_get_distinct_stable_ids():
    recording = ten_runs_two_users_five_days()
    first = recording.routine()
    second = Routine("R9", first.steps, first.instances[:4], first.variants)
    candidates = score_routines([first, second], recording.events(), load_settings())
    ids = sorted(c.candidate_id for c in candidates)
    again = score_routines([second, first], recording.events(), load_settings())
    assert len(set(ids)) == 2
    assert sorted(c.candidate_id for c in again) == ids
    assert "Cc8241780" in ids


def test_unknown_event_id_is_reported_with_the_instance():
    recording = ten_runs_two_users_five_days()
    routine = recording.routine()
    broken = Instance("R1.x", "u1", 0, 0, ("u1.jsonl:1", "gone.jsonl:7"))
    routine = Routine("R1", routine.steps, (broken,), routine.variants)
    with pytest.raises(
        ValueError, match=r"^instance R1\.x names event 'gone\.jsonl:7'"
    ):
        score_routines([routine], recording.events(), load_settings())


def test_instance_without_events_is_refused_by_name():
    recording = ten_runs_two_users_five_days()
    routine = recording.routine()
    empty = Routine("R1", routine.steps, (Instance("R1.0", "u1", 0, 0, ()),))
    with pytest.raises(ValueError, match=r"^instance R1\.0 has no event ids; "):
        score_routines([empty], recording.events(), load_settings())


def test_duplicate_event_ids_are_refused():
    recording = ten_runs_two_users_five_days()
    events = recording.events()
    events.loc[3, "event_id"] = events.loc[2, "event_id"]
    with pytest.raises(ValueError, match=r"^event ids must be unique .*'u1\.jsonl:3'"):
        score_routines([recording.routine()], events, load_settings())


def test_routine_without_instances_scores_zero_and_stays_json_safe():
    recording = ten_runs_two_users_five_days()
    empty = Routine("R0", TRANSFER_STEPS, ())
    (candidate,) = score_routines([empty], recording.events(), load_settings())
    score = candidate.score
    assert (score.instances, score.runs_per_month, score.hours_per_month) == (
        0,
        0.0,
        0.0,
    )
    assert (
        candidate.why[0] == "Seen 0 times by 0 users on 0 days; about 0 runs a month."
    )
    assert all(math.isfinite(f.value) for f in score.factors)


def test_count_app_switches_stays_within_user_and_session():
    recording = Recording()
    t = pd.Timestamp("2026-03-02T09:00:00Z")
    second = pd.Timedelta(seconds=1)
    recording.event("u1", t, "Excel", "click", session="s1")
    recording.event("u1", t + second, "SAP", "click", session="s1")
    recording.event("u1", t + 2 * second, "SAP", "click", session="s1")
    recording.event("u1", t + 3 * second, "Excel", "click", session="s1")
    recording.event("u1", t + 4 * second, "Chrome", "click", session="s2")
    recording.event("u2", t, "SAP", "click", session="s3")
    recording.event("u2", t + second, "Excel", "click", session="s3")
    assert count_app_switches(recording.events()) == Counter(
        {("Excel", "SAP"): 1, ("SAP", "Excel"): 2}
    )


def test_values_never_reach_names_or_explanations():
    recording = ten_runs_two_users_five_days()
    candidate = score_one(recording)
    text = " ".join([candidate.name, *candidate.why, repr(candidate.score)])
    assert "Anna" not in text and "4711" not in text


def test_formula_names_every_configured_constant():
    for name in ("idle_cap_s", "last_step_s", "working_days_per_month", "hourly_cost"):
        assert name in FORMULA


def reference_human_seconds(times, previous, last, cap, last_step):
    """Step by step: each later event counts from the later of the two predecessors."""
    total = 0.0
    for k in range(1, len(times)):
        total += min((times[k] - max(times[k - 1], previous[k])) / 1e9, cap)
    own = last_step if last is None else max(last, 0.0)
    return total + min(own, cap)


@given(
    steps=st.lists(
        st.tuples(st.integers(0, 10**11), st.integers(0, 10**11)),
        min_size=1,
        max_size=30,
    ),
    last=st.one_of(st.none(), st.floats(0, 500)),
    cap=st.floats(0.5, 300),
)
def test_human_seconds_equals_the_step_by_step_reference(steps, last, cap):
    times, previous = [], []
    t = 0
    for gap, noise in steps:
        previous.append(t + min(noise, gap))  # the user's previous event, maybe noise
        t += gap
        times.append(t)
    ts = np.array(times, dtype=np.int64)
    prev = np.array(previous, dtype=np.int64)
    got = human_seconds(ts, last, cap, 1.0, previous_ns=prev)
    assert got == pytest.approx(
        reference_human_seconds(times, previous, last, cap, 1.0)
    )
    assert got <= cap * len(times) + 1e-9


@given(
    values=st.lists(
        st.tuples(st.sampled_from([0.0, 1.5, 7.25]), st.integers(1, 9)), max_size=12
    ),
    rank_by=st.sampled_from(
        ["value_per_month", "hours_per_month", "instances", "automatability"]
    ),
)
def test_rank_candidates_sorts_by_key_then_id_and_numbers_from_one(values, rank_by):
    candidates = []
    for n, (value, instances) in enumerate(values):
        score = Score(
            instances, 1, 1, 1.0, 1.0, 1.0, 0.0, 1.0, value, value / 10, value
        )
        routine = Routine(f"R{n}", (), ())
        candidates.append(Candidate(f"C{n:08x}", "x", routine, score, ()))
    ranked = rank_candidates(candidates, rank_by)
    assert [c.rank for c in ranked] == list(range(1, len(values) + 1))
    keys = [(-getattr(c.score, rank_by), c.candidate_id) for c in ranked]
    assert keys == sorted(keys)
