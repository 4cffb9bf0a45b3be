"""The Markdown summary parses as tables and stays under GitHub's size limit."""

from __future__ import annotations

from dataclasses import replace

import pytest
from markdown_it import MarkdownIt

from discover.ci import RULES, SUMMARY_LIMIT, Change, render_summary


def parse(text: str):
    return MarkdownIt("commonmark").enable("table").parse(text)


def tables(text: str) -> list[list[list[str]]]:
    """Each table's rows (header first) as lists of cell texts."""
    found: list[list[list[str]]] = []
    row: list[str] | None = None
    for token in parse(text):
        if token.type == "table_open":
            found.append([])
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close":
            found[-1].append(row)
            row = None
        elif token.type == "inline" and row is not None:
            row.append(token.content)
    return found


def fake_change(i: int) -> Change:
    return Change(
        status="new",
        candidate_id=f"C{i:08x}",
        baseline_id=None,
        name=f"Excel copy → Chrome paste ×{i} fields, click Save lead and close",
        rank=i + 1,
        baseline_rank=None,
        similarity=None,
        hours_per_month=1.0 + i,
        baseline_hours_per_month=None,
        value_per_month=40.0 * (1 + i),
        baseline_value_per_month=None,
        value_change_pct=None,
        steps_changed=False,
    )


def test_summary_renders_rules_changes_and_top_candidates_as_tables(new_result):
    text = render_summary(new_result)
    rules, changes, top = tables(text)
    assert rules[0] == ["Rule", "Result", "Condition", "Candidates"]
    assert [row[0] for row in rules[1:]] == [f"`{r}`" for r in RULES]
    shown = [c for c in new_result.changes if c.status != "unlisted"]
    changed = [
        c
        for c in shown
        if c.status != "matched"
        or c.steps_changed
        or c.new_variants
        or c.value_change_pct != 0.0
    ]
    assert len(changes) == 1 + len(changed)
    assert f"### Changes ({len(changed)})" in text
    assert [row[1] for row in changes[1:]][0].startswith(f"`{changed[0].key}`")
    ranked = sorted(new_result.report.candidates, key=lambda c: c.rank)
    assert [row[1] for row in top[1:]] == [
        f"`{c.candidate_id}`" for c in ranked[: new_result.settings.top]
    ]
    assert text.startswith("## deskmine ci: passed\n")


def test_summary_of_a_failing_run_names_the_failing_rules(new_result):
    failing = replace(
        new_result,
        rules=tuple(
            replace(r, fails=r.fired and r.rule == "new-candidate")
            for r in new_result.rules
        ),
    )
    text = render_summary(failing)
    assert text.startswith("## deskmine ci: failed (`new-candidate`)\n")
    rules = tables(text)[0]
    assert rules[1][:2] == ["`new-candidate`", "**fails**"]


def test_hundreds_of_changes_are_cut_to_the_limit_with_a_note(new_result):
    many = tuple(fake_change(i) for i in range(1500))
    text = render_summary(replace(new_result, changes=many))
    assert len(text) <= SUMMARY_LIMIT
    rows = tables(text)[1][1:]
    assert 100 < len(rows) < 1500
    left = 1500 - len(rows)
    assert (
        f"*{left} more changes not shown: the summary is limited to 65,536 "
        "characters; see the JSON result (--json).*"
    ) in text
    assert rows[-1][1] == f"`{many[len(rows) - 1].key}`"
    assert text.rstrip().endswith("more candidates in the JSON result.") or (
        "### Top candidates" in text
    )


@pytest.mark.parametrize("limit", [4096, 20_000])
def test_smaller_limits_hold_too(new_result, limit):
    many = tuple(fake_change(i) for i in range(400))
    text = render_summary(replace(new_result, changes=many), limit=limit)
    assert len(text) <= limit
    assert "### Top candidates" in text


def test_summary_refuses_a_limit_below_4096(new_result):
    with pytest.raises(ValueError) as caught:
        render_summary(new_result, limit=100)
    assert str(caught.value) == "limit must be an int >= 4096; got 100."


def test_hostile_candidate_names_stay_text(new_result):
    hostile = replace(
        fake_change(0), name="x | <img src=y> [click](https://evil.example) *z*"
    )
    text = render_summary(replace(new_result, changes=(hostile,)))
    tokens = parse(text)
    children = [c for t in tokens if t.children for c in t.children]
    assert not [c for c in children if c.type in ("link_open", "html_inline")]
    row = tables(text)[1][1]
    assert len(row) == 7  # the pipe did not split the cell
    html = MarkdownIt("commonmark").enable("table").render(text)
    assert "<img" not in html and "<a href" not in html and "<em>" not in html
    assert "x | &lt;img src=y&gt; [click](https://evil.example) *z*" in html
