"""Settings: one TOML file, defaults in code, every value checked and echoed.

A ``deskmine.toml`` holds any of these tables; a missing key keeps its default::

    [scoring]                 # time, frequency, value and ranking (discover/scoring.py)
    [scoring.bot_seconds]     # seconds a bot needs per action, by action name
    [scoring.weights]         # weights of the automatability factors
    [tokens]                  # how events become tokens
    [mining]                  # routine length, support and gap limits
    [privacy]                 # what happens to typed and copied values

Unknown keys and wrong types are a :class:`~discover.errors.ConfigError` naming the
file and the dotted key, with the closest known key when there is one::

    deskmine.toml: scoring.hourly_cots: unknown key; did you mean 'hourly_cost'?

``Settings.to_dict()`` gives the same nesting as the file, and every report echoes it
with :data:`SCORING_VERSION`, so a figure can always be traced to its settings.
"""

from __future__ import annotations

import difflib
import math
import zoneinfo
from dataclasses import dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

from discover.errors import ConfigError
from discover.privacy import PrivacyPolicy

#: Version of the scoring formula; bump it when a figure would change for the same
#: input and settings, so that reports from different versions are not compared.
SCORING_VERSION = "1.0"

#: Keys ``[scoring] rank_by`` accepts: candidates are sorted by this, descending.
RANK_KEYS: tuple[str, ...] = (
    "value_per_month",
    "hours_per_month",
    "instances",
    "automatability",
)

#: Values ``[tokens] granularity`` accepts.
GRANULARITIES: tuple[str, ...] = ("action", "app_action", "target")


@dataclass(frozen=True, slots=True)
class BotSeconds:
    """Seconds a bot needs for one event of each action (``[scoring.bot_seconds]``).

    ``type`` is the fixed cost of a typing step; ``per_char`` is added per character
    typed (the length of the recorded value, or ``default_chars`` when the value is
    masked or missing). The value itself is never kept or shown.
    """

    click: float = 0.5
    double_click: float = 0.6
    right_click: float = 0.6
    type: float = 0.2
    per_char: float = 0.01
    default_chars: int = 12
    key: float = 0.1
    hotkey: float = 0.2
    copy: float = 0.2
    cut: float = 0.2
    paste: float = 0.3
    focus: float = 0.5
    app_switch: float = 0.5
    navigate: float = 2.0
    open: float = 3.0
    close: float = 0.5
    select: float = 0.5
    scroll: float = 0.3
    drag: float = 1.0
    submit: float = 1.0
    check: float = 0.3
    select_cell: float = 0.2
    edit_cell: float = 0.3
    select_sheet: float = 0.5
    file_open: float = 2.0
    file_save: float = 1.0
    file_download: float = 3.0
    file_upload: float = 3.0
    file_move: float = 0.5
    file_copy: float = 0.5
    file_delete: float = 0.5
    idle: float = 0.0

    def cost(self, action: str) -> float:
        """Return the fixed cost of `action` in seconds (0.5 for an unknown action)."""
        if action in _NOT_ACTIONS:
            return 0.5
        return float(getattr(self, action, 0.5))


_NOT_ACTIONS = frozenset({"per_char", "default_chars", "cost"})


@dataclass(frozen=True, slots=True)
class Weights:
    """Weights of the automatability factors (``[scoring.weights]``), each >= 0.

    The automatability is the weighted mean of the factors; the weights need not sum
    to 1, but at least one must be above 0.
    """

    rule_based: float = 0.25
    traced_values: float = 0.20
    free_text: float = 0.15
    variants: float = 0.15
    apps: float = 0.10
    stable_targets: float = 0.15


@dataclass(frozen=True, slots=True)
class ScoringSettings:
    """How time, frequency, value and rank are computed (``[scoring]``).

    Attributes
    ----------
    idle_cap_s : float, default=60.0
        A gap between two events of one instance counts at most this many seconds.
    last_step_s : float, default=1.0
        Human seconds of an instance's last event when it has no ``duration_s``.
    working_days_per_month : float, default=21.0
        Observed runs per working day are multiplied by this.
    timezone : str, default="UTC"
        IANA zone whose calendar days count as working days.
    hourly_cost : float, default=40.0
        Cost of one hour of work, in ``currency``.
    currency : str, default="EUR"
        Label printed next to money.
    rank_by : str, default="value_per_month"
        One of :data:`RANK_KEYS`.
    top_switches : int, default=10
        How many app-to-app switches reports list, overall and per candidate.
    """

    idle_cap_s: float = 60.0
    last_step_s: float = 1.0
    working_days_per_month: float = 21.0
    timezone: str = "UTC"
    hourly_cost: float = 40.0
    currency: str = "EUR"
    rank_by: str = "value_per_month"
    top_switches: int = 10
    bot_seconds: BotSeconds = field(default_factory=BotSeconds)
    weights: Weights = field(default_factory=Weights)


