"""The privacy policy: what is dropped, hashed, replaced or kept (``[privacy]``).

The policy is code reviewed like code: a TOML table, every key checked, defaults that
protect. A minimal policy file that adds a rule for customer names::

    [privacy]
    deny_apps = ["KeePass*", "Signal*"]

    [[privacy.rules]]
    field = "window"
    pattern = "Customer: [^-]+"
    replace = "Customer: <customer>"
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from discover.detectors import DETECTOR_NAMES
from discover.errors import ConfigError
from models.events import TARGET_FIELDS, TEXT_COLUMNS

#: Columns that drop, hash and rule settings may name (free text of the recording).
POLICY_FIELDS: tuple[str, ...] = ("session", *TEXT_COLUMNS, "value_hash")
#: Shorthand a rule's ``field`` may use for every ``target_*`` column.
TARGET_SHORTHAND = "target"
#: What happens to the values of URL query strings and fragments.
URL_QUERY_MODES: tuple[str, ...] = ("mask", "drop", "keep")
#: Password managers: their windows show secrets, so their events are dropped.
DEFAULT_DENY_APPS: tuple[str, ...] = (
    "1Password*",
    "Bitwarden*",
    "Dashlane*",
    "KeePass*",
    "Keychain Access*",
    "LastPass*",
)


@dataclass(frozen=True, slots=True)
class RedactionRule:
    """A regular-expression replacement in one column (``[[privacy.rules]]``).

    Attributes
    ----------
    field : str
        A column from :data:`POLICY_FIELDS` (not ``value_hash``), or ``target`` for
        every ``target_*`` column.
    pattern : str
        A Python regular expression.
    replace : str, default="<redacted>"
        The replacement; ``\\1`` and ``\\g<name>`` refer to groups of `pattern`.

    A rule on ``value`` only matters when values are kept in clear; otherwise they
    are masked or removed anyway.
    """

    field: str
    pattern: str
    replace: str = "<redacted>"

    @property
    def columns(self) -> tuple[str, ...]:
        """The event-table columns the rule applies to."""
        if self.field == TARGET_SHORTHAND:
            return tuple(f"target_{name}" for name in TARGET_FIELDS)
        return (self.field,)

    def to_dict(self) -> dict[str, str]:
        """Return the rule as its ``[[privacy.rules]]`` table."""
        return {"field": self.field, "pattern": self.pattern, "replace": self.replace}


@dataclass(frozen=True, slots=True)
class PrivacyPolicy:
    """Privacy by default, as code: every setting of the ``[privacy]`` table.

    Attributes
    ----------
    keep_values : bool, default=False
        Keep typed and copied values in clear (opt-in); detectors and rules still
        apply to them. Otherwise values are hashed, then masked (analysis) or removed
        (``deskmine redact``).
    secret_env : str, default="DESKMINE_SECRET"
        Environment variable holding the hashing secret, or a path to a file with it.
    secret_file : str, default=""
        File holding the secret, used when `secret_env` is unset.
    pseudonymise_users : bool, default=True
        Replace each user name by ``user-<keyed hash>``, the same pseudonym for the
        same name under one secret, and replace the user names where they appear in
        text columns (home folders, signatures).
    detectors : tuple of str, default=every detector
        Built-in detectors to run (:data:`discover.detectors.DETECTOR_NAMES`);
        ``[]`` turns them all off.
    allow_apps, deny_apps : tuple of str
        Globs (``fnmatch``, case-insensitive) on ``app``. Events of a denied app, or
        of an app not allowed when `allow_apps` is not empty, are dropped and
        counted. `deny_apps` defaults to :data:`DEFAULT_DENY_APPS`.
    allow_urls, deny_urls : tuple of str, default=()
        The same on ``url``; events without a URL are never dropped by these.
    deny_windows : tuple of str, default=()
        Globs on ``window`` (private browsing, HR portals).
    drop_fields : tuple of str, default=()
        Columns emptied entirely.
    hash_fields : tuple of str, default=()
        Columns replaced by the keyed hash of their text (equal texts stay equal).
    url_query : str, default="mask"
        ``mask``: query and fragment values become ``<v>``; ``drop``: query and
        fragment are removed; ``keep``: unchanged.
    rules : tuple of RedactionRule, default=()
        Replacements applied in order, before the detectors.
    names_file : str, default=""
        A UTF-8 text file with one name per line (customers, employees; ``#``
        starts a comment line): each is replaced by ``<name>`` wherever it appears
        in text, case ignored. A relative path is taken from the folder of the
        config file. Keep the list out of the config: it is personal data itself.
    hide_value_echoes : bool, default=True
        Replace typed and copied values (4 to 200 characters) where they appear
        again in titles, labels and URLs by ``<value>``; off when values are kept.
    """

    keep_values: bool = False
    secret_env: str = "DESKMINE_SECRET"
    secret_file: str = ""
    pseudonymise_users: bool = True
    detectors: tuple[str, ...] = DETECTOR_NAMES
    allow_apps: tuple[str, ...] = ()
    deny_apps: tuple[str, ...] = DEFAULT_DENY_APPS
    allow_urls: tuple[str, ...] = ()
    deny_urls: tuple[str, ...] = ()
    deny_windows: tuple[str, ...] = ()
    drop_fields: tuple[str, ...] = ()
    hash_fields: tuple[str, ...] = ()
    url_query: str = "mask"
    rules: tuple[RedactionRule, ...] = ()
    names_file: str = ""
    hide_value_echoes: bool = True

    def names(self) -> tuple[str, ...]:
        """The names listed in `names_file` (none when it is not set).

        Raises
        ------
        ConfigError
            The file cannot be read as UTF-8 text.
        """
        if not self.names_file:
            return ()
        path = Path(self.names_file)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else str(exc)
            raise ConfigError(
                f"{path}: privacy.names_file: cannot read the names: {reason}"
            ) from None
        lines = (line.strip() for line in text.splitlines())
        return tuple(line for line in lines if line and not line.startswith("#"))

    @classmethod
    def from_dict(
        cls,
        data: dict[str, Any],
        path: str = "options",
        base: PrivacyPolicy | None = None,
    ) -> PrivacyPolicy:
        """Build a policy from a parsed ``[privacy]`` table, checking every key.

        Parameters
        ----------
        data : dict
            The table, as ``tomllib`` returns it.
        path : str, default="options"
            Where the table comes from; every message starts with it.
        base : PrivacyPolicy or None, default=None
            Values for keys `data` does not set; None uses the defaults.

        Returns
        -------
        PrivacyPolicy

        Raises
        ------
        ConfigError
            A key is unknown, a value has the wrong type, names an unknown column
            or detector, or a rule's pattern does not compile.

        Examples
        --------
        >>> PrivacyPolicy.from_dict({"deny_apps": ["KeePass*"]}).deny_apps
        ('KeePass*',)
        >>> try:
        ...     PrivacyPolicy.from_dict({"keep_value": True}, "deskmine.toml")
        ... except ConfigError as exc:
        ...     print(exc)
        deskmine.toml: privacy.keep_value: unknown key; did you mean 'keep_values'?
        """
        if not isinstance(data, dict):
            raise ConfigError(
                f"{path}: privacy: must be a table ([privacy]); got {_describe(data)}"
            )
        policy = base if base is not None else cls()
        known = [f.name for f in fields(cls)]
        changes: dict[str, Any] = {}
        for key in sorted(data):
            if key not in known:
                raise ConfigError(
                    f"{path}: privacy.{key}: unknown key{_hint(key, known)}"
                )
            changes[key] = _PARSERS[key](data[key], path, f"privacy.{key}")
        names_file = changes.get("names_file")
        if names_file and not Path(names_file).is_absolute() and Path(path).is_file():
            # Relative to the config file, not to wherever deskmine runs.
            changes["names_file"] = str(Path(path).parent / names_file)
        return replace(policy, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Return the policy with the shape of the ``[privacy]`` TOML table."""
        out: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name == "rules":
                out[item.name] = [rule.to_dict() for rule in value]
            elif isinstance(value, tuple):
                out[item.name] = list(value)
            else:
                out[item.name] = value
        return out


