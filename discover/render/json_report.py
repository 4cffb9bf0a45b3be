"""The ranked report as one JSON object (``models/schemas/report.schema.json``)."""

from __future__ import annotations

import json

from models import RankedReport


def render_json(report: RankedReport) -> str:
    """Render the report as indented JSON, keys in contract order, newline-ended.

    Parameters
    ----------
    report : RankedReport

    Returns
    -------
    str
        ``RankedReport.to_dict()`` as JSON; the same report gives the same bytes.

    Raises
    ------
    ValueError
        When a figure is NaN or infinite (a scoring bug, never silently written).
    """
    return (
        json.dumps(report.to_dict(), indent=2, ensure_ascii=False, allow_nan=False)
        + "\n"
    )
