"""The hand-written event check agrees with the event JSON Schema it shortcuts."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from discover.readers._native import FIELDS, event_validator, explain, quick_valid
from models import ACTIONS, TARGET_FIELDS

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.sampled_from(["", "x", "Excel", "u1"]),
    st.lists(st.integers(), max_size=2),
)
_times = st.sampled_from(
    [
        "2026-03-02T09:14:05.120Z",
        "2026-03-02 09:14",
        "2026-03-02T09:14:05+0100",
        "2026-03-02T09:14:05.123456789-05:30",
        "2024-13-01 09:00",  # right shape, no such month
        "2026-03-02",
        "09:14",
        "",
    ]
)
_targets = st.one_of(
    _scalars,
    st.dictionaries(
        st.sampled_from([*TARGET_FIELDS, "colour"]), _scalars | st.text(max_size=3)
    ),
)
_events = st.dictionaries(
    st.sampled_from([*FIELDS, "usr", "extra"]),
    _scalars | st.text(max_size=3),
    max_size=6,
).flatmap(
    lambda base: st.fixed_dictionaries(
        {},
        optional={
            "ts": _times | _scalars,
            "user": st.sampled_from(["u1", ""]) | _scalars,
            "app": st.sampled_from(["Excel", ""]) | _scalars,
            "action": st.sampled_from([*ACTIONS[:4], "clack"]) | _scalars,
            "target": _targets,
            "duration_s": st.floats(-1, 10, allow_nan=False) | _scalars,
        },
    ).map(lambda extra: {**base, **extra})
)


@settings(max_examples=200, deadline=None)
@given(obj=_events | _scalars)
def test_quick_valid_agrees_with_the_event_schema(obj):
    schema_errors = list(event_validator().iter_errors(obj))
    if quick_valid(obj):
        # the fast path leaves only calendar checks of ts to the vectorised parse
        assert {tuple(e.absolute_path) for e in schema_errors} <= {("ts",)}
    if not schema_errors:
        assert quick_valid(obj)
        assert explain(obj) == []
    else:
        assert explain(obj), obj


def test_explain_lists_every_problem_of_one_event_in_field_order():
    problems = explain({"user": 42, "action": "clack", "colour": "red", "target": 3})
    assert [field for field, _ in problems] == [
        "ts",
        "user",
        "app",
        "action",
        "target",
        "colour",
    ]
    assert problems[0] == ("ts", "missing")
    assert problems[4] == ("target", "must be an object or null; got 3")
