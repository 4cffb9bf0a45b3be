"""Native JSON Lines: golden read, every kind of bad line located exactly, fuzzing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from discover.errors import ConfigError, InvalidEventsError
from discover.readers import read_events, validate_events
from discover.readers._native import event_validator
from models import ACTIONS, EVENT_COLUMNS

DATA = Path(__file__).resolve().parents[2] / "data" / "readers"


def _event(**fields: object) -> bytes:
    event = {"ts": "2026-03-02T09:00:00Z", "user": "u1", "app": "Excel"}
    event.update({"action": "click"}, **fields)
    return json.dumps({k: v for k, v in event.items() if v is not ...}).encode()


def _write(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


@pytest.fixture
def bad_file(tmp_path: Path) -> Path:
    return _write(
        tmp_path / "bad.jsonl",
        [
            _event(),  # 1 valid
            b'{"ts": "2026-03-02T09:00:01Z", "user": "u1", "app": "Ex',  # 2 truncated
            _event(user=42),  # 3 wrong type
            _event(action="clack"),  # 4 unknown action
            _event(ts=...),  # 5 missing timestamp
            _event(action="type", value="caf")[:-3] + b'\xff"}',  # 6 bad byte
            _event(action="copy"),  # 7 valid
            b"   ",  # 8 blank: skipped silently
            _event(ts="2024-13-01 09:00"),  # 9 not a calendar time
            _event(action="paste"),  # 10 valid
        ],
    )


BAD_MESSAGES = [
    "bad.jsonl:2: json: truncated or malformed JSON: Unterminated string "
    "starting at column 53",
    "bad.jsonl:3: user: must be a string; got 42",
    "bad.jsonl:4: action: unknown action 'clack'; expected one of click, "
    "double_click, right_click, type, key, hotkey, ... (see models.ACTIONS); "
    "did you mean 'click'?",
    "bad.jsonl:5: ts: missing",
    "bad.jsonl:6: encoding: not valid UTF-8 (byte 0xff at column 92); "
    "re-save as UTF-8 or pass --encoding",
    "bad.jsonl:9: ts: not an ISO 8601 time: '2024-13-01 09:00'",
]


def test_read_events_reports_every_bad_line_and_counts_valid_ones(
    bad_file, monkeypatch
):
    monkeypatch.chdir(bad_file.parent)
    with pytest.raises(InvalidEventsError) as info:
        read_events("bad.jsonl")
    assert [str(e) for e in info.value.errors] == BAD_MESSAGES
    assert info.value.n_valid == 3
    assert str(info.value).count("\n") == len(BAD_MESSAGES) - 1


def test_validate_events_keeps_valid_events_beside_bad_lines(bad_file, monkeypatch):
    monkeypatch.chdir(bad_file.parent)
    result = validate_events("bad.jsonl")
    assert [str(e) for e in result.errors] == BAD_MESSAGES
    assert [(e.line, e.field) for e in result.errors] == [
        (2, "json"),
        (3, "user"),
        (4, "action"),
        (5, "ts"),
        (6, "encoding"),
        (9, "ts"),
    ]
    assert result.events["event_id"].tolist() == [
        "bad.jsonl:1",
        "bad.jsonl:7",
        "bad.jsonl:10",
    ]
    assert result.events["action"].tolist() == ["click", "copy", "paste"]
    assert result.n_lines == 9  # the blank line is not data
    assert result.truth is None


def test_read_events_skip_invalid_returns_valid_events_and_errors(bad_file):
    result = read_events(bad_file, skip_invalid=True)
    assert len(result.events) == 3
    assert len(result.errors) == 6


def test_read_jsonl_golden_event_table():
    result = read_events(DATA / "session.jsonl")
    events = result.events
    assert list(events.columns) == list(EVENT_COLUMNS)
    assert result.formats == {str(DATA / "session.jsonl"): "jsonl"}
    assert result.n_lines == 6
    # sorted by user, then time: the 10:14+01:00 click is 09:14 UTC
    assert events["event_id"].tolist() == [
        "session.jsonl:1",
        "session.jsonl:2",
        "session.jsonl:4",
        "session.jsonl:5",
        "custom-7",
        "session.jsonl:7",
    ]
    assert [t.isoformat() for t in events["ts"]] == [
        "2026-03-02T09:14:01+00:00",
        "2026-03-02T09:14:02.500000+00:00",
        "2026-03-02T09:14:04+00:00",
        "2026-03-02T09:14:05+00:00",
        "2026-03-02T09:14:09.123456789+00:00",
        "2026-03-02T09:13:00+00:00",
    ]
    click = events.iloc[2]
    assert click[
        ["target_role", "target_name", "target_id", "target_css"]
    ].tolist() == [
        "edit",
        "Invoice number",
        "inv",
        "#inv",
    ]
    assert click["target_xpath"] == "//input[@id='inv']"
    assert events["value"].tolist() == [None, "INV-0042", None, "INV-0042", None, None]
    assert events["duration_s"].fillna(-1).tolist() == [-1, -1, -1, -1, 0.25, 61.0]
    assert events.iloc[5]["window"] == "Inbox – Outlook ✉"
    assert events["line"].tolist() == [1, 2, 4, 5, 6, 7]


def test_read_jsonl_accepts_utf8_bom_and_utf16(tmp_path):
    lines = [_event(), _event(action="copy", value="naïve ✓")]
    text = b"\n".join(lines).decode() + "\n"
    (tmp_path / "bom.jsonl").write_bytes(b"\xef\xbb\xbf" + text.encode())
    (tmp_path / "wide.jsonl").write_bytes(text.encode("utf-16"))
    for name in ("bom.jsonl", "wide.jsonl"):
        events = read_events(tmp_path / name).events
        assert events["value"].tolist() == [None, "naïve ✓"], name
        assert events["event_id"].tolist() == [f"{name}:1", f"{name}:2"]


def test_read_jsonl_rejects_a_line_over_one_mebibyte(tmp_path):
    huge = _event(action="type", value="x" * (1 << 20))
    path = _write(tmp_path / "huge.jsonl", [_event(), huge, _event(action="copy")])
    result = validate_events(path)
    assert [f"{e.line}: {e.field}: {e.reason}" for e in result.errors] == [
        "2: line: longer than 1,048,576 bytes; is this really a line-based file?"
    ]
    assert result.events["line"].tolist() == [1, 3]


def test_read_jsonl_names_unknown_field_and_hides_private_values(tmp_path):
    path = _write(
        tmp_path / "odd.jsonl",
        [
            _event(usr="u1", user=...),
            _event(action="type", value=12345),
            _event(target={"role": "button", "colour": "red"}),
            _event(duration_s=-1),
            b"[1, 2]",
            b'{"ts": NaN}',
        ],
    )
    reasons = [f"{e.line}: {e.field}: {e.reason}" for e in validate_events(path).errors]
    assert reasons == [
        "1: user: missing",
        "1: usr: unknown field; did you mean 'user'? (allowed fields: event_id, ts, "
        "user, session, app, window, action, target, url, value, value_hash, "
        "workbook, sheet, cell, duration_s)",
        "2: value: must be a string or null; got a number",
        "3: target.colour: unknown field (allowed target fields: role, name, id, "
        "automation_id, css, xpath, label)",
        "4: duration_s: must be >= 0; got -1",
        "5: json: must be an object (one event per line); got [1, 2]",
        "6: json: malformed JSON: NaN is not standard JSON",
    ]


def test_read_jsonl_keeps_given_event_id_and_reports_duplicates(tmp_path):
    path = _write(
        tmp_path / "ids.jsonl",
        [_event(event_id="e1"), _event(event_id="e1", action="copy")],
    )
    result = validate_events(path)
    assert result.events["event_id"].tolist() == ["e1"]
    assert [f"{e.line}: {e.field}: {e.reason}" for e in result.errors] == [
        f"2: event_id: duplicate event id 'e1' (first at {path}:1)"
    ]


# ---- fuzzing (issue 10): no crash, well-formed messages, exact valid count ----

_ERROR_SHAPE = re.compile(r"^[^:]+:\d+: \w+(\.\w+)?: ")
_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
_valid_events = st.fixed_dictionaries(
    {
        "ts": st.sampled_from(
            ["2026-03-02T09:00:00Z", "2026-03-02 09:00", "2026-03-02T09:00:00.5+02:00"]
        ),
        "user": _text.filter(bool),
        "app": _text.filter(bool),
        "action": st.sampled_from(ACTIONS),
    },
    optional={
        "value": st.none() | _text,
        "target": st.fixed_dictionaries({}, optional={"role": _text, "name": _text}),
        "duration_s": st.floats(min_value=0, max_value=1e6),
    },
)
_lines = st.one_of(
    st.builds(lambda e: json.dumps(e, ensure_ascii=False).encode(), _valid_events),
    st.binary(max_size=40).filter(lambda b: b"\n" not in b),
    st.builds(
        lambda e, n: json.dumps(e).encode()[:n], _valid_events, st.integers(1, 30)
    ),
    st.builds(
        lambda e, k, v: json.dumps({**e, k: v}).encode(),
        _valid_events,
        st.sampled_from(["ts", "user", "app", "action", "target", "duration_s", "x"]),
        st.one_of(
            st.integers(), st.none(), st.text(max_size=5), st.lists(st.integers())
        ),
    ),
)


def _no_constants(name: str) -> None:
    raise ValueError(name)


def _oracle(line: bytes) -> str:
    """'blank', 'valid' or 'invalid', decided by json + jsonschema alone."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return "invalid"
    if not text.strip():
        return "blank"
    try:
        obj = json.loads(text, parse_constant=_no_constants)
    except ValueError:
        return "invalid"
    return "invalid" if list(event_validator().iter_errors(obj)) else "valid"


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(lines=st.lists(_lines, max_size=12))
def test_read_jsonl_fuzz_never_crashes_and_counts_valid_lines(tmp_path, lines):
    path = tmp_path / "fuzz.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    verdicts = [_oracle(line.rstrip(b"\r")) for line in lines]
    result = validate_events(path)
    for error in result.errors:
        assert _ERROR_SHAPE.match(str(error).replace(str(tmp_path), "d")), str(error)
    assert len(result.events) == verdicts.count("valid")
    assert result.n_lines == len(lines) - verdicts.count("blank")
    bad_lines = {i + 1 for i, v in enumerate(verdicts) if v == "invalid"}
    assert {e.line for e in result.errors} == bad_lines


def test_read_jsonl_decodes_a_named_encoding_line_by_line(tmp_path):
    path = tmp_path / "legacy.jsonl"
    path.write_bytes(
        _event(action="type", value="café")
        .decode()
        .replace("\\u00e9", "é")
        .encode("cp1252")
        + b"\n"
        + _event(action="type", value="x")[:-3]
        + b'\x81"}\n'  # 0x81 is undefined in cp1252
    )
    result = validate_events(path, encoding="cp1252")
    assert result.events["value"].tolist() == ["café"]
    assert [str(e).replace(str(tmp_path), "d") for e in result.errors] == [
        "d/legacy.jsonl:2: encoding: not valid cp1252 (byte 0x81 at column 90); "
        "re-save as UTF-8 or pass the right --encoding"
    ]
    with pytest.raises(ConfigError, match=r"^encoding must be a Python codec name"):
        read_events(path, encoding="klingon")
