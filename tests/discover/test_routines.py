"""make_routine: canonical steps from the mined consensus, step details by alignment."""

from __future__ import annotations

import numpy as np
import pandas as pd

from discover.mining import SequenceDB
from discover.routines import canonical_sequence, consensus, make_routine
from discover.tokens import encode_tokens
from models.events import conform_event_table

CORE = [("CRM", "click", "new"), ("CRM", "type", "name"), ("CRM", "click", "save")]


def table(
    runs: list[list[tuple[str, str, str]]],
) -> tuple[pd.DataFrame, list[np.ndarray]]:
    """One event table holding `runs` back to back; rows of each run."""
    rows, instances, clock = [], [], pd.Timestamp("2026-03-02T09:00:00Z")
    for run in runs:
        start = len(rows)
        for app, action, label in run:
            clock += pd.Timedelta(seconds=2)
            rows.append(
                {
                    "event_id": f"log.jsonl:{len(rows) + 1}",
                    "ts": clock,
                    "user": "u1",
                    "app": app,
                    "action": action,
                    "target_label": label,
                    "source": "log.jsonl",
                    "line": len(rows) + 1,
                }
            )
        instances.append(np.arange(start, len(rows), dtype=np.int64))
    return conform_event_table(pd.DataFrame(rows)), instances


def labels(routine) -> list[str]:
    return [step.label for step in routine.steps]


def test_every_run_noisy_canonical_is_the_consensus_without_noise():
    noise = [("Teams", "click", who) for who in ("Ann", "Bob", "Cem", "Dana")]
    runs = [CORE[:k] + [noise[k]] + CORE[k:] for k in range(3)] + [CORE + [noise[3]]]
    events, instances = table(runs)
    routine = make_routine(events, encode_tokens(events), instances)
    assert len(routine.variants) == 4 and all(v.count == 1 for v in routine.variants)
    assert labels(routine) == [
        "CRM: click 'new'",
        "CRM: type into 'name'",
        "CRM: click 'save'",
    ]
    assert [s.share for s in routine.steps] == [1.0, 1.0, 1.0]


def test_a_repeated_variant_holding_the_consensus_keeps_its_branch_steps():
    branch = ("CRM", "click", "add note")
    runs = [CORE[:2] + [branch] + CORE[2:]] * 3 + [CORE] * 2
    events, instances = table(runs)
    routine = make_routine(events, encode_tokens(events), instances)
    assert labels(routine)[2] == "CRM: click 'add note'"
    assert routine.steps[2].share == 0.6


def test_the_most_frequent_variant_loses_when_it_misses_the_consensus():
    # 2 runs skip "name" (the most frequent single variant), 3 runs type it, each
    # with its own noise: the consensus holds "name" and no repeated variant does.
    runs = [[CORE[0], CORE[2]]] * 2 + [
        CORE[:2] + [("Web", "scroll", page)] + CORE[2:]
        for page in ("news", "mail", "wiki")
    ]
    events, instances = table(runs)
    routine = make_routine(events, encode_tokens(events), instances)
    assert routine.variants[0].count == 2
    assert labels(routine) == [
        "CRM: click 'new'",
        "CRM: type into 'name'",
        "CRM: click 'save'",
    ]


def test_step_details_come_from_every_instance_that_holds_the_steps():
    runs = [CORE, CORE, CORE[:1] + [("Mail", "click", "x")] + CORE[1:]]
    events, instances = table(runs)
    events.loc[instances[2][2], "target_name"] = "nameField"
    events.loc[instances[1][1], "target_name"] = "nameField"
    events.loc[instances[0][1], "target_name"] = "idA"
    routine = make_routine(events, encode_tokens(events), instances)
    # the top variant's two runs disagree (idA, nameField); the third run settles it
    assert routine.steps[1].target_name == "nameField"


def test_consensus_is_exact_on_small_databases():
    db = SequenceDB.from_lists([[1, 2, 3, 4], [2, 3, 4, 1], [3, 4, 1, 2]])
    # [2, 3, 4] and [3, 4, 1] are both in 2 of 3: equal length, the smaller wins
    assert consensus(db) == (2, [2, 3, 4])
    db = SequenceDB.from_lists([[5] * 50, [5] * 40])
    assert consensus(db) == (1, [5] * 50)  # one of two sequences is half


def test_canonical_sequence_never_empty():
    db = SequenceDB.from_lists([[1], [2], [3]])
    assert canonical_sequence(db, [0, 1, 2]) == [1]


def test_hotkey_steps_carry_the_chord_kept_in_clear():
    runs = [CORE + [("CRM", "hotkey", "")]] * 3
    events, instances = table(runs)
    chords = ["ctrl+s", "Ctrl + S", "a"]  # "a" types a letter: never a chord
    for rows, chord in zip(instances, chords):
        events.loc[rows[-1], "value"] = chord
    routine = make_routine(events, encode_tokens(events), instances)
    assert routine.steps[-1].keys == ("ctrl", "s")
    assert routine.steps[-1].label == "CRM: press Ctrl+S"
    assert all(step.keys == () for step in routine.steps[:-1])


def test_a_masked_hotkey_has_no_keys():
    events, instances = table([CORE + [("CRM", "hotkey", "")]] * 2)
    routine = make_routine(events, encode_tokens(events), instances)
    assert routine.steps[-1].keys == ()
    assert routine.steps[-1].label == "CRM: press"