def _hint(word: str, known: list[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, sorted(known), n=1, cutoff=0.6)
    if close:
        return f"; did you mean '{close[0]}'?"
    return f"; known keys: {', '.join(sorted(known))}"


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a table"
    return f"{type(value).__name__} {value!r}"


def _bool(value: Any, path: str, key: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(
            f"{path}: {key}: must be true or false; got {_describe(value)}"
        )
    return value


def _text(value: Any, path: str, key: str) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{path}: {key}: must be a string; got {_describe(value)}")
    return value


def _non_empty_text(value: Any, path: str, key: str) -> str:
    text = _text(value, path, key)
    if not text:
        raise ConfigError(
            f"{path}: {key}: must be a non-empty environment variable name; got ''"
        )
    return text


def _strings(value: Any, path: str, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(
            f"{path}: {key}: must be a list of strings; got {_describe(value)}"
        )
    return tuple(value)


def _choices(
    value: Any, path: str, key: str, allowed: tuple[str, ...], what: str
) -> tuple[str, ...]:
    items = _strings(value, path, key)
    for item in items:
        if item not in allowed:
            close = difflib.get_close_matches(item, allowed, n=1, cutoff=0.6)
            fix = (
                f"did you mean '{close[0]}'?"
                if close
                else f"known: {', '.join(allowed)}"
            )
            raise ConfigError(f"{path}: {key}: unknown {what} '{item}'; {fix}")
    return items


def _detectors(value: Any, path: str, key: str) -> tuple[str, ...]:
    chosen = set(_choices(value, path, key, DETECTOR_NAMES, "detector"))
    return tuple(name for name in DETECTOR_NAMES if name in chosen)


def _columns(value: Any, path: str, key: str) -> tuple[str, ...]:
    return _choices(value, path, key, POLICY_FIELDS, "field")


def _hash_columns(value: Any, path: str, key: str) -> tuple[str, ...]:
    allowed = tuple(c for c in POLICY_FIELDS if c not in ("value", "value_hash"))
    return _choices(value, path, key, allowed, "field")


def _url_query(value: Any, path: str, key: str) -> str:
    text = _text(value, path, key)
    if text not in URL_QUERY_MODES:
        raise ConfigError(
            f"{path}: {key}: must be one of {', '.join(URL_QUERY_MODES)}; got {text!r}"
        )
    return text


def _rules(value: Any, path: str, key: str) -> tuple[RedactionRule, ...]:
    if not isinstance(value, list):
        raise ConfigError(
            f"{path}: {key}: must be an array of tables ([[privacy.rules]]); "
            f"got {_describe(value)}"
        )
    return tuple(_rule(item, path, f"{key}[{i}]") for i, item in enumerate(value))


def _rule(item: Any, path: str, key: str) -> RedactionRule:
    if not isinstance(item, dict):
        raise ConfigError(f"{path}: {key}: must be a table; got {_describe(item)}")
    known = ("field", "pattern", "replace")
    for name in sorted(item):
        if name not in known:
            raise ConfigError(f"{path}: {key}.{name}: unknown key{_hint(name, known)}")
    for name in ("field", "pattern"):
        if name not in item:
            raise ConfigError(f"{path}: {key}.{name}: missing; a rule needs {name}")
    allowed = (*(c for c in POLICY_FIELDS if c != "value_hash"), TARGET_SHORTHAND)
    column = _choices(
        [_text(item["field"], path, f"{key}.field")],
        path,
        f"{key}.field",
        allowed,
        "field",
    )[0]
    pattern = _text(item["pattern"], path, f"{key}.pattern")
    replacement = _text(item.get("replace", "<redacted>"), path, f"{key}.replace")
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise ConfigError(
            f"{path}: {key}.pattern: not a valid regular expression: {exc}"
        ) from None
    if compiled.match(""):
        raise ConfigError(
            f"{path}: {key}.pattern: matches the empty string, so it would insert "
            f"'{replacement}' between every character; got {pattern!r}"
        )
    try:
        compiled.sub(replacement, "")  # the template is checked even with no match
    except (re.error, IndexError) as exc:
        raise ConfigError(
            f"{path}: {key}.replace: not a valid replacement: {exc}"
        ) from None
    return RedactionRule(field=column, pattern=pattern, replace=replacement)


_PARSERS = {
    "keep_values": _bool,
    "secret_env": _non_empty_text,
    "secret_file": _text,
    "pseudonymise_users": _bool,
    "detectors": _detectors,
    "allow_apps": _strings,
    "deny_apps": _strings,
    "allow_urls": _strings,
    "deny_urls": _strings,
    "deny_windows": _strings,
    "drop_fields": _columns,
    "hash_fields": _hash_columns,
    "url_query": _url_query,
    "rules": _rules,
    "hide_value_echoes": _bool,
    "names_file": _text,
}
