"""The redaction report: what privacy did to a recording, counted per rule and field.

Written for a data-protection officer: nothing is removed silently, every dropped
event and every replacement is counted, and the report itself holds no recorded text
(only counts, the policy's own patterns and column names).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Steps of :func:`discover.privacy.apply_privacy`, in the order they run and print.
STEPS: tuple[str, ...] = (
    "drop_events",
    "password",
    "drop_field",
    "hash_field",
    "rule",
    "names",
    "echo",
    "url",
    "detector",
    "user",
    "value",
)
_STEP_ORDER = {step: i for i, step in enumerate(STEPS)}


@dataclass(frozen=True, slots=True)
class RedactionCount:
    """One line of the report.

    Attributes
    ----------
    step : str
        One of :data:`STEPS`.
    rule : str
        What acted: ``deny_apps 'KeePass*'``, ``email``, ``rules[0]``, ``hashed``.
    field : str
        The column acted on (``window``, ``url``, ...); ``events`` for dropped events.
    count : int
        Events dropped, cells changed, or findings replaced (detectors and rules
        count each finding, so one title with two e-mails counts 2).
    """

    step: str
    rule: str
    field: str
    count: int

    @property
    def label(self) -> str:
        """The line as a reviewer reads it, e.g. ``email in window: 12``."""
        return f"{self.describe()}: {self.count:,}"

    def describe(self) -> str:
        """The line without its count."""
        if self.step == "drop_events":
            return f"events dropped by {self.rule}"
        if self.step == "password":
            return f"password field {self.field} removed"
        if self.step == "drop_field":
            return f"{self.field} dropped"
        if self.step == "hash_field":
            return f"{self.field} hashed"
        if self.step == "names":
            return f"listed names in {self.field}"
        if self.step == "echo":
            return f"typed or copied values in {self.field}"
        if self.step == "value":
            return f"values {self.rule}"
        if self.step == "user" and self.field == "user":
            return "user names pseudonymised (distinct users)"
        return f"{self.rule} in {self.field}"

    def to_dict(self) -> dict[str, Any]:
        """Return the line as JSON-ready data, with its readable `label`."""
        return {
            "step": self.step,
            "rule": self.rule,
            "field": self.field,
            "count": self.count,
            "label": self.label,
        }


@dataclass(frozen=True, slots=True)
class RedactedFile:
    """One recording written by ``deskmine redact``: where from, where to, how many."""

    source: str
    output: str
    n_events_in: int
    n_events_out: int

    def to_dict(self) -> dict[str, Any]:
        """Return the file entry as JSON-ready data."""
        return {
            "source": self.source,
            "output": self.output,
            "n_events_in": self.n_events_in,
            "n_events_out": self.n_events_out,
        }


@dataclass(frozen=True, slots=True)
class RedactionReport:
    """Counts of everything privacy did, for review before recordings are shared.

    Attributes
    ----------
    n_events_in : int
        Events read.
    n_events_out : int
        Events kept (read minus dropped).
    counts : tuple of RedactionCount
        Non-zero counts in :data:`STEPS` order, then by rule and field.
    secret_configured : bool
        Whether hashes and pseudonyms use a project secret (not the built-in one).
    policy : dict
        The policy applied, as its ``[privacy]`` table.
    files : tuple of RedactedFile, default=()
        Files written (``deskmine redact`` only).
    """

    n_events_in: int
    n_events_out: int
    counts: tuple[RedactionCount, ...]
    secret_configured: bool
    policy: dict[str, Any] = field(default_factory=dict)
    files: tuple[RedactedFile, ...] = ()

    @property
    def n_events_dropped(self) -> int:
        """Events dropped by the allow and deny lists."""
        return self.n_events_in - self.n_events_out

    def count(
        self, step: str, rule: str | None = None, field: str | None = None
    ) -> int:
        """Sum of the counts of `step`, optionally of one rule and one field.

        >>> email = RedactionCount("detector", "email", "window", 3)
        >>> report = RedactionReport(2, 2, (email,), secret_configured=True)
        >>> report.count("detector", "email"), report.count("rule")
        (3, 0)
        """
        return sum(
            c.count
            for c in self.counts
            if c.step == step
            and (rule is None or c.rule == rule)
            and (field is None or c.field == field)
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the report as plain JSON-ready data (same input, same dict)."""
        return {
            "n_events_in": self.n_events_in,
            "n_events_out": self.n_events_out,
            "n_events_dropped": self.n_events_dropped,
            "secret_configured": self.secret_configured,
            "counts": [c.to_dict() for c in self.counts],
            "files": [f.to_dict() for f in self.files],
            "policy": self.policy,
        }

    def to_markdown(self) -> str:
        """Return the report as a Markdown document for a reviewer."""
        lines = [
            "# Redaction report",
            "",
            f"- Events read: {self.n_events_in:,}",
            f"- Events kept: {self.n_events_out:,}",
            f"- Events dropped: {self.n_events_dropped:,}",
            "- Secret: "
            + (
                "project secret (hashes and pseudonyms cannot be checked against "
                "guesses without it)"
                if self.secret_configured
                else "built-in default: set DESKMINE_SECRET (or privacy.secret_file) "
                "before sharing anything"
            ),
            "",
            "| Step | Rule | Field | Count |",
            "|---|---|---|---:|",
        ]
        lines += [
            f"| {_cell(c.step)} | {_cell(c.rule)} | {_cell(c.field)} | {c.count:,} |"
            for c in self.counts
        ]
        if not self.counts:
            lines.append("| (nothing) | | | 0 |")
        if self.files:
            lines += [
                "",
                "## Files",
                "",
                "| Source | Output | Events in | Events out |",
                "|---|---|---:|---:|",
            ]
            lines += [
                f"| {_cell(f.source)} | {_cell(f.output)} | {f.n_events_in:,} "
                f"| {f.n_events_out:,} |"
                for f in self.files
            ]
        lines += ["", "## Policy", "", "```toml", *_policy_toml(self.policy), "```"]
        lines += [
            "",
            "Detectors find e-mail addresses, IBANs (mod 97), payment cards (Luhn), "
            "US SSNs, UK NINOs, German tax ids and phone numbers. Names of people "
            "other than the recorded users are not detected: add "
            "`[[privacy.rules]]` for them.",
        ]
        return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _policy_toml(policy: dict[str, Any]) -> list[str]:
    lines = ["[privacy]"]
    rules = []
    for key, value in policy.items():
        if key == "rules":
            rules = value
            continue
        lines.append(f"{key} = {_toml(value)}")
    for rule in rules:
        lines += ["", "[[privacy.rules]]"]
        lines += [f"{key} = {_toml(value)}" for key, value in rule.items()]
    return lines


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{text}"'


def sorted_counts(
    counts: dict[tuple[str, str, str], int],
) -> tuple[RedactionCount, ...]:
    """Report lines from ``(step, rule, field) -> count``, zeros left out, in order."""
    keys = sorted(
        (k for k, v in counts.items() if v),
        key=lambda k: (_STEP_ORDER[k[0]], k[1], k[2]),
    )
    return tuple(RedactionCount(*key, counts[key]) for key in keys)
