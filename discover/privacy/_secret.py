"""The project secret and the keyed hashes made with it.

``value_hash`` is an HMAC-SHA256 of the value under a per-project secret, so a copy
can be linked to its paste without anyone reading the text, and the hash cannot be
reversed by hashing guesses without the secret. User pseudonyms use the same key with
their own prefix, so a pseudonym never equals the hash of a typed value.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

from discover.errors import ConfigError

#: Environment variable holding the per-project secret (or a path to a file with it).
SECRET_ENV = "DESKMINE_SECRET"
#: Used when no secret is configured, so runs stay reproducible; the report says so.
DEFAULT_SECRET = b"deskmine-default-secret: set DESKMINE_SECRET for your project"
_HASH_HEX = 16
_PSEUDONYM_HEX = 10
_USER_DOMAIN = b"deskmine-user\x00"


def resolve_secret(
    env: str = SECRET_ENV, file: str | Path | None = None
) -> tuple[bytes, bool]:
    """The hashing key and whether it came from the user.

    Parameters
    ----------
    env : str, default="DESKMINE_SECRET"
        Environment variable holding the secret, or the path of a file holding it.
        It wins over `file`.
    file : str, pathlib.Path or None, default=None
        A file holding the secret (``privacy.secret_file``), used when `env` is
        unset or empty.

    Returns
    -------
    bytes
        The secret, surrounding white space removed for files.
    bool
        False when neither is set and :data:`DEFAULT_SECRET` is used.

    Raises
    ------
    ConfigError
        `file` is given but cannot be read, or holds nothing.
    """
    raw = os.environ.get(env)
    if raw:
        candidate = Path(raw)
        if len(raw) < 4096 and candidate.is_file():
            return _read_secret_file(candidate, f"${env}"), True
        return raw.encode("utf-8"), True
    if file:
        return _read_secret_file(Path(file), "privacy.secret_file"), True
    return DEFAULT_SECRET, False


def _read_secret_file(path: Path, origin: str) -> bytes:
    try:
        secret = path.read_bytes().strip()
    except OSError as exc:
        raise ConfigError(
            f"{path}: {origin}: cannot read the secret file: {exc.strerror}"
        ) from None
    if not secret:
        raise ConfigError(
            f"{path}: {origin}: the secret file is empty; write a long random "
            "string into it"
        )
    return secret


def hash_value(value: str, secret: bytes) -> str:
    """Keyed hash of `value`: ``h:`` and 16 hex digits of HMAC-SHA256.

    >>> hash_value("INV-2026-0042", b"k")
    'h:a21671347e8002c7'
    """
    digest = hmac.new(secret, value.encode("utf-8"), hashlib.sha256).hexdigest()
    return "h:" + digest[:_HASH_HEX]


def pseudonymise_user(user: str, secret: bytes) -> str:
    """Stable pseudonym of a user name under `secret`: ``user-`` and 10 hex digits.

    >>> pseudonymise_user("anna.schmidt", b"k")
    'user-9506d7d2ea'
    """
    message = _USER_DOMAIN + user.encode("utf-8")
    return (
        "user-" + hmac.new(secret, message, hashlib.sha256).hexdigest()[:_PSEUDONYM_HEX]
    )


def mask_value(value: str) -> str:
    """Mask that keeps only the length (bounded), which bot-time estimates use.

    >>> mask_value("secret")
    '••••••'
    """
    return "•" * min(len(value), 64)
