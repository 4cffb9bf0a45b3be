"""One escaper per target syntax: every user-derived text passes one before output.

Labels, selectors, URLs and titles come from recordings and may hold quotes, ``<&>``,
``${x}``, ``%``, newlines or right-to-left text. XML is escaped by lxml itself; these
functions cover the text syntaxes and the strings embedded inside XML attributes.
"""

from __future__ import annotations

import json
import re

# Every character str.splitlines() breaks on, plus the other C0/C1 controls.
_BREAKS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
# Characters XML 1.0 cannot hold at all (lxml refuses them).
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Bidirectional controls: kept out of code lines so no line reads differently than
# it parses (the "trojan source" problem); right-to-left letters themselves stay.
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def one_line(text: str, limit: int | None = None) -> str:
    """Return `text` on one line: breaks and controls become spaces, bidi marks go."""
    flat = _BIDI.sub("", _BREAKS.sub(" ", text.replace("\t", " ")))
    if limit is not None and len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    return flat


def xml_text(text: str) -> str:
    """Return `text` without the characters XML 1.0 cannot carry."""
    return _NOT_XML.sub(" ", text)


def uipath_selector_value(text: str) -> str:
    """Escape a value for a UiPath selector attribute written in single quotes.

    Examples
    --------
    >>> uipath_selector_value("Tom's <b>&")
    'Tom&apos;s &lt;b&gt;&amp;'
    """
    flat = xml_text(one_line(text))
    for raw, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("'", "&apos;")):
        flat = flat.replace(raw, entity)
    return flat.replace('"', "&quot;")


def vb_string(text: str) -> str:
    """Return a VB.NET string literal (UiPath expressions): quotes doubled."""
    return '"' + one_line(text).replace('"', '""') + '"'


def robot_cell(text: str) -> str:
    """Escape text for one Robot Framework data cell (space-separated format)."""
    flat = one_line(text)
    if not flat:
        return "${EMPTY}"
    out = flat.replace("\\", "\\\\")
    for sigil in "$@&%":
        out = out.replace(sigil + "{", "\\" + sigil + "{")
    out = out.replace("=", "\\=")
    out = re.sub(r"(?<= ) ", r"\\ ", out)  # two spaces would end the cell
    if out.startswith((" ", "#")):
        out = "\\" + out
    if out.endswith(" "):
        out = out[:-1] + "\\ "
    return out


def robot_comment(text: str) -> str:
    """Return text safe after a ``#`` comment marker (one line)."""
    return one_line(text)


def robin_string(text: str) -> str:
    """Return a Power Automate Desktop (Robin) string literal ``$'''…'''``.

    Backslashes double, apostrophes become ``\\'``, percent signs ``%%`` (a lone
    ``%`` would start a variable).

    """
    flat = one_line(text).replace("\\", "\\\\").replace("'", "\\'")
    return "$'''" + flat.replace("%", "%%") + "'''"


def robin_key(text: str) -> str:
    """Escape a UI repository name inside ``appmask['…']``."""
    return one_line(text).replace("\\", "\\\\").replace("'", "\\'")


def xpath_literal(text: str) -> str:
    """Return an XPath 1.0 string literal for `text` (``concat`` when both quotes)."""
    flat = one_line(text)
    if '"' not in flat:
        return f'"{flat}"'
    if "'" not in flat:
        return f"'{flat}'"
    parts = flat.split('"')
    pieces = []
    for index, part in enumerate(parts):
        if index:
            pieces.append("'\"'")
        pieces.append(f'"{part}"')
    return "concat(" + ", ".join(pieces) + ")"


def markdown_text(text: str, *, line_start: bool = True) -> str:
    """Escape CommonMark inline syntax, table pipes and raw HTML; one line.

    Emphasis, code, link and HTML characters are always escaped. With
    `line_start` (paragraphs, list items) so are the block markers a line could
    start with: ``#``, ``-``, ``+`` before a space, ``1.``, a line of ``=``.
    Headings and table cells pass ``line_start=False``.
    """
    flat = re.sub(r"([\\`*_\[\]|~])", r"\\\1", one_line(text))
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if not line_start:
        return flat
    flat = re.sub(r"^(\s*)([#+-])(?=\s|$)", r"\1\\\2", flat)
    flat = re.sub(r"^(\s*)(=+\s*)$", r"\1\\\2", flat)
    return re.sub(r"^(\s*\d+)([.)])(?=\s|$)", r"\1\\\2", flat)


def yaml_string(text: str) -> str:
    """Return a YAML double-quoted scalar (a JSON string, ASCII only)."""
    return json.dumps(one_line(text), ensure_ascii=True)
