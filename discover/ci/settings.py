"""``[ci]`` settings and ``--fail-on``: which rules fail the job, and their thresholds.

The lead's ``discover/config.py`` may hold the same table; ``CiSettings.from_dict``
checks it the same way whichever loads it.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from discover.errors import ConfigError

__all__ = ["RULES", "CiSettings", "apply_fail_on"]

#: Rule names, in the order results list them.
RULES: tuple[str, ...] = (
    "new-candidate",
    "value-change",
    "new-variant",
    "candidate-gone",
    "invalid-recordings",
)

#: Export targets ``export_target`` accepts (``discover.export.TARGETS``).
_TARGETS: tuple[str, ...] = ("uipath", "power-automate", "robot", "tagui", "pdd")


@dataclass(frozen=True, slots=True)
class CiSettings:
    """What ``deskmine ci`` compares and when it fails (``[ci]`` in the TOML file).

    Attributes
    ----------
    fail_on : tuple of str, default=()
        Rules (names from :data:`RULES`) that fail the job when they fire.
    match_threshold : float, default=0.6
        Least step similarity, in (0, 1], for a candidate to count as a
        baseline candidate changed rather than a new one.
    new_candidate_hours : float, default=0.0
        ``new-candidate`` fires for new candidates above this many hours a month.
    value_change_pct : float, default=25.0
        ``value-change`` fires when value per month moves by more than this.
    new_variant_runs : int, default=2
        ``new-variant`` fires for new variants followed by at least this many runs.
    gone_hours : float, default=0.0
        ``candidate-gone`` fires for baseline candidates above this many hours a
        month that are gone.
    top : int, default=10
        Candidates listed in the summary and exported with ``export_dir``.
    export_target : str, default="pdd"
        Exporter used with ``export_dir`` (uipath, power-automate, robot, tagui,
        pdd).
    link_base : str, default=""
        Prefix of links to exported skeletons in the summary, e.g. the URL of the
        repository tree or of a CI artifact; empty keeps plain relative paths.
    """

    fail_on: tuple[str, ...] = ()
    match_threshold: float = 0.6
    new_candidate_hours: float = 0.0
    value_change_pct: float = 25.0
    new_variant_runs: int = 2
    gone_hours: float = 0.0
    top: int = 10
    export_target: str = "pdd"
    link_base: str = ""

    def __post_init__(self) -> None:
        _check(self)

    def to_dict(self) -> dict[str, Any]:
        """Return the settings as TOML-ready values (``fail_on`` a list)."""
        data = asdict(self)
        data["fail_on"] = list(self.fail_on)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = "[ci]") -> CiSettings:
        """Build settings from a ``[ci]`` table; missing keys keep their default.

        Parameters
        ----------
        data : mapping
            Keys are attribute names.
        source : str, default="[ci]"
            Where `data` comes from, for error messages.

        Raises
        ------
        ConfigError
            Unknown keys, wrong types or values out of range.
        """
        if not isinstance(data, Mapping):
            raise ConfigError(f"{source}: must be a table; got {type(data).__name__}")
        defaults = cls()
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {}
        for key in sorted(data):
            if key not in known:
                close = difflib.get_close_matches(key, sorted(known), n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                raise ConfigError(f"{source}: ci.{key}: unknown key{hint}")
            values[key] = _coerce(key, data[key], getattr(defaults, key), source)
        try:
            return cls(**values)
        except ConfigError as exc:
            raise _located(exc, source) from None


def apply_fail_on(settings: CiSettings, items: Sequence[str]) -> CiSettings:
    """Return `settings` failing on the rules named in `items` (``--fail-on``).

    Each item is ``RULE`` or ``RULE=THRESHOLD``; a threshold replaces the rule's
    setting (``new-candidate=2`` sets ``new_candidate_hours``). Items given
    replace ``fail_on`` from the configuration.

    Parameters
    ----------
    settings : CiSettings
    items : sequence of str

    Returns
    -------
    CiSettings

    Raises
    ------
    ConfigError
        An unknown rule, a bad threshold, or a threshold for
        ``invalid-recordings`` (which has none).

    Examples
    --------
    >>> s = apply_fail_on(CiSettings(), ["new-candidate=2", "candidate-gone"])
    >>> s.fail_on, s.new_candidate_hours
    (('new-candidate', 'candidate-gone'), 2.0)
    """
    names: list[str] = []
    changes: dict[str, Any] = {}
    for item in items:
        name, sep, threshold = item.partition("=")
        name = name.strip()
        if name not in RULES:
            close = difflib.get_close_matches(name, RULES, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise ConfigError(
                f"--fail-on takes RULE or RULE=THRESHOLD with RULE one of "
                f"{', '.join(RULES)}; got {item!r}{hint}"
            )
        if name not in names:
            names.append(name)
        if not sep:
            continue
        setting = _THRESHOLDS.get(name)
        if setting is None:
            raise ConfigError(
                f"--fail-on {name} takes no threshold (it fires on any invalid "
                f"event); got {item!r}. Pass --fail-on {name}."
            )
        changes[setting] = _threshold(setting, threshold.strip(), item)
    return replace(settings, fail_on=tuple(names), **changes)


_THRESHOLDS = {
    "new-candidate": "new_candidate_hours",
    "value-change": "value_change_pct",
    "new-variant": "new_variant_runs",
    "candidate-gone": "gone_hours",
}


def _threshold(setting: str, text: str, item: str) -> float | int:
    try:
        value: float | int = int(text) if setting == "new_variant_runs" else float(text)
    except ValueError:
        kind = "an integer" if setting == "new_variant_runs" else "a number"
        raise ConfigError(
            f"--fail-on threshold must be {kind}; got {item!r}."
        ) from None
    try:
        replace(CiSettings(), **{setting: value})
    except ConfigError as exc:
        raise _located(exc, "--fail-on") from None
    return value


def _located(error: ConfigError, source: str) -> ConfigError:
    """The same complaint, naming where the value came from."""
    return ConfigError(str(error).replace(_DEFAULT_SOURCE, source, 1))


def _coerce(key: str, value: Any, default: Any, source: str) -> Any:
    dotted = f"{source}: ci.{key}"
    if isinstance(default, tuple):
        if isinstance(value, str) or not isinstance(value, (list, tuple)):
            raise ConfigError(f"{dotted}: must be a list of rule names; got {value!r}")
        return tuple(value)
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{dotted}: must be a number; got {value!r}")
        return float(value)
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{dotted}: must be an integer; got {value!r}")
        return value
    if not isinstance(value, str):
        raise ConfigError(f"{dotted}: must be a string; got {value!r}")
    return value


_DEFAULT_SOURCE = "[ci]"


def _check(settings: CiSettings, source: str = _DEFAULT_SOURCE) -> None:
    def fail(key: str, rule: str, got: Any) -> None:
        raise ConfigError(f"{source}: ci.{key}: must be {rule}; got {got!r}")

    unknown = [r for r in settings.fail_on if r not in RULES]
    if unknown or len(set(settings.fail_on)) != len(settings.fail_on):
        fail(
            "fail_on", f"distinct rule names from {', '.join(RULES)}", settings.fail_on
        )
    for key in ("match_threshold", "new_candidate_hours", "value_change_pct"):
        if not math.isfinite(getattr(settings, key)):
            fail(key, "a finite number", getattr(settings, key))
    if not math.isfinite(settings.gone_hours):
        fail("gone_hours", "a finite number", settings.gone_hours)
    if not 0.0 < settings.match_threshold <= 1.0:
        fail("match_threshold", "in (0, 1]", settings.match_threshold)
    for key in ("new_candidate_hours", "value_change_pct", "gone_hours"):
        if getattr(settings, key) < 0:
            fail(key, ">= 0", getattr(settings, key))
    if settings.new_variant_runs < 1:
        fail("new_variant_runs", ">= 1", settings.new_variant_runs)
    if settings.top < 1:
        fail("top", ">= 1", settings.top)
    if settings.export_target not in _TARGETS:
        fail("export_target", f"one of {', '.join(_TARGETS)}", settings.export_target)
