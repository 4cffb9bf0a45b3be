"""The ``deskmine`` command line: thin commands over the library.

stdout carries the result only; progress, notes and errors go to stderr. Exit codes:
0 ok, 1 a CI rule failed, 2 bad input. Commands live in ``analysis`` (rank, show,
label, evaluate, export, report), ``recordings`` (validate, simulate, redact,
convert) and ``gate`` (ci); importing them registers them on `app`.
"""

from __future__ import annotations

from discover.cli import analysis, gate, recordings  # noqa: F401  (registers commands)
from discover.cli._shared import app

__all__ = ["app"]