@dataclass(frozen=True, slots=True)
class TokenSettings:
    """How events are abstracted to tokens (``[tokens]``).

    ``granularity`` is ``"action"`` (click), ``"app_action"`` (Excel·click) or
    ``"target"`` (Excel·click·Save).
    """

    granularity: str = "target"


@dataclass(frozen=True, slots=True)
class MiningSettings:
    """Limits of routine mining (``[mining]``).

    ``min_length``/``max_length`` bound the steps of a routine, ``min_instances`` is
    the support a routine needs, ``max_gap`` the noise events allowed between two
    consecutive steps.
    """

    min_length: int = 2
    max_length: int = 100
    min_instances: int = 3
    max_gap: int = 2


@dataclass(frozen=True, slots=True)
class CiSettings:
    """``deskmine ci`` (``[ci]``); values are checked by ``discover.ci`` when a run
    starts (importing it here would be circular: it imports the pipeline)."""

    fail_on: tuple[str, ...] = ()
    match_threshold: float = 0.6
    new_candidate_hours: float = 0.0
    value_change_pct: float = 25.0
    new_variant_runs: int = 2
    gone_hours: float = 0.0
    top: int = 10
    export_target: str = "pdd"
    link_base: str = ""


@dataclass(frozen=True, slots=True)
class Settings:
    """Every setting of a run, one attribute per TOML table."""

    scoring: ScoringSettings = field(default_factory=ScoringSettings)
    tokens: TokenSettings = field(default_factory=TokenSettings)
    mining: MiningSettings = field(default_factory=MiningSettings)
    privacy: PrivacyPolicy = field(default_factory=PrivacyPolicy)
    ci: CiSettings = field(default_factory=CiSettings)

    def to_dict(self) -> dict[str, Any]:
        """Return the settings with the nesting of the TOML file."""
        return _to_dict(self)

    def to_toml(self) -> str:
        """Return the settings as a TOML document that :func:`load_settings` reads."""
        return format_toml(self.to_dict())


def load_settings(
    path: Path | str | None = None, overrides: dict[str, Any] | None = None
) -> Settings:
    """Read settings from a TOML file, apply overrides, check every value.

    Parameters
    ----------
    path : pathlib.Path, str or None, default=None
        A TOML file; ``None`` uses the defaults.
    overrides : dict or None, default=None
        Values applied after the file, nested like the file
        (``{"scoring": {"hourly_cost": 55}}``) or with dotted keys
        (``{"scoring.hourly_cost": 55}``).

    Returns
    -------
    Settings

    Raises
    ------
    ConfigError
        The file cannot be read or parsed, a key is unknown, or a value has the wrong
        type or range. The message starts with the file name (``options`` for
        overrides) and the dotted key.

    Examples
    --------
    >>> load_settings(overrides={"scoring.hourly_cost": 55}).scoring.hourly_cost
    55.0
    """
    settings = Settings()
    if path is not None:
        settings = _apply(settings, _read_toml(Path(path)), str(path), "")
        _check_ranges(settings, str(path))
    if overrides:
        settings = _apply(settings, _nest(overrides), "options", "")
        _check_ranges(settings, "options")
    return settings


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: cannot read settings: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read settings: {exc}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def _nest(flat: dict[str, Any]) -> dict[str, Any]:
    nested: dict[str, Any] = {}
    for key, value in flat.items():
        parts = str(key).split(".")
        node = nested
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ConfigError(f"options: {key}: '{part}' is a value, not a table")
        if isinstance(value, dict) and isinstance(node.get(parts[-1]), dict):
            node[parts[-1]].update(value)
        else:
            node[parts[-1]] = value
    return nested


def _apply(obj: Any, data: dict[str, Any], source: str, prefix: str) -> Any:
    """Return `obj` (a settings dataclass) with `data` applied, every key checked."""
    known = {f.name: f for f in fields(obj)}
    changes: dict[str, Any] = {}
    for key in sorted(data):
        dotted = f"{prefix}{key}"
        if key not in known:
            raise ConfigError(f"{source}: {dotted}: unknown key{_hint(key, known)}")
        current = getattr(obj, key)
        value = data[key]
        if isinstance(current, PrivacyPolicy):
            # the policy checks its own keys (globs, rules, detectors)
            changes[key] = PrivacyPolicy.from_dict(value, source, base=current)
        elif is_dataclass(current):
            if not isinstance(value, dict):
                raise ConfigError(
                    f"{source}: {dotted}: must be a table ([{dotted}]); "
                    f"got {_describe(value)}"
                )
            changes[key] = _apply(current, value, source, f"{dotted}.")
        else:
            changes[key] = _coerce(value, type(current), source, dotted)
    return replace(obj, **changes)


def _hint(key: str, known: dict[str, Any]) -> str:
    close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)
    if close:
        return f"; did you mean '{close[0]}'?"
    return f"; known keys: {', '.join(sorted(known))}"


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a table"
    return f"{type(value).__name__} {value!r}"


