"""The routine flow diagram: steps in application swim lanes, variants as branches."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from discover.render._svg import Markup, number, shorten, tag
from discover.render.charts import PALETTE, SOURCE_COLORS, svg_root, svg_text


@dataclass(frozen=True, slots=True)
class FlowNode:
    """One step box: its lane (application), label, value source and share."""

    lane: int
    label: str
    value_source: str | None = None
    share: float = 1.0


@dataclass(frozen=True, slots=True)
class FlowBranch:
    """Where a variant leaves the canonical path and rejoins it.

    ``start`` is the canonical step it leaves after (-1: from the start) and ``end``
    the step it rejoins at (``len(steps)``: to the end); ``nodes`` are the steps the
    variant takes instead (none: it skips steps).
    """

    start: int
    end: int
    nodes: tuple[FlowNode, ...]
    label: str


_NODE_W, _NODE_H, _COL_W, _LANE_H = 132.0, 36.0, 156.0, 58.0
_ARC_BAND = 34.0  # room above the lanes for copy -> paste arcs


def _wrap(text: str, width: int, lines: int) -> list[str]:
    words, out, current = " ".join(text.split()).split(" "), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            out.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    out.append(current)
    if len(out) > lines:
        out = out[: lines - 1] + [" ".join(out[lines - 1 :])]
    return [shorten(line, width) for line in out]


def _node(x: float, y: float, node: FlowNode, number_text: str, tip: str) -> Markup:
    color = PALETTE[node.lane % len(PALETTE)]
    lines = _wrap(node.label, 20, 2)
    text_y = y + (15 if len(lines) == 2 else 22)
    spans = [
        tag("tspan", {"x": x + 8, "y": float(text_y + 13 * k)}, line)
        for k, line in enumerate(lines)
    ]
    badge = None
    if node.value_source in SOURCE_COLORS:
        badge = tag(
            "circle",
            {
                "cx": x + _NODE_W - 7,
                "cy": y + _NODE_H - 7,
                "r": 4.5,
                "fill": SOURCE_COLORS[node.value_source],
            },
        )
    return tag(
        "g",
        {"class": "step"},
        tag("title", None, tip),
        tag(
            "rect",
            {
                "x": x,
                "y": y,
                "width": _NODE_W,
                "height": _NODE_H,
                "rx": 5,
                "fill": color,
                "fill-opacity": 0.14,
                "stroke": color,
                "stroke-dasharray": "4 3" if node.share < 0.999 else None,
            },
        ),
        svg_text(x + 2, y - 3, number_text, class_="small"),
        tag("text", {"class": "label"}, *spans),
        badge,
    )


Point = tuple[float, float]


def _curve(start: Point, c1: Point, c2: Point, end: Point, css: str) -> Markup:
    """A cubic edge ending in an arrowhead that points along its last tangent."""
    dx, dy = end[0] - c2[0], end[1] - c2[1]
    if math.hypot(dx, dy) < 1e-6:
        dx, dy = end[0] - start[0], end[1] - start[1]
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    stop = (end[0] - 6 * ux, end[1] - 6 * uy)
    path = "M{} {} C{} {} {} {} {} {}".format(
        *(number(v) for v in (*start, *c1, *c2, *stop))
    )
    base = (end[0] - 7 * ux, end[1] - 7 * uy)
    corners = (
        (base[0] - 4 * uy, base[1] + 4 * ux),
        end,
        (base[0] + 4 * uy, base[1] - 4 * ux),
    )
    head = " ".join(f"{number(x)},{number(y)}" for x, y in corners)
    return tag(
        "g",
        {"class": css},
        tag("path", {"d": path, "fill": "none"}),
        tag("polygon", {"points": head}),
    )


def _across(start: Point, end: Point, css: str = "edge") -> Markup:
    """Leave and arrive horizontally (step to step)."""
    middle = (start[0] + end[0]) / 2
    return _curve(start, (middle, start[1]), (middle, end[1]), end, css)


def _down(start: Point, end: Point) -> Markup:
    """Leave a box's bottom downwards, arrive horizontally (into a branch)."""
    return _curve(
        start, (start[0], end[1]), ((start[0] + end[0]) / 2, end[1]), end, "branch"
    )


def _up(start: Point, end: Point) -> Markup:
    """Arrive at a box's bottom from below (back onto the main path)."""
    middle = (start[1] + end[1]) / 2
    if end[0] >= start[0] + 20:
        c1 = ((start[0] + end[0]) / 2, start[1])
        return _curve(start, c1, (end[0], start[1]), end, "branch")
    return _curve(start, (start[0], middle), (end[0], middle), end, "branch")


