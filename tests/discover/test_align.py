"""Fitting found instances to their routine: strays out, left-out steps back in."""

from __future__ import annotations

import numpy as np

from discover.align import fit_instances

STEPS = [10, 11, 12, 13, 14]
STRAY = 99


def recording(runs: list[list[int]]) -> tuple[np.ndarray, list[np.ndarray]]:
    """Tokens of runs recorded back to back, and each run's positions."""
    tokens, instances, start = [], [], 0
    for run in runs:
        tokens += run
        instances.append(np.arange(start, start + len(run)))
        start += len(run)
    return np.asarray(tokens, dtype=np.int64), instances


def no_cuts(tokens: np.ndarray) -> np.ndarray:
    hard = np.zeros(tokens.shape[0], dtype=bool)
    hard[0] = True
    return hard


def test_fit_instances_drops_a_stray_that_lands_after_any_step():
    runs = [list(STEPS) for _ in range(20)]
    for k in range(10):  # a stray in half the runs, after any of the first 4 steps
        runs[2 * k].insert(1 + k % 4, STRAY)
    tokens, instances = recording(runs)
    (fitted,) = fit_instances([instances], tokens, no_cuts(tokens))
    assert [tokens[p].tolist() for p in fitted] == [STEPS] * 20


def test_fit_instances_takes_back_a_step_left_unclaimed_inside_a_run():
    tokens, instances = recording([list(STEPS) for _ in range(10)])
    # discovery left step 12 out of three runs; nothing else claims it
    instances = [p[tokens[p] != 12] if k < 3 else p for k, p in enumerate(instances)]
    (fitted,) = fit_instances([instances], tokens, no_cuts(tokens))
    assert [tokens[p].tolist() for p in fitted] == [STEPS] * 10


def test_fit_instances_never_takes_another_instances_events():
    runs = [list(STEPS) for _ in range(6)] + [[50, 51, 52]] * 2
    runs[2] = [10, 11, 50, 51, 52, 12, 13, 14]  # another routine's run inside
    tokens, instances = recording(runs)
    inner = instances[2][2:5]
    instances[2] = instances[2][[0, 1, 5, 6, 7]]
    others = [inner, *instances[6:]]
    fitted, other = fit_instances([instances[:6], others], tokens, no_cuts(tokens))
    assert [tokens[p].tolist() for p in fitted] == [STEPS] * 6
    assert [p.tolist() for p in other] == [p.tolist() for p in others]


def test_fit_instances_keeps_a_rare_variant_always_in_one_place():
    runs = [list(STEPS) for _ in range(40)]
    for k in (3, 17, 30):  # a login block a few runs need, always after step 10
        runs[k][1:1] = [20, 21]
    tokens, instances = recording(runs)
    (fitted,) = fit_instances([instances], tokens, no_cuts(tokens))
    assert [p.tolist() for p in fitted] == [p.tolist() for p in instances]


def test_fit_instances_completes_runs_found_only_in_their_second_half():
    tokens, instances = recording([list(STEPS) for _ in range(10)])
    # a round found only steps 13 and 14 of three runs: their first steps are
    # unclaimed, before them
    instances = [p[3:] if k in (2, 5, 8) else p for k, p in enumerate(instances)]
    (fitted,) = fit_instances([instances], tokens, no_cuts(tokens))
    assert [tokens[p].tolist() for p in fitted] == [STEPS] * 10


def test_fit_instances_completes_nothing_across_a_hard_cut():
    tokens, instances = recording([list(STEPS) for _ in range(10)])
    instances = [p[3:] if k == 5 else p for k, p in enumerate(instances)]
    hard = no_cuts(tokens)
    hard[instances[5][0]] = True  # the recording broke off before step 13
    (fitted,) = fit_instances([instances], tokens, hard)
    assert tokens[fitted[5]].tolist() == [13, 14]


