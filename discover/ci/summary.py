"""The CI summary as GitHub-flavoured Markdown, for ``$GITHUB_STEP_SUMMARY`` or a
pull-request comment.

Verdict first, then the rules, the changes and the top candidates. A comment or
step summary holds at most 65,536 characters, so rows of the changes table are
dropped from the end past ``limit`` and a note says how many (the JSON result keeps
them all). Recorded text (candidate names) is escaped so it cannot become markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from discover.render._format import markdown_text

if TYPE_CHECKING:  # the result type lives in the package __init__
    from discover.ci import CiResult
    from discover.ci.rules import Change

__all__ = ["SUMMARY_LIMIT", "render_summary"]

#: Characters a GitHub pull-request comment (and step summary) can hold.
SUMMARY_LIMIT = 65_536

_MAX_IDS = 10  # candidate ids listed per rule
_MAX_INVALID = 10  # invalid events listed
_CHANGES_HEAD = (
    "| Change | Candidate | Name | Hours/month | Value/month | Similarity | Skeleton |",
    "|---|---|---|---:|---:|---:|---|",
)


def render_summary(result: CiResult, limit: int = SUMMARY_LIMIT) -> str:
    """Render the summary of a CI run.

    Parameters
    ----------
    result : CiResult
    limit : int, default=SUMMARY_LIMIT
        Most characters of the text returned; rows of the changes table past it
        are left out with a note. At least 4,096.

    Returns
    -------
    str
        Markdown, newline-ended, at most `limit` characters.

    Raises
    ------
    ValueError
        When `limit` is below 4,096.
    """
    if limit < 4096:
        raise ValueError(f"limit must be an int >= 4096; got {limit!r}.")
    currency = markdown_text(
        result.report.settings.get("scoring", {}).get("currency", "EUR")
    )
    head = [_verdict(result), "", _inputs(result), ""]
    for note in result.notes:
        head += [f"> {markdown_text(note)}", ""]
    head += ["### Rules", "", *_rules(result), ""]
    if result.invalid:
        head += ["### Invalid events", "", *_invalid(result), ""]
    tail = ["### Top candidates", "", *_top(result, currency), ""]
    shown = [c for c in result.changes if _worth_showing(c)]
    rows = [_change_row(c, result, currency) for c in shown]
    title = f"### Changes ({len(shown)})"
    if not rows:
        middle = [title, "", "No candidate changed.", ""]
        return _join(head + middle + tail)
    fixed = len(_join(head + [title, "", *_CHANGES_HEAD, ""] + tail))
    reserve = 200  # the truncation note
    budget = limit - fixed - reserve
    kept: list[str] = []
    used = 0
    for row in rows:
        if used + len(row) + 1 > budget:
            break
        kept.append(row)
        used += len(row) + 1
    middle = [title, "", *_CHANGES_HEAD, *kept, ""]
    if len(kept) < len(rows):
        left = len(rows) - len(kept)
        middle += [
            f"*{left} more change{'s' if left != 1 else ''} not shown: the summary "
            f"is limited to {limit:,} characters; see the JSON result (--json).*",
            "",
        ]
    text = _join(head + middle + tail)
    if len(text) > limit:  # the fixed parts alone are too long: cut hard
        note = "\n\n*Summary cut at the character limit; see the JSON result.*\n"
        text = text[: limit - len(note)] + note
    return text


def _join(lines: list[str]) -> str:
    return "\n".join(lines).rstrip("\n") + "\n"


def _verdict(result: CiResult) -> str:
    if result.baseline_updated:
        return "## deskmine ci: baseline updated"
    if result.failed:
        names = ", ".join(f"`{r}`" for r in result.failed)
        return f"## deskmine ci: failed ({names})"
    return "## deskmine ci: passed"


def _inputs(result: CiResult) -> str:
    parts = [f"{result.n_events:,} events in {result.n_files:,} files"]
    if result.cache is not None:
        parts.append(
            f"{result.cache.hits:,} from the cache, {result.cache.files_read:,} parsed"
        )
    parts.append(f"{len(result.invalid):,} invalid")
    if result.baseline is None:
        parts.append("no baseline yet")
    else:
        parts.append(
            f"baseline `{markdown_text(result.baseline.path)}` with "
            f"{result.baseline.listed:,} candidates"
        )
    counts = {s: sum(1 for c in result.changes if c.status == s) for s in _STATUS_ORDER}
    parts.append(
        f"{counts['new']} new, {counts['matched']} matched, "
        f"{counts['variant']} variants, {counts['gone']} gone, "
        f"{counts['unlisted']} unlisted"
    )
    return "; ".join(parts) + "."


_STATUS_ORDER = ("new", "matched", "variant", "gone", "unlisted")


def _rules(result: CiResult) -> list[str]:
    lines = ["| Rule | Result | Condition | Candidates |", "|---|---|---|---|"]
    for outcome in result.rules:
        if outcome.fails and not result.baseline_updated:
            verdict = "**fails**"
        elif outcome.fired:
            verdict = "fired"
        else:
            verdict = "ok"
        ids = [f"`{i}`" for i in outcome.candidates[:_MAX_IDS]]
        more = len(outcome.candidates) - _MAX_IDS
        if more > 0:
            ids.append(f"and {more} more")
        listed = ", ".join(ids) or ("" if outcome.fired else "-")
        if outcome.rule == "invalid-recordings" and outcome.fired:
            listed = f"{outcome.count:,} events"
        lines.append(
            f"| `{outcome.rule}` | {verdict} | {markdown_text(outcome.condition)} "
            f"| {listed} |"
        )
    return lines


def _invalid(result: CiResult) -> list[str]:
    lines = [f"- `{markdown_text(where)}`" for where in result.invalid[:_MAX_INVALID]]
    more = len(result.invalid) - _MAX_INVALID
    if more > 0:
        lines.append(f"- and {more:,} more (see the JSON result)")
    return lines


def _worth_showing(change: Change) -> bool:
    if change.status in ("new", "variant", "gone"):
        return True
    if change.status == "unlisted":
        return False
    return bool(
        change.steps_changed
        or change.new_variants
        or change.value_change_pct is None
        or change.value_change_pct != 0.0
    )


def _what(change: Change) -> str:
    if change.status == "variant":
        return f"variant of `{change.baseline_id}`"
    if change.status != "matched":
        return change.status
    parts = []
    if change.value_change_pct is None:
        parts.append("value from 0")
    elif change.value_change_pct != 0.0:
        parts.append(f"value {change.value_change_pct:+.1f}%")
    if change.new_variants:
        n = len(change.new_variants)
        parts.append(f"{n} new variant{'s' if n != 1 else ''}")
    if change.steps_changed:
        parts.append("steps changed")
    return ", ".join(parts)


def _change_row(change: Change, result: CiResult, currency: str) -> str:
    ident = f"`{change.key}`"
    if change.status == "matched" and change.baseline_id != change.candidate_id:
        ident += f" (was `{change.baseline_id}`)"
    hours = _pair(change.baseline_hours_per_month, change.hours_per_month, 2)
    value = _pair(change.baseline_value_per_month, change.value_per_month, 0)
    similarity = "" if change.similarity is None else f"{change.similarity:.2f}"
    return (
        f"| {_what(change)} | {ident} | {markdown_text(change.name)} | {hours} "
        f"| {value} {currency} | {similarity} | {_link(change.candidate_id, result)} |"
    )


def _pair(before: float | None, after: float | None, decimals: int) -> str:
    if before is None:
        return f"{after:,.{decimals}f}"
    if after is None:
        return f"~~{before:,.{decimals}f}~~"
    return f"{before:,.{decimals}f} → {after:,.{decimals}f}"


def _link(candidate_id: str | None, result: CiResult) -> str:
    folder = result.exports.get(candidate_id or "")
    if folder is None:
        return ""
    target = result.settings.link_base + folder + "/"
    label = folder.rsplit("/", 1)[-1]
    return f"[{markdown_text(label)}](<{target}>)"


def _top(result: CiResult, currency: str) -> list[str]:
    status = {c.candidate_id: c for c in result.changes if c.candidate_id}
    ranked = sorted(result.report.candidates, key=lambda c: (c.rank, c.candidate_id))
    if not ranked:
        return ["No candidates found."]
    lines = [
        f"| Rank | Candidate | Name | Hours/month | Value/month ({currency}) "
        "| vs baseline | Skeleton |",
        "|---:|---|---|---:|---:|---|---|",
    ]
    for candidate in ranked[: result.settings.top]:
        change = status.get(candidate.candidate_id)
        versus = "" if change is None else (_what(change) or "unchanged")
        lines.append(
            f"| {candidate.rank} | `{candidate.candidate_id}` "
            f"| {markdown_text(candidate.name)} "
            f"| {candidate.score.hours_per_month:,.2f} "
            f"| {candidate.score.value_per_month:,.0f} | {versus} "
            f"| {_link(candidate.candidate_id, result)} |"
        )
    if len(ranked) > result.settings.top:
        lines += [
            "",
            f"{len(ranked) - result.settings.top} more candidates in the JSON result.",
        ]
    return lines
