"""A compact event table (categorical texts) holds the same events as the object one."""

from __future__ import annotations

import numpy as np
import pandas as pd

from models.events import (
    EVENT_COLUMNS,
    OBJECT_COLUMNS,
    STRING_COLUMNS,
    conform_event_table,
    expand_texts,
    sort_events,
    text_order,
)


def _rows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "event_id": ["b:2", "a:1", "a:2", "b:1"],
            "ts": ["2026-03-02T09:00:01Z", "2026-03-02T09:00:00Z"] * 2,
            "user": ["bob", "ann", None, "ann"],
            "app": ["Excel", "Chrome", "Excel", ""],
            "action": ["copy", "paste", "click", "click"],
            "window": ["Book1", "", None, "Book1"],
            "target_label": [None, "Save", "Save", np.nan],
            "value": ["4711", None, "", "4711"],
            "source": ["b", "a", "a", "b"],
            "line": [2, 1, 2, 1],
        }
    )


def test_compact_table_expands_to_the_object_table():
    wide = conform_event_table(_rows())
    compact = conform_event_table(_rows(), compact=True)
    for column in STRING_COLUMNS:
        expected = "object" if column in OBJECT_COLUMNS else "category"
        assert str(compact[column].dtype) == expected, column
    assert compact["window"].isna().tolist() == [False, True, True, False]
    pd.testing.assert_frame_equal(expand_texts(compact), wide)


def test_object_table_keeps_none_for_missing_and_empty_text():
    wide = conform_event_table(_rows())
    assert list(wide.columns) == list(EVENT_COLUMNS)
    assert wide["window"].tolist() == ["Book1", None, None, "Book1"]
    assert wide["target_label"].tolist() == [None, "Save", "Save", None]
    assert wide["value"].tolist() == ["4711", None, None, "4711"]
    assert wide["user"].tolist() == ["bob", "ann", "", "ann"]
    assert wide["app"].cat.categories.tolist() == ["", "Chrome", "Excel"]


def test_expand_keeps_an_empty_text_a_rewrite_made():
    compact = conform_event_table(_rows(), compact=True)
    compact["window"] = compact["window"].cat.rename_categories([""])
    assert expand_texts(compact)["window"].tolist() == ["", None, None, ""]


def test_text_order_ranks_texts_alike_in_both_layouts():
    texts = pd.Series(["b", "a", None, "b", "c"], dtype=object)
    as_category = pd.Series(pd.Categorical(texts, categories=["c", "b", "a"]))
    assert text_order(texts).tolist() == [1, 0, -1, 1, 2]
    assert text_order(as_category).tolist() == [1, 0, -1, 1, 2]


def test_sort_events_orders_compact_and_object_tables_alike():
    wide = sort_events(conform_event_table(_rows()))
    compact = sort_events(conform_event_table(_rows(), compact=True))
    assert wide["event_id"].tolist() == ["a:2", "a:1", "b:1", "b:2"]
    assert compact["event_id"].tolist() == wide["event_id"].tolist()