def _coerce(value: Any, expected: type, source: str, dotted: str) -> Any:
    # bool is an int subclass: `true` must not pass for a number, nor 1 for a flag.
    if expected is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if not math.isfinite(value):
                raise ConfigError(f"{source}: {dotted}: must be a finite number")
            return float(value)
        raise ConfigError(
            f"{source}: {dotted}: must be a number; got {_describe(value)}"
        )
    if expected is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise ConfigError(
            f"{source}: {dotted}: must be an integer; got {_describe(value)}"
        )
    if expected is bool:
        if isinstance(value, bool):
            return value
        raise ConfigError(
            f"{source}: {dotted}: must be true or false; got {_describe(value)}"
        )
    if expected is tuple:
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(value)
        raise ConfigError(
            f"{source}: {dotted}: must be a list of strings; got {_describe(value)}"
        )
    if isinstance(value, str):
        return value
    raise ConfigError(f"{source}: {dotted}: must be a string; got {_describe(value)}")


def _check_ranges(settings: Settings, source: str) -> None:
    def fail(key: str, rule: str, got: Any) -> None:
        raise ConfigError(f"{source}: {key}: must be {rule}; got {got!r}")

    scoring = settings.scoring
    if scoring.idle_cap_s <= 0:
        fail("scoring.idle_cap_s", "> 0 seconds", scoring.idle_cap_s)
    if scoring.last_step_s < 0:
        fail("scoring.last_step_s", ">= 0 seconds", scoring.last_step_s)
    if not 0 < scoring.working_days_per_month <= 31:
        fail(
            "scoring.working_days_per_month",
            "in (0, 31]",
            scoring.working_days_per_month,
        )
    if scoring.hourly_cost < 0:
        fail("scoring.hourly_cost", ">= 0", scoring.hourly_cost)
    if scoring.rank_by not in RANK_KEYS:
        fail("scoring.rank_by", f"one of {', '.join(RANK_KEYS)}", scoring.rank_by)
    if scoring.top_switches < 0:
        fail("scoring.top_switches", ">= 0", scoring.top_switches)
    try:
        zoneinfo.ZoneInfo(scoring.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        fail(
            "scoring.timezone",
            "an IANA time zone such as 'Europe/Berlin'",
            scoring.timezone,
        )
    for item in fields(scoring.bot_seconds):
        if getattr(scoring.bot_seconds, item.name) < 0:
            fail(
                f"scoring.bot_seconds.{item.name}",
                ">= 0",
                getattr(scoring.bot_seconds, item.name),
            )
    weights = {
        f.name: getattr(scoring.weights, f.name) for f in fields(scoring.weights)
    }
    for name, weight in weights.items():
        if weight < 0:
            fail(f"scoring.weights.{name}", ">= 0", weight)
    if sum(weights.values()) <= 0:
        fail("scoring.weights", "above 0 for at least one factor", 0.0)
    if settings.tokens.granularity not in GRANULARITIES:
        fail(
            "tokens.granularity",
            f"one of {', '.join(GRANULARITIES)}",
            settings.tokens.granularity,
        )
    mining = settings.mining
    if mining.min_length < 1:
        fail("mining.min_length", ">= 1", mining.min_length)
    if mining.max_length < mining.min_length:
        fail(
            "mining.max_length",
            f">= mining.min_length ({mining.min_length})",
            mining.max_length,
        )
    if mining.min_instances < 2:
        fail("mining.min_instances", ">= 2", mining.min_instances)
    if mining.max_gap < 0:
        fail("mining.max_gap", ">= 0", mining.max_gap)
    if not settings.privacy.secret_env:
        fail("privacy.secret_env", "a non-empty environment variable name", "")


def _to_dict(obj: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in fields(obj):
        value = getattr(obj, item.name)
        if isinstance(value, PrivacyPolicy):
            out[item.name] = value.to_dict()
        elif is_dataclass(value):
            out[item.name] = _to_dict(value)
        else:
            out[item.name] = list(value) if isinstance(value, tuple) else value
    return out


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def _is_tables(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(v, dict) for v in value)
    )


def format_toml(data: dict[str, Any]) -> str:
    """Write nested settings (``Settings.to_dict()``) as a TOML document."""
    lines: list[str] = []

    def table(name: str, node: dict[str, Any]) -> None:
        if lines:
            lines.append("")
        lines.append(f"[{name}]")
        lines.extend(
            f"{key} = {_toml_value(value)}"
            for key, value in node.items()
            if not isinstance(value, dict) and not _is_tables(value)
        )
        for key, value in node.items():
            if isinstance(value, dict):
                table(f"{name}.{key}", value)
            elif _is_tables(value):
                for item in value:  # an array of tables, e.g. [[privacy.rules]]
                    lines.extend(["", f"[[{name}.{key}]]"])
                    lines.extend(f"{k} = {_toml_value(v)}" for k, v in item.items())

    for name, node in data.items():
        table(name, node)
    return "\n".join(lines) + "\n"
