"""deskmine redact: redacted native copies that hold none of the seeded secrets."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from jsonschema import Draft202012Validator

from discover.errors import ConfigError
from discover.privacy import DEFAULT_SECRET, PrivacyPolicy, hash_value
from discover.privacy import pseudonymise_user as pseudonym
from discover.readers import read_events
from discover.redact import event_to_native, format_ts, redact_recordings
from models import load_schema

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

DATA = Path(__file__).resolve().parents[1] / "data" / "privacy"
SECRET = b"test-secret"


@pytest.fixture(scope="module")
def policy() -> PrivacyPolicy:
    path = DATA / "policy.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))["privacy"]
    return PrivacyPolicy.from_dict(data, str(path))


@pytest.fixture(scope="module")
def secrets() -> list[str]:
    return json.loads((DATA / "secrets.json").read_text(encoding="utf-8"))["secrets"]


@pytest.fixture
def recordings(tmp_path) -> Path:
    """The seeded recording twice: at the top and in a user's sub-folder."""
    root = tmp_path / "raw"
    (root / "anna.schmidt").mkdir(parents=True)
    shutil.copy(DATA / "seeded.jsonl", root / "day1.jsonl")
    shutil.copy(DATA / "seeded.jsonl", root / "anna.schmidt" / "day2.jsonl")
    return root


def output_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def test_redacted_copy_holds_no_seeded_secret_in_any_byte(
    recordings, tmp_path, policy, secrets
):
    out = tmp_path / "out"
    redact_recordings([recordings], out, policy, secret=SECRET)
    data = output_bytes(out)
    names = "\n".join(p.relative_to(out).as_posix() for p in out.rglob("*"))
    assert len(data) > 1000
    leaked = [s for s in secrets if s.encode("utf-8") in data or s in names]
    assert leaked == []


def test_redacted_copy_mirrors_paths_with_users_pseudonymised(
    recordings, tmp_path, policy
):
    out = tmp_path / "out"
    report = redact_recordings([recordings], out, policy, secret=SECRET)
    anna = pseudonym("anna.schmidt", SECRET)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.jsonl")) == [
        "day1.jsonl",
        f"{anna}/day2.jsonl",
    ]
    assert [f.to_dict() for f in report.files] == [
        {
            "source": str(recordings / anna / "day2.jsonl"),
            "output": f"{anna}/day2.jsonl",
            "n_events_in": 15,
            "n_events_out": 14,
        },
        {
            "source": str(recordings / "day1.jsonl"),
            "output": "day1.jsonl",
            "n_events_in": 15,
            "n_events_out": 14,
        },
    ]
    assert (report.n_events_in, report.n_events_out) == (30, 28)
    assert report.count("drop_events") == 2
    assert report.count("value", "removed") == 12


