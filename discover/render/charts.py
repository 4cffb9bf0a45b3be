"""Static inline SVG charts for the HTML report, drawn from plain numbers and labels.

Each function returns one ``<svg class="chart" data-chart="NAME">`` with a ``<title>``;
marks carry their own ``<title>`` so hovering shows the exact figure. Nothing here
reads pandas or deskmine models: ``discover.render.html`` prepares the data.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from discover.render._svg import Markup, esc, join, number, shorten, tag

#: Lane and series colours (colour-blind safe, Okabe-Ito without black).
PALETTE: tuple[str, ...] = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#999999",
)
#: Fill of a step by where its value comes from (``Step.value_source``).
SOURCE_COLORS: dict[str, str] = {
    "copied": "#009E73",
    "typed": "#D55E00",
    "cell": "#0072B2",
}
_FONT = 12
_CHAR_W = 7.0  # generous glyph width at _FONT px (arrows, ×), to size labels


def svg_root(
    name: str, title: str, width: float, height: float, *body: Markup
) -> Markup:
    """``<svg class="chart" data-chart=NAME>`` with its ``<title>`` first."""
    return tag(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "class": "chart",
            "data-chart": name,
            "viewBox": f"0 0 {number(width)} {number(height)}",
            "width": number(width),
            "height": number(height),
            "role": "img",
            "aria-label": title,
        },
        tag("title", None, title),
        *body,
    )


def svg_text(
    x: float, y: float, text: str, anchor: str = "start", **attrs: object
) -> Markup:
    """A ``<text>``; keyword ``class_`` becomes ``class``, ``_`` becomes ``-``."""
    base: dict[str, object] = {"x": float(x), "y": float(y), "text-anchor": anchor}
    base.update({k.rstrip("_").replace("_", "-"): v for k, v in attrs.items()})
    return tag("text", base, text)


def _link(href: str | None, child: Markup) -> Markup:
    return tag("a", {"href": href}, child) if href else child


def nice_ticks(maximum: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least `maximum`.

    >>> nice_ticks(87)
    [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
    """
    if not math.isfinite(maximum) or maximum <= 0:
        return [0.0, 1.0]
    raw = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    n = math.ceil(maximum / step - 1e-9)
    return [float(round(i * step, 10)) for i in range(n + 1)]


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its label, value, optional link and tooltip suffix."""

    label: str
    value: float
    href: str | None = None
    note: str = ""


def bar_chart(
    name: str, title: str, bars: Sequence[Bar], *, unit: str, digits: int = 1
) -> Markup:
    """Horizontal bars, one per item, the longest at the largest value.

    Parameters
    ----------
    name : str
        The ``data-chart`` name tests and styles find the chart by.
    title : str
        The chart's ``<title>`` (its accessible name).
    bars : sequence of Bar
        In display order, top first.
    unit : str
        Printed after each value ("h", "instances").
    digits : int, default=1
        Decimals of the printed values.

    Returns
    -------
    Markup
        One ``<svg class="chart">``.
    """
    label_w = min(max((len(b.label) for b in bars), default=8), 34) * _CHAR_W + 12
    width, row, top = 760.0, 24.0, 8.0
    plot_w = width - label_w - 90
    peak = max((b.value for b in bars), default=0.0)
    scale = plot_w / peak if peak > 0 else 0.0
    marks = []
    for i, bar in enumerate(bars):
        y = top + i * row
        length = max(bar.value * scale, 0.0)
        figure = f"{number(bar.value, digits)} {unit}".strip()
        tip = f"{bar.label}: {figure}" + (f" ({bar.note})" if bar.note else "")
        marks.append(
            _link(
                bar.href,
                tag(
                    "g",
                    {"class": "bar"},
                    tag("title", None, tip),
                    svg_text(label_w - 6, y + 16, shorten(bar.label, 34), "end"),
                    tag(
                        "rect",
                        {
                            "x": label_w,
                            "y": y + 4,
                            "width": max(length, 0.5),
                            "height": row - 8,
                            "fill": PALETTE[0],
                        },
                    ),
                    svg_text(label_w + length + 4, y + 16, figure),
                ),
            )
        )
    height = top * 2 + row * max(len(bars), 1)
    if not bars:
        marks.append(svg_text(width / 2, top + 16, "nothing to show", "middle"))
    return svg_root(name, title, width, height, *marks)


@dataclass(frozen=True, slots=True)
class Point:
    """One bubble: label, x, y, size (bubble area) and optional link."""

    label: str
    x: float
    y: float
    size: float
    href: str | None = None
    tag_text: str = ""


def scatter_chart(
    name: str,
    title: str,
    points: Sequence[Point],
    *,
    x_label: str,
    y_label: str,
    size_label: str,
) -> Markup:
    """Bubbles on x in [0, 1] and y from 0, bubble area proportional to size.

    Parameters
    ----------
    name, title : str
        ``data-chart`` name and ``<title>``.
    points : sequence of Point
        One bubble each; larger bubbles are drawn first so small ones stay on top.
    x_label, y_label, size_label : str
        Axis names, also used in each bubble's tooltip.

    Returns
    -------
    Markup
    """
    width, height = 760.0, 380.0
    left, right, top, bottom = 70.0, 30.0, 20.0, 50.0
    plot_w, plot_h = width - left - right, height - top - bottom
    y_ticks = nice_ticks(max((p.y for p in points), default=0.0))
    y_max = y_ticks[-1]
    biggest = max((p.size for p in points), default=0.0)
    marks: list[Markup] = []
    for tick in y_ticks:
        y = top + plot_h - tick / y_max * plot_h
        marks.append(
            tag(
                "line",
                {"x1": left, "x2": width - right, "y1": y, "y2": y, "class": "grid"},
            )
        )
        marks.append(svg_text(left - 6, y + 4, number(tick, 2), "end"))
    for i in range(6):
        x = left + i / 5 * plot_w
        marks.append(
            tag(
                "line",
                {"x1": x, "x2": x, "y1": top, "y2": top + plot_h, "class": "grid"},
            )
        )
        marks.append(svg_text(x, top + plot_h + 16, number(i / 5, 1), "middle"))
    marks.append(
        svg_text(left + plot_w / 2, height - 8, x_label, "middle", class_="axis")
    )
    marks.append(
        svg_text(
            14,
            top + plot_h / 2,
            y_label,
            "middle",
            class_="axis",
            transform=f"rotate(-90 14 {number(top + plot_h / 2)})",
        )
    )
    # Largest first, so small bubbles stay on top and clickable.
    for point in sorted(points, key=lambda p: (-p.size, p.label)):
        radius = 3 + 15 * math.sqrt(point.size / biggest) if biggest > 0 else 4
        cx = left + min(max(point.x, 0.0), 1.0) * plot_w
        cy = top + plot_h - max(point.y, 0.0) / y_max * plot_h
        tip = (
            f"{point.label}: {x_label} {number(point.x, 2)}, {y_label} "
            f"{number(point.y, 2)}, {size_label} {number(point.size, 1)}"
        )
        marks.append(
            _link(
                point.href,
                tag(
                    "g",
                    {"class": "point"},
                    tag("title", None, tip),
                    tag(
                        "circle",
                        {"cx": cx, "cy": cy, "r": radius, "fill": PALETTE[0]},
                    ),
                    svg_text(cx, cy + 4, point.tag_text, "middle", class_="bubble")
                    if radius >= 7
                    else None,
                ),
            )
        )
    return svg_root(name, title, width, height, *marks)


def heatmap(
    name: str, title: str, labels: Sequence[str], counts: Sequence[Sequence[int]]
) -> Markup:
    """A square matrix, row = from and column = to, shaded by count.

    Parameters
    ----------
    name, title : str
        ``data-chart`` name and ``<title>``.
    labels : sequence of str
        Row and column names, in order.
    counts : sequence of sequence of int
        ``counts[i][j]`` moves from ``labels[i]`` to ``labels[j]``; the shade
        follows the square root so that a few large counts do not hide the rest.

    Returns
    -------
    Markup
    """
    cell = 34.0
    label_w = min(max((len(s) for s in labels), default=4), 24) * _CHAR_W + 12
    top = label_w + 10
    n = len(labels)
    width = max(label_w + cell * n + label_w * 0.6 + 20, 260.0)
    height = top + cell * n + 30
    peak = max((c for row in counts for c in row), default=0)
    marks: list[Markup] = []
    for j, label in enumerate(labels):
        x = label_w + j * cell + cell / 2
        marks.append(
            svg_text(
                x,
                top - 6,
                shorten(label, 24),
                "start",
                transform=f"rotate(-60 {number(x)} {number(top - 6)})",
            )
        )
    for i, source in enumerate(labels):
        y = top + i * cell
        marks.append(
            svg_text(label_w - 6, y + cell / 2 + 4, shorten(source, 24), "end")
        )
        for j, target in enumerate(labels):
            count = int(counts[i][j])
            shade = math.sqrt(count / peak) if peak else 0.0
            marks.append(
                tag(
                    "g",
                    {"class": "cell"},
                    tag("title", None, f"{source} → {target}: {count} switches"),
                    tag(
                        "rect",
                        {
                            "x": label_w + j * cell,
                            "y": y,
                            "width": cell - 2,
                            "height": cell - 2,
                            "fill": PALETTE[0] if count else "#f2f2f2",
                            "fill-opacity": 0.12 + 0.88 * shade if count else 1.0,
                        },
                    ),
                    svg_text(
                        label_w + j * cell + cell / 2 - 1,
                        y + cell / 2 + 3,
                        str(count) if count else "",
                        "middle",
                        class_="on-dark" if shade > 0.55 else "small",
                    ),
                )
            )
    marks.append(
        svg_text(label_w, height - 8, "rows: from · columns: to", class_="axis")
    )
    if not labels:
        marks.append(svg_text(10, 20, "no application switches recorded"))
    return svg_root(name, title, width, height, *marks)


@dataclass(frozen=True, slots=True)
class Series:
    """One small multiple: label, a count per day, optional link."""

    label: str
    counts: tuple[int, ...]
    href: str | None = None


def small_multiples(
    name: str, title: str, days: Sequence[str], series: Sequence[Series]
) -> Markup:
    """One row of day bars per series, each row scaled to its own maximum.

    Parameters
    ----------
    name, title : str
        ``data-chart`` name and ``<title>``.
    days : sequence of str
        Every day of the x axis (``YYYY-MM-DD``), including days without events.
    series : sequence of Series
        ``counts`` aligned with `days`.

    Returns
    -------
    Markup
    """
    label_w, band, gap = 250.0, 34.0, 8.0
    plot_w = 760.0 - label_w - 60
    width = label_w + plot_w + 60
    slot = plot_w / max(len(days), 1)
    marks: list[Markup] = []
    for i, item in enumerate(series):
        y = 10 + i * (band + gap)
        peak = max(item.counts, default=0)
        bars = []
        for d, count in enumerate(item.counts):
            if not count:
                continue
            h = band * count / peak
            bars.append(
                tag(
                    "rect",
                    {
                        "x": label_w + d * slot + slot * 0.1,
                        "y": y + band - h,
                        "width": max(slot * 0.8, 0.5),
                        "height": h,
                        "fill": PALETTE[i % len(PALETTE)],
                    },
                    tag("title", None, f"{days[d]}: {count} instances"),
                )
            )
        marks.append(
            tag(
                "g",
                {"class": "series"},
                _link(
                    item.href,
                    svg_text(
                        label_w - 8, y + band / 2 + 4, shorten(item.label, 34), "end"
                    ),
                ),
                tag(
                    "line",
                    {
                        "x1": label_w,
                        "x2": label_w + plot_w,
                        "y1": y + band,
                        "y2": y + band,
                        "class": "grid",
                    },
                ),
                *bars,
                svg_text(label_w + plot_w + 6, y + 10, f"max {peak}", class_="small"),
            )
        )
    bottom = 10 + len(series) * (band + gap)
    if days:
        marks.append(svg_text(label_w, bottom + 10, days[0], class_="small"))
        if len(days) > 1:
            marks.append(
                svg_text(label_w + plot_w, bottom + 10, days[-1], "end", class_="small")
            )
    return svg_root(name, title, width, bottom + 20, *marks)


def legend(items: Sequence[tuple[str, str]]) -> Markup:
    """A row of coloured dots with labels, as HTML (not a chart)."""
    return tag(
        "p",
        {"class": "legend"},
        join(
            [
                tag("span", {"class": f"key key-{esc(css)}"}, label)
                for css, label in items
            ],
            " ",
        ),
    )
