"""Privacy applied right after reading: values hashed with a key, then masked.

Typed and copied text never travels past this point unless the user opts in with
``keep_values``. ``value_hash`` is an HMAC-SHA256 of the value under a per-project
secret, so a copy can be linked to its paste without anyone reading the text, and
the hash cannot be reversed by hashing guesses without the secret.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

import pandas as pd

#: Environment variable holding the per-project secret (or a path to a file with it).
SECRET_ENV = "DESKMINE_SECRET"
#: Used when no secret is configured, so runs stay reproducible; the report says so.
DEFAULT_SECRET = b"deskmine-default-secret: set DESKMINE_SECRET for your project"
_HASH_HEX = 16


def resolve_secret(env: str = SECRET_ENV) -> tuple[bytes, bool]:
    """The hashing key and whether it came from the user (env value or file path)."""
    raw = os.environ.get(env)
    if not raw:
        return DEFAULT_SECRET, False
    candidate = Path(raw)
    if len(raw) < 4096 and candidate.is_file():
        return candidate.read_bytes().strip(), True
    return raw.encode("utf-8"), True


def hash_value(value: str, secret: bytes) -> str:
    """Keyed hash of `value`: ``h:`` and 16 hex digits of HMAC-SHA256."""
    digest = hmac.new(secret, value.encode("utf-8"), hashlib.sha256).hexdigest()
    return "h:" + digest[:_HASH_HEX]


def mask_value(value: str) -> str:
    """Mask that keeps only the length (bounded), which bot-time estimates use."""
    return "•" * min(len(value), 64)


def protect_events(
    events: pd.DataFrame, *, keep_values: bool = False, secret: bytes | None = None
) -> pd.DataFrame:
    """Return a copy of `events` with ``value_hash`` filled and ``value`` masked.

    Parameters
    ----------
    events : pandas.DataFrame
        An event table.
    keep_values : bool, default=False
        Keep ``value`` in clear (the user opted in).
    secret : bytes or None, default=None
        Hash key; None reads it with `resolve_secret`.

    Returns
    -------
    pandas.DataFrame
    """
    if secret is None:
        secret, _ = resolve_secret()
    out = events.copy()
    values = out["value"]
    present = values.notna()
    hashes = out["value_hash"].copy()
    missing = present & hashes.isna()
    hashes[missing] = [hash_value(str(v), secret) for v in values[missing]]
    out["value_hash"] = hashes
    if not keep_values:
        out.loc[present, "value"] = [mask_value(str(v)) for v in values[present]]
    return out