def test_fit_instances_takes_a_switch_whose_window_names_the_case():
    # step 12 switches to the mail the run works on: a new title every run
    runs = [[10, 11, 100 + k, 13, 14] for k in range(10)]
    tokens, instances = recording(runs)
    coarse = np.where(tokens >= 100, 50, tokens)
    found = [p[tokens[p] < 100] for p in instances]  # discovery saw no step there
    (fitted,) = fit_instances([found], tokens, no_cuts(tokens), coarse)
    assert [p.tolist() for p in fitted] == [p.tolist() for p in instances]


def test_fit_instances_recovers_a_run_no_round_found():
    runs = [list(STEPS) for _ in range(8)]
    runs[6] = [10, 11, 60, 61, 12, 13, 14]  # broken off for other work
    runs.append([10, 70, 71, 72, 73])  # the first step alone: not a run
    tokens, instances = recording(runs)
    found = [p for k, p in enumerate(instances) if k not in (3, 6, 8)]
    (fitted,) = fit_instances([found], tokens, no_cuts(tokens))
    recovered = sorted(tokens[p].tolist() for p in fitted)
    assert recovered == [STEPS] * 8


def test_fit_instances_joins_a_run_found_as_two_halves():
    tokens, instances = recording([list(STEPS) for _ in range(10)])
    halves = [instances[4][:2], instances[4][2:]]
    split = instances[:4] + halves + instances[5:]
    (fitted,) = fit_instances([split], tokens, no_cuts(tokens))
    assert [p.tolist() for p in fitted] == [p.tolist() for p in instances]


def test_fit_instances_grows_a_routine_found_without_its_first_steps():
    runs = [[30, 31, 80, 32, *STEPS] for _ in range(10)]  # 80: a window switch
    tokens, instances = recording(runs)
    context = tokens == 80
    found = [p[4:] for p in instances]  # no round found steps 30-32
    (fitted,) = fit_instances([found], tokens, no_cuts(tokens), None, context)
    assert [p.tolist() for p in fitted] == [p.tolist() for p in instances]


def test_fit_instances_drops_a_taken_event_whose_token_is_mostly_in_no_routine():
    chat = 98
    runs = [list(STEPS) for _ in range(20)]
    for k in (2, 9, 15):  # discovery took a chat answered right after the run
        runs[k].append(chat)
    tokens, instances = recording(runs)
    # the same chat many more times elsewhere, after a cut, in no routine
    tokens = np.r_[tokens, [chat] * 10]
    hard = no_cuts(tokens)
    hard[-10] = True
    (fitted,) = fit_instances([instances], tokens, hard)
    assert [tokens[p].tolist() for p in fitted] == [STEPS] * 20


def test_fit_instances_keeps_a_taken_event_whose_token_is_mostly_in_routines():
    last = 98
    runs = [list(STEPS) for _ in range(20)]
    for k in (2, 9, 15):  # a closing step three runs take, seen nowhere else
        runs[k].append(last)
    tokens, instances = recording(runs)
    (fitted,) = fit_instances([instances], tokens, no_cuts(tokens))
    assert [tokens[p].tolist() for p in fitted] == runs


def test_fit_instances_takes_no_noise_after_a_runs_last_backbone_step():
    chat, closing = 98, 97
    runs = [list(STEPS) for _ in range(20)]
    for k in range(3):  # a chat, then a rare closing step discovery took
        runs[k] += [chat, closing]
    tokens, instances = recording(runs)
    instances = [p[tokens[p] != chat] for p in instances]
    # the same chat follows five more runs: common in reach, just past the end
    for k in (5, 8, 11, 14, 17):
        at = int(instances[k][-1]) + 1
        tokens = np.insert(tokens, at, chat)
        instances = [p + (p >= at) for p in instances]
    # another routine works in the chat every run, so the token is not loose
    start = tokens.shape[0]
    tokens = np.r_[tokens, [50, chat, 51] * 10]
    others = [np.arange(start + 3 * k, start + 3 * k + 3) for k in range(10)]
    hard = no_cuts(tokens)
    hard[start] = True
    fitted, _ = fit_instances([instances, others], tokens, hard)
    expected = [STEPS + [closing]] * 3 + [STEPS] * 17
    assert [tokens[p].tolist() for p in fitted] == expected