def test_every_redacted_line_validates_against_the_event_schema(
    recordings, tmp_path, policy
):
    out = tmp_path / "out"
    redact_recordings([recordings], out, policy, secret=SECRET)
    validator = Draft202012Validator(load_schema("event"))
    lines = [
        json.loads(line)
        for path in sorted(out.rglob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    assert len(lines) == 28
    assert [e.message for line in lines for e in validator.iter_errors(line)] == []
    assert all("value" not in line for line in lines)


def test_values_are_removed_but_copy_paste_hashes_survive(tmp_path, policy):
    out = tmp_path / "out"
    redact_recordings([DATA / "seeded.jsonl"], out, policy, secret=SECRET)
    lines = [json.loads(x) for x in (out / "seeded.jsonl").read_text().splitlines()]
    pairs = [(e["action"], e.get("value_hash")) for e in lines if "value_hash" in e]
    card = hash_value("4111 1111 1111 1111", SECRET)
    invoice = hash_value("INV-2026-0042", SECRET)
    assert pairs == [
        ("type", hash_value("DE89 3704 0044 0532 0130 00", SECRET)),
        ("copy", card),
        ("paste", card),
        ("edit_cell", hash_value("078-05-1120", SECRET)),
        ("copy", invoice),
        ("paste", invoice),
    ]


def test_redacted_copy_reads_back_with_the_same_event_ids(tmp_path, policy):
    out = tmp_path / "out"
    redact_recordings([DATA / "seeded.jsonl"], out, policy, secret=SECRET)
    raw = read_events([DATA / "seeded.jsonl"]).events
    back = read_events([out]).events
    kept = raw[raw["app"].astype(str) != "KeePass"]
    # Events come back sorted by (pseudonymised) user, so compare them by id.
    assert sorted(zip(back["event_id"], back["ts"])) == sorted(
        zip(kept["event_id"], kept["ts"])
    )
    assert len(back) == 14
    assert back["value"].isna().all()


def test_redact_is_byte_identical_across_runs(recordings, tmp_path, policy):
    first, second = tmp_path / "a", tmp_path / "b"
    redact_recordings([recordings], first, policy, secret=SECRET)
    redact_recordings([recordings], second, policy, secret=SECRET)
    assert output_bytes(first) == output_bytes(second)


def test_keep_values_opt_in_writes_values_back(tmp_path):
    out = tmp_path / "out"
    opened = PrivacyPolicy(keep_values=True, detectors=(), pseudonymise_users=False)
    report = redact_recordings([DATA / "seeded.jsonl"], out, opened, secret=SECRET)
    text = (out / "seeded.jsonl").read_text(encoding="utf-8")
    assert '"value": "Sommer2026!"' in text
    assert '"user": "anna.schmidt"' in text
    assert report.count("value", "kept in clear") == 8  # KeePass event dropped


def test_redact_refuses_the_builtin_secret(tmp_path, monkeypatch):
    monkeypatch.delenv("DESKMINE_SECRET", raising=False)
    message = (
        "redact needs a project secret: value hashes and user pseudonyms in a "
        "shared copy must be keyed with a secret only your project knows; set "
        "DESKMINE_SECRET to a long random string (or to a file holding one), or "
        "set privacy.secret_file"
    )
    with pytest.raises(ConfigError) as caught:
        redact_recordings([DATA / "seeded.jsonl"], tmp_path / "out")
    assert str(caught.value) == message
    with pytest.raises(ConfigError):
        redact_recordings(
            [DATA / "seeded.jsonl"], tmp_path / "out", secret=DEFAULT_SECRET
        )
    assert not (tmp_path / "out").exists()


def test_redact_refuses_to_overwrite_a_recording_it_reads(tmp_path):
    folder = tmp_path / "rec"
    folder.mkdir()
    shutil.copy(DATA / "seeded.jsonl", folder / "day1.jsonl")
    before = (folder / "day1.jsonl").read_bytes()
    with pytest.raises(ConfigError) as caught:
        redact_recordings([folder], folder, secret=SECRET)
    assert str(caught.value) == (
        f"{folder / 'day1.jsonl'}: redact would overwrite a recording it reads; "
        "write the copies to a folder outside the inputs (-o)"
    )
    assert (folder / "day1.jsonl").read_bytes() == before


def test_redact_takes_the_secret_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DESKMINE_SECRET", "from-env")
    report = redact_recordings(
        [DATA / "seeded.jsonl"], tmp_path / "out", PrivacyPolicy(deny_apps=())
    )
    first = json.loads((tmp_path / "out" / "seeded.jsonl").read_text().split("\n")[0])
    assert first["user"] == pseudonym("anna.schmidt", b"from-env")
    assert report.secret_configured is True and report.n_events_out == 15


def test_non_jsonl_inputs_get_jsonl_appended(tmp_path):
    source = tmp_path / "in" / "log.csv"
    source.parent.mkdir()
    source.write_text(
        "ts,user,app,action,window\n"
        "2026-03-02T09:00:00Z,bo.li,Excel,click,mail bo.li@corp.example\n",
        encoding="utf-8",
    )
    report = redact_recordings([tmp_path / "in"], tmp_path / "out", secret=SECRET)
    written = (tmp_path / "out" / "log.csv.jsonl").read_text(encoding="utf-8")
    bo = pseudonym("bo.li", SECRET)
    assert written == (
        f'{{"event_id": "log.csv:2", "ts": "2026-03-02T09:00:00Z", "user": "{bo}", '
        '"app": "Excel", "window": "mail <email>", "action": "click"}\n'
    )
    assert report.files[0].output == "log.csv.jsonl"


def test_skipped_invalid_lines_are_counted_not_copied(tmp_path):
    source = tmp_path / "in" / "day.jsonl"
    source.parent.mkdir()
    lines = (DATA / "seeded.jsonl").read_text(encoding="utf-8").splitlines()
    source.write_text("\n".join([lines[0], '{"ts": "bad"}', lines[1]]) + "\n")
    report = redact_recordings(
        [source], tmp_path / "out", secret=SECRET, skip_invalid=True
    )
    assert report.counts[0].label == "events dropped by skip_invalid: 1"
    assert (report.n_events_in, report.n_events_out) == (2, 2)
    written = (tmp_path / "out" / "day.jsonl").read_text(encoding="utf-8")
    assert len(written.splitlines()) == 2


def test_format_ts_keeps_nanoseconds_and_writes_utc():
    assert format_ts(pd.Timestamp("2026-03-02T10:14:05.000000001+01:00")) == (
        "2026-03-02T09:14:05.000000001Z"
    )


def test_event_to_native_nests_target_and_leaves_out_empty_fields():
    row = pd.DataFrame(
        {
            "event_id": ["a:1"],
            "ts": [pd.Timestamp("2026-03-02T09:00:00Z")],
            "user": ["u"],
            "session": [None],
            "app": ["Excel"],
            "window": [""],
            "action": ["click"],
            **{f"target_{f}": [None] for f in ("role", "id", "automation_id")},
            "target_name": ["Save"],
            **{f"target_{f}": [None] for f in ("css", "xpath", "label")},
            **{c: [None] for c in ("url", "value", "value_hash", "workbook")},
            **{c: [None] for c in ("sheet", "cell")},
            "duration_s": [float("nan")],
        }
    )
    event = event_to_native(next(row.itertuples(index=False)))
    assert event == {
        "event_id": "a:1",
        "ts": "2026-03-02T09:00:00Z",
        "user": "u",
        "app": "Excel",
        "action": "click",
        "target": {"name": "Save"},
    }
