"""Plain sentences about a candidate, built from its numbers (never from values)."""

from __future__ import annotations

from models import Candidate


def explain(candidate: Candidate) -> tuple[str, ...]:
    """Short sentences built from a candidate's numbers (never from values)."""
    score = candidate.score
    extra = score.extra
    why = [
        f"Seen {plural(score.instances, 'time')} by {plural(score.users, 'user')} "
        f"on {plural(int(extra.get('days_seen', 0)), 'day')}; about "
        f"{score.runs_per_month:,.0f} runs a month.",
        f"Median {format_seconds(score.median_human_s)} by hand (p90 "
        f"{format_seconds(score.p90_human_s)}), "
        f"~{format_seconds(score.bot_s)} by a bot.",
    ]
    entered = int(extra.get("values_entered", 0))
    if entered:
        share = int(extra.get("values_traced", 0)) / entered
        why.append(
            f"{share:.0%} of pasted or typed values were copied in the same run."
        )
    free = int(extra.get("free_text", 0))
    if free:
        per_run = free / max(score.instances, 1)
        why.append(f"{per_run:.1f} typed values per run have no traced source.")
    if score.median_human_s <= score.bot_s:
        why.append("A bot would not be faster than a person here.")
    else:
        why.append(
            f"Saves ~{score.hours_per_month:,.1f} h a month at automatability "
            f"{score.automatability:.2f}, worth {score.value_per_month:,.0f} "
            f"{score.currency}."
        )
    # The factor that costs the most automatability (weight x shortfall).
    weakest = max(
        score.factors, key=lambda f: (f.weight * (1 - f.value), f.name), default=None
    )
    if weakest is not None and weakest.value < 0.9:
        why.append(f"Weakest factor: {weakest.name} ({weakest.note}).")
    return tuple(why)


def format_seconds(seconds: float) -> str:
    """``"94 s"`` from 10 s up, ``"8.5 s"`` below."""
    return f"{seconds:.0f} s" if seconds >= 10 else f"{seconds:.1f} s"


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
