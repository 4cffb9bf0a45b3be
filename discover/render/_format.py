"""Number and text formatting shared by the renderers (no values, no clock)."""

from __future__ import annotations

import re

from discover.naming import scrub

_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#!~])")
#: First characters that make a spreadsheet read a cell as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def number(value: float, decimals: int = 0) -> str:
    """Format with thousands separators: ``number(12345.678, 1) == '12,345.7'``."""
    return f"{value:,.{decimals}f}"


def plain(text: object) -> str:
    """One line of text: control characters become spaces."""
    return _CONTROL.sub(" ", str(text)).strip()


def recorded(text: object) -> str:
    """Recorded UI text (labels, titles) on one line; numbers and e-mails folded.

    >>> recorded("switch to 'PO 4500078576 - ERP'")
    "switch to 'PO # - ERP'"
    """
    return scrub(plain(text))


def markdown_text(text: object) -> str:
    """Escape recorded text for Markdown so it cannot become markup or a link.

    >>> markdown_text("a|b <img> *x*")
    'a\\\\|b \\\\<img\\\\> \\\\*x\\\\*'
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", plain(text))


def csv_cell(value: object) -> str:
    """A CSV cell a spreadsheet will not run as a formula (leading ``'``).

    >>> csv_cell("=HYPERLINK(1)"), csv_cell(42)
    ("'=HYPERLINK(1)", '42')
    """
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text