def flow_diagram(
    name: str,
    title: str,
    lanes: Sequence[str],
    steps: Sequence[FlowNode],
    branches: Sequence[FlowBranch] = (),
    links: Sequence[tuple[int, int, str]] = (),
) -> Markup:
    """Steps left to right in application swim lanes, variants as branches below.

    Dashed boxes are steps missing from some instances; a dot marks where a step's
    value comes from (see :data:`~discover.render.charts.SOURCE_COLORS`).

    Parameters
    ----------
    name, title : str
        ``data-chart`` name and ``<title>``.
    lanes : sequence of str
        Application names, one lane each, top to bottom.
    steps : sequence of FlowNode
        The canonical steps in order; ``lane`` indexes `lanes`.
    branches : sequence of FlowBranch, default=()
        Each drawn in its own row below the lanes.
    links : sequence of (int, int, str), default=()
        Copy -> paste links as (source step, sink step, tooltip), drawn as arcs
        over the lanes.

    Returns
    -------
    Markup
    """
    lane_w = 128.0
    top = 8.0 + (_ARC_BAND if links else 0.0)
    n = len(steps)
    left = lane_w + 52

    def x_of(column: float) -> float:
        return left + column * _COL_W

    def y_of(lane: int) -> float:
        return top + lane * _LANE_H + (_LANE_H - _NODE_H) / 2

    band_top = top + len(lanes) * _LANE_H + 10
    longest = max([n] + [b.start + 1 + len(b.nodes) for b in branches])
    width = x_of(longest) + 60
    height = band_top + len(branches) * _LANE_H + 10
    marks: list[Markup] = []
    for k, lane in enumerate(lanes):
        y = top + k * _LANE_H
        marks.append(
            tag(
                "g",
                {"class": "lane"},
                tag(
                    "rect",
                    {
                        "x": 0.0,
                        "y": y,
                        "width": width,
                        "height": _LANE_H - 2,
                        "fill": PALETTE[k % len(PALETTE)],
                        "fill-opacity": 0.05,
                    },
                ),
                svg_text(8, y + _LANE_H / 2 + 4, shorten(lane, 18), class_="lane-name"),
            )
        )
    start_y = y_of(steps[0].lane) + _NODE_H / 2 if steps else top + _LANE_H / 2
    end_y = y_of(steps[-1].lane) + _NODE_H / 2 if steps else start_y
    marks.append(
        tag("circle", {"cx": left - 30, "cy": start_y, "r": 7, "class": "terminal"})
    )
    end_x = x_of(n) - _COL_W + _NODE_W + 30 if n else left + 30
    marks.append(tag("circle", {"cx": end_x, "cy": end_y, "r": 7, "class": "terminal"}))
    previous = (left - 23, start_y)
    for i, step in enumerate(steps):
        x, y = x_of(i), y_of(step.lane)
        marks.append(_across(previous, (x, y + _NODE_H / 2)))
        tip = f"step {i + 1}: {lanes[step.lane]}: {step.label}"
        if step.share < 0.999:
            tip += f" (in {number(step.share * 100, 0)} % of instances)"
        marks.append(_node(x, y, step, str(i + 1), tip))
        previous = (x + _NODE_W, y + _NODE_H / 2)
    marks.append(_across(previous, (end_x - 7, end_y)))

    for b, branch in enumerate(branches):
        y_row = band_top + b * _LANE_H + (_LANE_H - _NODE_H) / 2
        if branch.start < 0:
            here = (left - 30, start_y + 7)
        else:
            here = (
                x_of(branch.start) + _NODE_W / 2,
                y_of(steps[branch.start].lane) + _NODE_H,
            )
        if branch.end >= n:
            there = (end_x, end_y + 7)
        else:
            there = (
                x_of(branch.end) + _NODE_W / 2,
                y_of(steps[branch.end].lane) + _NODE_H,
            )
        parts: list[Markup] = []
        cursor = here
        for k, node in enumerate(branch.nodes):
            x = x_of(branch.start + 1 + k)
            entry = (x, y_row + _NODE_H / 2)
            parts.append(
                _down(here, entry) if k == 0 else _across(cursor, entry, "branch")
            )
            tip = f"{branch.label}: {lanes[node.lane]}: {node.label}"
            parts.append(_node(x, y_row, node, "", tip))
            cursor = (x + _NODE_W, y_row + _NODE_H / 2)
        if branch.nodes:
            last_x = x_of(branch.start + len(branch.nodes))
            if there[0] < cursor[0] + 20:  # rejoins above: leave from the top
                cursor = (last_x + _NODE_W / 2, y_row)
            parts.append(_up(cursor, there))
        else:
            # A skip: run along the branch row, then climb back.
            bottom = y_row + _NODE_H / 2
            middle = ((here[0] + there[0]) / 2, bottom)
            parts.append(
                _curve(here, (here[0], bottom), (here[0], bottom), middle, "branch")
            )
            parts.append(
                _curve(middle, (there[0], bottom), (there[0], bottom), there, "branch")
            )
        label_x = x_of(max(branch.start, 0)) + (_NODE_W / 2 if branch.start >= 0 else 0)
        parts.append(
            svg_text(label_x + 6, y_row - 4, branch.label, class_="branch-label")
        )
        marks.append(
            tag("g", {"class": "variant"}, tag("title", None, branch.label), *parts)
        )
    for k, (source, sink, tip) in enumerate(links):
        if not (0 <= source < n and 0 <= sink < n):
            continue
        start = (x_of(source) + _NODE_W / 2 + 6, y_of(steps[source].lane))
        end = (x_of(sink) + _NODE_W / 2 - 6, y_of(steps[sink].lane))
        peak = 6.0 + 7.0 * (k % 4)  # stagger arcs that share the band
        marks.append(
            tag(
                "g",
                {"class": "data-link"},
                tag("title", None, f"step {source + 1} → step {sink + 1}: {tip}"),
                _curve(start, (start[0], peak), (end[0], peak), end, "link"),
            )
        )
    return svg_root(name, title, width, height, *marks)
