"""Markup primitives for the HTML report: one escaping helper, an element builder.

Every piece of recorded text reaches the page through :func:`esc`; elements are built
with :func:`tag`, which escapes attribute values and any child that is not already
:class:`Markup`. So a label such as ``<script>`` is text, never an element.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping

# C0/C1 controls (bar tab, newline, carriage return) and lone surrogates are not
# allowed in HTML text and break XML tools: they become U+FFFD.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_VOID = frozenset({"br", "hr", "img", "input", "link", "meta", "wbr"})


class Markup(str):
    """Text that is safe to place in HTML as is: made by :func:`esc` or :func:`tag`."""

    __slots__ = ()


def esc(value: object) -> Markup:
    """Escape `value` for HTML text or a quoted attribute; Markup passes unchanged.

    >>> esc('<b title="x">&')
    '&lt;b title=&quot;x&quot;&gt;&amp;'
    """
    if isinstance(value, Markup):
        return value
    text = value if isinstance(value, str) else str(value)
    return Markup(html.escape(_UNSAFE.sub("\ufffd", text), quote=True))


def number(value: float, digits: int = 1) -> str:
    """Fixed-point text of `value` without trailing zeros (``2.50`` -> ``"2.5"``).

    >>> number(2.0), number(-0.04), number(1234.567, 2)
    ('2', '0', '1234.57')
    """
    if not math.isfinite(value):
        return "0"
    text = f"{value:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def _attribute(value: object) -> str:
    if isinstance(value, float):
        return number(value, 2)
    return str(value)


def tag(name: str, attrs: dict[str, object] | None = None, *children: object) -> Markup:
    """Build one element; attribute values and non-Markup children are escaped.

    Attributes keep the order given (callers pass a fixed order, so output is
    stable); ``None`` and ``False`` drop an attribute, ``True`` writes it bare.

    >>> tag("a", {"href": "#c1", "title": None}, "<1>", tag("b", None, "x"))
    '<a href="#c1">&lt;1&gt;<b>x</b></a>'
    """
    parts = ["<", name]
    for key, value in (attrs or {}).items():
        if value is None or value is False:
            continue
        if value is True:
            parts.append(f" {key}")
        else:
            parts.append(f' {key}="{esc(_attribute(value))}"')
    if name in _VOID:
        parts.append(">")
        return Markup("".join(parts))
    parts.append(">")
    parts.extend(esc(child) for child in children if child is not None)
    parts.append(f"</{name}>")
    return Markup("".join(parts))


def join(children: list[Markup] | tuple[Markup, ...], separator: str = "") -> Markup:
    """Concatenate markup pieces (the separator is escaped)."""
    return Markup(esc(separator).join(esc(child) for child in children))


def shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` characters with an ellipsis; full text goes in titles.

    >>> shorten("Excel: copy cell A", 10)
    'Excel: co…'
    """
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"


def figure_box(label: str, value: str) -> Markup:
    """A labelled figure for a ``<dl class="figures">``."""
    return tag(
        "div", {"class": "figure-box"}, tag("dt", None, label), tag("dd", None, value)
    )


def figure(caption: str, chart: Markup, note: str = "") -> Markup:
    """A captioned chart in a horizontally scrolling box."""
    return tag(
        "figure",
        None,
        tag("figcaption", None, caption),
        tag("div", {"class": "scroll"}, chart),
        tag("p", {"class": "note"}, note) if note else None,
    )


def plain(value: object) -> str:
    """Short readable text of a setting or figure.

    >>> plain({"b": 0.25, "a": True}), plain([{"from": "A", "to": "B", "count": 3}])
    ('a yes, b 0.25', 'A → B (3)')
    """
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return number(value, 4)
    if isinstance(value, (list, tuple)):
        nested = any(isinstance(v, Mapping) for v in value)
        return ("; " if nested else ", ").join(plain(v) for v in value)
    if isinstance(value, Mapping):
        if {"from", "to", "count"} <= set(value):
            return f"{value['from']} → {value['to']} ({value['count']})"
        return ", ".join(f"{k} {plain(v)}" for k, v in sorted(value.items()))
    return str(value)


def money(value: float, currency: str) -> str:
    """Whole units with thousands separators, then the currency."""
    return f"{value:,.0f} {currency}".strip()


def hours(value: float) -> str:
    """Hours with one decimal and thousands separators."""
    return f"{value:,.1f}"


# --------------------------------------------------------------------------- events
