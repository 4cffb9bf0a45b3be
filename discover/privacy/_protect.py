"""Apply a privacy policy to an event table, right after reading.

Steps, in order (each counted in the report):

1. drop the events of denied apps, URLs and windows (and of apps or URLs not allowed);
2. remove values typed into password-like fields, hash included;
3. hash every remaining value (``value_hash``, HMAC under the project secret);
4. empty the ``drop_fields``, hash the ``hash_fields``;
5. apply the policy's ``[[privacy.rules]]``, in order, then its ``names_file``;
6. hide typed and copied values where they reappear in titles, labels and URLs;
7. strip credentials from URLs and mask (or drop) query and fragment values;
8. run the built-in detectors on the remaining text columns;
9. pseudonymise user names, in ``user`` and wherever they appear in text;
10. mask the values (analysis), remove them (redacted copies) or keep them (opt-in).

Text is rewritten per distinct value, not per row (``_text.py``).
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pandas as pd

from discover.detectors import PASSWORD_CSS, PASSWORD_FIELD, redact_text
from discover.privacy._policy import PrivacyPolicy
from discover.privacy._report import RedactionReport, sorted_counts
from discover.privacy._secret import (
    DEFAULT_SECRET,
    hash_value,
    mask_value,
    pseudonymise_user,
    resolve_secret,
)
from discover.privacy._text import (
    check_texts,
    echo_rewriter,
    glob_rows,
    names_rewriter,
    rewrite_texts,
    rewrite_texts_counted,
    search_rows,
    user_name_rewriter,
)
from models.events import TEXT_COLUMNS, VALUE_ACTIONS
from models.keys import KEY_ACTIONS, is_command_chord

#: What happens to values: masked (analysis), removed (redacted copies) or kept.
VALUE_MODES: tuple[str, ...] = ("mask", "remove", "keep")
#: Columns the detectors, rules and user-name replacement read (``value`` only when
#: values are kept in clear; otherwise it is masked or removed anyway).
DETECTED_COLUMNS: tuple[str, ...] = (
    "session",
    *(c for c in TEXT_COLUMNS if c != "value"),
)
_PASSWORD_COLUMNS = tuple(
    f"target_{name}" for name in ("role", "name", "id", "automation_id", "label")
)
_URL_CREDENTIALS = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*://)[^/?#@\s]*@")
_URL_QUERY_VALUE = re.compile(r"=([^&;#]+)")

Counts = Counter


def protect_events(
    events: pd.DataFrame,
    *,
    keep_values: bool = False,
    secret: bytes | None = None,
    policy: PrivacyPolicy | None = None,
) -> pd.DataFrame:
    """Return a copy of `events` with the privacy policy applied.

    Parameters
    ----------
    events : pandas.DataFrame
        An event table (``models.events.EVENT_COLUMNS``).
    keep_values : bool, default=False
        Keep ``value`` in clear (the user opted in); overrides the policy's
        ``keep_values`` when True.
    secret : bytes or None, default=None
        Hash key; None reads it with `resolve_secret` from the policy's settings.
    policy : PrivacyPolicy or None, default=None
        None uses the defaults (detectors on, users pseudonymised, values masked).

    Returns
    -------
    pandas.DataFrame
        The protected table; dropped events are gone. Use :func:`apply_privacy` to
        get the report too.
    """
    events, _ = apply_privacy(events, policy, keep_values=keep_values, secret=secret)
    return events


def apply_privacy(
    events: pd.DataFrame,
    policy: PrivacyPolicy | None = None,
    *,
    keep_values: bool = False,
    secret: bytes | None = None,
    values: str | None = None,
) -> tuple[pd.DataFrame, RedactionReport]:
    """Apply `policy` to an event table and count everything it changed.

    Parameters
    ----------
    events : pandas.DataFrame
        An event table (``models.events.EVENT_COLUMNS``); not modified.
    policy : PrivacyPolicy or None, default=None
        None uses ``PrivacyPolicy()``.
    keep_values : bool, default=False
        When True, values are kept in clear whatever the policy says.
    secret : bytes or None, default=None
        Key of value hashes and user pseudonyms; None resolves it from the policy's
        ``secret_env`` and ``secret_file``.
    values : {"mask", "remove", "keep"} or None, default=None
        What happens to ``value`` after hashing; None means ``keep`` when values are
        kept (policy or `keep_values`), else ``mask``. ``deskmine redact`` removes.

    Returns
    -------
    pandas.DataFrame
        The protected table, index reset.
    RedactionReport
        Counts per step, rule and field.

    Examples
    --------
    >>> from models.events import conform_event_table
    >>> raw = conform_event_table(pd.DataFrame({
    ...     "event_id": ["a:1"], "ts": ["2026-03-02T09:00:00Z"], "user": ["anna"],
    ...     "app": ["Outlook"], "action": ["type"],
    ...     "window": ["Re: invoice - anna@example.org"], "value": ["4711"]}))
    >>> safe, report = apply_privacy(raw, secret=b"k")
    >>> safe.loc[0, "window"], safe.loc[0, "value"]
    ('Re: invoice - <email>', '••••')
    >>> for count in report.counts:
    ...     print(count.label)
    email in window: 1
    user names pseudonymised (distinct users): 1
    values hashed: 1
    values masked: 1
    """
    policy = policy if policy is not None else PrivacyPolicy()
    if secret is None:
        secret, configured = resolve_secret(policy.secret_env, policy.secret_file)
    else:
        configured = secret != DEFAULT_SECRET
    kept = keep_values or policy.keep_values
    if values is None:
        values = "keep" if kept else "mask"
    if values not in VALUE_MODES:
        raise ValueError(
            f"values must be one of {', '.join(VALUE_MODES)}; got {values!r}"
        )
    counts: Counts = Counter()
    out = _drop_events(events, policy, counts)
    for column in out.columns:
        if isinstance(out[column].dtype, pd.CategoricalDtype):
            # A denied app (or its window title) must not survive as an unused
            # category.
            out[column] = out[column].cat.remove_unused_categories()
    detectors = policy.detectors
    if "password" in detectors:
        _remove_passwords(out, counts)
    _hash_values(out, secret, counts)
    for column in policy.drop_fields:
        counts["drop_field", "drop_fields", column] += int(out[column].notna().sum())
        out[column] = None
    for column in policy.hash_fields:
        out[column], found = rewrite_texts(
            out[column], lambda text: (hash_value(text, secret), 1)
        )
        counts["hash_field", "hash_fields", column] += found
    text_columns = [
        c
        for c in (*DETECTED_COLUMNS, *(("value",) if values == "keep" else ()))
        if c not in policy.drop_fields and c not in policy.hash_fields
    ]
    _apply_rules(out, policy, text_columns, counts)
    if policy.names_file:
        hide_names = names_rewriter(policy.names())
        for column in text_columns:
            out[column], found = rewrite_texts(out[column], hide_names)
            counts["names", "names_file", column] += found
    if policy.hide_value_echoes and values != "keep":
        is_value = events["action"].isin(VALUE_ACTIONS).to_numpy()
        typed = events["value"][is_value & events["value"].notna().to_numpy()]
        hide = echo_rewriter(str(v) for v in pd.unique(typed))
        for column in text_columns:
            out[column], found = rewrite_texts(out[column], hide)
            counts["echo", "typed or copied values", column] += found
    if "url" in text_columns:
        _clean_urls(out, policy, "password" in detectors, counts)
    for column in text_columns:
        out[column], found = rewrite_texts_counted(
            out[column], lambda text: redact_text(text, detectors)
        )
        for name, n in found.items():
            counts["detector", name, column] += n
    if policy.pseudonymise_users:
        _pseudonymise_users(out, secret, text_columns, counts)
    chords = _command_chords(out) if values != "keep" else None
    present = out["value"].notna()
    if chords is not None and chords.any():
        present &= ~chords
        counts["value", "key chords kept", "value"] += int(chords.sum())
    if values == "mask":
        masked, _ = rewrite_texts(out["value"], lambda v: (mask_value(v), 0))
        out["value"] = _keep_where(chords, out["value"], masked)
        counts["value", "masked", "value"] += int(present.sum())
    elif values == "remove":
        out["value"] = _keep_where(chords, out["value"], None)
        counts["value", "removed", "value"] += int(present.sum())
    else:
        counts["value", "kept in clear", "value"] += int(present.sum())
    report = RedactionReport(
        n_events_in=len(events),
        n_events_out=len(out),
        counts=sorted_counts(counts),
        secret_configured=configured,
        policy=report_policy(policy, values),
    )
    return out, report


def report_policy(policy: PrivacyPolicy, values: str) -> dict:
    """The policy as the report shows it: rule patterns left out, as they may name
    the very people they hide."""
    data = policy.to_dict()
    data["values"] = values
    data["rules"] = [
        {"field": rule.field, "replace": rule.replace} for rule in policy.rules
    ]
    return data


def _drop_events(
    events: pd.DataFrame, policy: PrivacyPolicy, counts: Counts
) -> pd.DataFrame:
    keep = np.ones(len(events), dtype=bool)
    lists = (
        ("app", "deny_apps", policy.deny_apps),
        ("url", "deny_urls", policy.deny_urls),
        ("window", "deny_windows", policy.deny_windows),
    )
    for column, name, patterns in lists:
        for pattern in patterns:
            hit = keep & glob_rows(events[column], (pattern,))
            counts["drop_events", f"{name} '{pattern}'", "events"] += int(hit.sum())
            keep &= ~hit
    for column, name, patterns in (
        ("app", "allow_apps", policy.allow_apps),
        ("url", "allow_urls", policy.allow_urls),
    ):
        if not patterns:
            continue
        present = check_texts(events[column], lambda text: text != "")
        hit = keep & present & ~glob_rows(events[column], patterns)
        counts["drop_events", f"{name} (not listed)", "events"] += int(hit.sum())
        keep &= ~hit
    # copy-on-write: the protected table shares the columns it does not change
    if keep.all():
        return events.reset_index(drop=True)
    return events.loc[keep].reset_index(drop=True)


def _remove_passwords(out: pd.DataFrame, counts: Counts) -> None:
    secret_field = np.zeros(len(out), dtype=bool)
    for column in _PASSWORD_COLUMNS:
        secret_field |= search_rows(out[column], PASSWORD_FIELD)
    secret_field |= search_rows(out["target_css"], PASSWORD_CSS)
    for column in ("value", "value_hash"):
        hit = secret_field & out[column].notna().to_numpy()
        counts["password", "password field", column] += int(hit.sum())
        if hit.any():  # else no write, and no copy of the column
            out.loc[hit, column] = None


def _command_chords(out: pd.DataFrame) -> np.ndarray:
    """Rows whose value is a hotkey's command chord (ctrl+s, F5), not typed text.

    Chords say what a step does and are kept in clear; a key that types a
    character ("a", "shift+a") is text and is masked like any value.
    """
    keyed = out["action"].isin(KEY_ACTIONS).to_numpy() & out["value"].notna().to_numpy()
    if not keyed.any():
        return keyed
    values = out["value"].to_numpy()[keyed]
    chords = {v for v in pd.unique(values) if is_command_chord(v)}
    found = np.zeros(len(out), dtype=bool)
    found[keyed] = [v in chords for v in values]
    return found


def _keep_where(
    keep: np.ndarray | None, original: pd.Series, replaced: pd.Series | None
) -> pd.Series:
    """`replaced`, except the rows `keep` marks, which keep `original`."""
    if replaced is None:
        replaced = pd.Series(
            np.full(len(original), None, dtype=object), index=original.index
        )
    if keep is None or not keep.any():
        return replaced
    merged = np.where(keep, original.astype(object), replaced.astype(object))
    return pd.Series(merged, index=original.index, dtype=object)


def _hash_values(out: pd.DataFrame, secret: bytes, counts: Counts) -> None:
    missing = out["value"].notna() & out["value_hash"].isna()
    hashes = {
        value: hash_value(str(value), secret)
        for value in pd.unique(out["value"][missing])
    }
    if missing.any():
        out.loc[missing, "value_hash"] = out["value"][missing].map(hashes)
    counts["value", "hashed", "value"] += int(missing.sum())


def _apply_rules(
    out: pd.DataFrame, policy: PrivacyPolicy, text_columns: list[str], counts: Counts
) -> None:
    for index, rule in enumerate(policy.rules):
        compiled = re.compile(rule.pattern)
        name = f"rules[{index}] ({rule.replace})"
        for column in rule.columns:
            if column not in text_columns:
                continue
            out[column], found = rewrite_texts(
                out[column], lambda text, c=compiled, r=rule.replace: c.subn(r, text)
            )
            counts["rule", name, column] += found


def _clean_urls(
    out: pd.DataFrame, policy: PrivacyPolicy, credentials: bool, counts: Counts
) -> None:
    if credentials:
        out["url"], found = rewrite_texts(
            out["url"], lambda text: _URL_CREDENTIALS.subn(r"\1<userinfo>@", text)
        )
        counts["url", "credentials", "url"] += found
    if policy.url_query == "keep":
        return

    def clean(text: str) -> tuple[str, int]:
        cut = min((i for i in (text.find("?"), text.find("#")) if i >= 0), default=-1)
        if cut < 0:
            return text, 0
        if policy.url_query == "drop":
            return text[:cut], 1
        rest, found = _URL_QUERY_VALUE.subn("=<v>", text[cut:])
        return text[:cut] + rest, found

    out["url"], found = rewrite_texts(out["url"], clean)
    step = "query values masked" if policy.url_query == "mask" else "queries dropped"
    counts["url", step, "url"] += found


def _pseudonymise_users(
    out: pd.DataFrame, secret: bytes, text_columns: list[str], counts: Counts
) -> None:
    users = out["user"].astype("category").array
    labels = [str(u) for u in users.categories]
    names = sorted({label for label in labels if label})
    pseudonyms = {name: pseudonymise_user(name, secret) for name in names}
    # per distinct user, not per row: a table of millions of events has few users
    new = np.array([pseudonyms.get(label, label) for label in labels], dtype=object)
    ordered = sorted(set(new.tolist()))
    index = {user: i for i, user in enumerate(ordered)}
    position = np.array([index[u] for u in new] + [-1], dtype=np.int64)
    out["user"] = pd.Categorical.from_codes(
        position[users.codes],  # code -1 (missing) takes the appended -1
        categories=pd.Index(ordered, dtype="str"),
    )
    counts["user", "pseudonymised", "user"] += len(names)
    replace = user_name_rewriter(names, secret)
    for column in text_columns:
        out[column], found = rewrite_texts(out[column], replace)
        counts["user", "user name", column] += found
