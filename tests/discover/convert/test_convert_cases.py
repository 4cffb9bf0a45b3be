"""convert --to cases: one row per instance, business keys hashed, formula-safe."""

from __future__ import annotations

import csv

import pytest

from discover.convert import (
    CONVERT_FORMATS,
    DEFAULT_KEY_PATTERN,
    convert,
    find_business_keys,
)
from discover.convert.cases import CASE_COLUMNS
from discover.errors import ConfigError
from discover.privacy import hash_value
from discover.readers import read_events

SECRET = b"deskmine-default-secret: set DESKMINE_SECRET for your project"


def _rows(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_convert_cases_writes_one_row_per_instance_with_hashed_keys(
    invoices, invoice_path, tmp_path
):
    out = tmp_path / "cases.csv"
    keys = find_business_keys(read_events(invoice_path))
    done = convert(invoices, "cases", out, business_keys=keys)
    (routine,) = invoices.routines
    rows = _rows(out)
    assert rows[0] == list(CASE_COLUMNS)
    assert (done.n_cases, done.n_events) == (8, 24) == (len(rows) - 1, 24)
    first = dict(zip(CASE_COLUMNS, rows[1], strict=True))
    keys = sorted([hash_value("INV-2026-0001", SECRET), hash_value("PO-77000", SECRET)])
    assert first == {
        "case_id": f"{routine.routine_id}.1",
        "routine_id": routine.routine_id,
        "user": invoices.events["user"].iloc[0],
        "session": "'=SUM(1)",  # neutralised: a spreadsheet will not run it
        "start": "2026-03-02T09:10:00Z",
        "end": "2026-03-02T09:10:09Z",
        "duration_s": "9.0",
        "n_events": "3",
        "variant": "0",
        "business_keys": " ".join(keys),
    }
    text = out.read_text(encoding="utf-8")
    assert "INV-2026" not in text and "PO-77" not in text


def test_convert_cases_writes_keys_in_clear_only_when_kept(
    invoices, invoice_path, tmp_path
):
    raw = read_events(invoice_path)
    out = tmp_path / "clear.csv"
    clear = find_business_keys(raw, keep_values=True)
    convert(invoices, "cases", out, business_keys=clear)
    assert _rows(out)[8][-1] == "INV-2026-0008 PO-77007"
    only_po = tmp_path / "po.csv"
    po = find_business_keys(raw, keep_values=True, key_pattern=r"PO-\d+")
    convert(invoices, "cases", only_po, business_keys=po)
    assert [row[-1] for row in _rows(only_po)[1:3]] == ["PO-77000", "PO-77001"]
    # a whole copied value that is one key hashes to the value's own value_hash
    (one,) = find_business_keys(raw, key_pattern=r"^.*$")["anna.jsonl:1"]
    assert one == invoices.events.set_index("event_id").at["anna.jsonl:1", "value_hash"]


def test_convert_cases_without_keys_leaves_the_column_empty(invoices, tmp_path):
    convert(invoices, "cases", tmp_path / "c.csv")
    assert {row[-1] for row in _rows(tmp_path / "c.csv")[1:]} == {""}


def test_find_business_keys_refuses_a_broken_pattern(invoice_path):
    with pytest.raises(
        ConfigError,
        match=r"^key_pattern must be a Python regular expression; got '\(INV' ",
    ):
        find_business_keys(read_events(invoice_path), key_pattern="(INV")


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("INV-2026-81706 paid", ["INV-2026-81706"]),
        ("see PO12345 and R-2026-00184", ["PO12345", "R-2026-00184"]),
        ("SAP 4500087965, not 45000879651", ["4500087965"]),
        ("INV-12 and XINV-12345", []),
    ],
)
def test_default_key_pattern_finds_whole_business_keys(text, keys):
    import re

    assert re.findall(DEFAULT_KEY_PATTERN, text) == keys


def test_every_convert_format_writes_the_same_bytes_twice(invoices, tmp_path):
    for fmt in CONVERT_FORMATS:
        convert(invoices, fmt, tmp_path / f"a.{fmt}")
        convert(invoices, fmt, tmp_path / f"b.{fmt}")
        assert (tmp_path / f"a.{fmt}").read_bytes() == (
            tmp_path / f"b.{fmt}"
        ).read_bytes(), fmt
