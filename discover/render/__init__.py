"""Renderers of the ranked report: table, JSON, Markdown, CSV, and one candidate.

Each takes the same ``models.RankedReport`` and returns text; none reads a clock, so
the same report renders to the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from discover.render.csv_report import render_csv
from discover.render.detail import render_detail
from discover.render.json_report import render_json
from discover.render.markdown import render_markdown
from discover.render.table import render_table
from models import RankedReport

#: Report format name -> renderer (``deskmine rank --format``).
RENDERERS: Mapping[str, Callable[[RankedReport], str]] = MappingProxyType(
    {
        "table": render_table,
        "json": render_json,
        "markdown": render_markdown,
        "csv": render_csv,
    }
)


def render_report(report: RankedReport, fmt: str) -> str:
    """Render `report` in format `fmt` (a key of :data:`RENDERERS`).

    Raises
    ------
    ValueError
        When `fmt` is not a known format.
    """
    try:
        renderer = RENDERERS[fmt]
    except KeyError:
        known = ", ".join(RENDERERS)
        raise ValueError(f"fmt must be one of {known}; got {fmt!r}") from None
    return renderer(report)


__all__ = [
    "RENDERERS",
    "render_csv",
    "render_detail",
    "render_json",
    "render_markdown",
    "render_report",
    "render_table",
]
