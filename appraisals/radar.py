"""Radar charts of per-feature scores as standalone SVG, drawn on the server.

The same string goes inline into a report page and into its WeasyPrint PDF, so it needs no
JavaScript and no stylesheet: every colour is a presentation attribute, which a page's CSS
may still override through the ``css_class`` of each series.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from django.utils.translation import gettext as _

RINGS = (0.25, 0.5, 0.75, 1.0)
# One colour per series, in order: blue and orange first, told apart by most colour-blind
# readers and in greyscale print.
PALETTE = ("#1f5fbf", "#d9480f", "#2b8a3e", "#7048e8")
GRID_COLOUR = "#c8ccd2"
TEXT_COLOUR = "#24292f"
FONT_FAMILY = "sans-serif"

# Characters XML 1.0 cannot carry at all, not even escaped.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class RadarSeries:
    """One polygon: a value in [0, 1] per axis, or None where that feature was not assessed."""

    name: str
    values: Sequence[float | None]
    css_class: str


def radar_svg(
    *, labels: Sequence[str], series: Sequence[RadarSeries], size: int = 360, title: str = ""
) -> str:
    """An ``<svg>`` element drawing ``series`` over one axis per label, clockwise from the top.

    ``size`` is the side of the square holding the rings; the picture grows sideways when
    labels are too long to fit, and downwards for the legend. Designed for 3 to 8 axes.
    """
    _validate(labels=labels, series=series, size=size)
    count = len(labels)
    font = max(10.0, size / 30)
    radius = size * 0.32
    label_gap = font * 0.8
    directions = [
        (math.cos(angle), math.sin(angle))
        for angle in (-math.pi / 2 + 2 * math.pi * index / count for index in range(count))
    ]
    # How far each label reaches sideways from the centre; the picture widens (evenly, so
    # the chart stays centred) until the farthest one fits.
    reach = 0.0
    for label, (dx, _dy) in zip(labels, directions, strict=True):
        offset = abs(dx) * (radius + label_gap)
        label_width = _text_width(label, font=font)
        centred = _anchor(dx) == "middle"
        reach = max(reach, offset + (label_width / 2 if centred else label_width))
    width = max(float(size), 2 * (reach + font / 2))
    centre_x, centre_y = width / 2, size / 2

    def point(index: int, value: float) -> tuple[float, float]:
        dx, dy = directions[index]
        return centre_x + dx * radius * value, centre_y + dy * radius * value

    any_missing = any(value is None for one in series for value in one.values)
    legend_rows = len(series) + (1 if any_missing else 0)
    legend_top = size + font * 0.5
    row_height = font * 1.6
    height = legend_top + row_height * legend_rows + (font * 0.5 if legend_rows else 0)
    heading = title or "Radar chart"

    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="radar" '
        f'width="{_n(width)}" height="{_n(height)}" viewBox="0 0 {_n(width)} {_n(height)}" '
        f'font-family="{FONT_FAMILY}" font-size="{_n(font)}">',
        f"<title>{_text(heading)}</title>",
        f"<desc>{_text(_description(labels=labels, series=series))}</desc>",
        f'<g class="grid" fill="none" stroke="{GRID_COLOUR}" stroke-width="1">',
    ]
    for ring in RINGS:
        corners = " ".join(_pair(point(index, ring)) for index in range(count))
        out.append(f'<polygon class="ring" data-level="{ring}" points="{corners}"/>')
    for index, label in enumerate(labels):
        x, y = point(index, 1.0)
        out.append(
            f'<line class="axis" data-axis="{_text(label)}" x1="{_n(centre_x)}" '
            f'y1="{_n(centre_y)}" x2="{_n(x)}" y2="{_n(y)}"/>'
        )
    out.append("</g>")

    out.append(f'<g class="labels" fill="{TEXT_COLOUR}">')
    for index, label in enumerate(labels):
        dx, dy = directions[index]
        x = centre_x + dx * (radius + label_gap)
        y = centre_y + dy * (radius + label_gap)
        # Baselines by hand: WeasyPrint ignores dominant-baseline.
        if dy > 0.3:
            y += font * 0.8
        elif dy >= -0.3:
            y += font * 0.35
        out.append(
            f'<text class="axis-label" x="{_n(x)}" y="{_n(y)}" '
            f'text-anchor="{_anchor(dx)}">{_text(label)}</text>'
        )
    out.append("</g>")

    for number, one in enumerate(series):
        colour = PALETTE[number % len(PALETTE)]
        # A feature not assessed sits at the centre; its hollow marker tells it from a 0.
        vertices = [point(index, value or 0.0) for index, value in enumerate(one.values)]
        out.append(f'<g class="series-group {_text(one.css_class)}">')
        out.append(
            f'<polygon class="series {_text(one.css_class)}" '
            f'points="{" ".join(_pair(vertex) for vertex in vertices)}" fill="{colour}" '
            f'fill-opacity="0.18" stroke="{colour}" stroke-width="2" stroke-linejoin="round"/>'
        )
        for index, value in enumerate(one.values):
            x, y = vertices[index]
            marker_fill = "#ffffff" if value is None else colour
            tooltip = f"{one.name}, {labels[index]}: {_reading(value)}"
            marker_class = "marker not-assessed" if value is None else "marker"
            out.append(
                f'<circle class="{marker_class}" data-axis="{_text(labels[index])}" '
                f'cx="{_n(x)}" cy="{_n(y)}" r="{_n(font * 0.3)}" fill="{marker_fill}" '
                f'stroke="{colour}" stroke-width="1.5">'
                f"<title>{_text(tooltip)}</title></circle>"
            )
        out.append("</g>")

    out.append(f'<g class="legend" fill="{TEXT_COLOUR}">')
    legend_x = font
    for number, one in enumerate(series):
        colour = PALETTE[number % len(PALETTE)]
        top = legend_top + row_height * number
        out.append(
            f'<rect class="swatch {_text(one.css_class)}" x="{_n(legend_x)}" y="{_n(top)}" '
            f'width="{_n(font)}" height="{_n(font)}" fill="{colour}" fill-opacity="0.18" '
            f'stroke="{colour}" stroke-width="2"/>'
            f'<text x="{_n(legend_x + font * 1.5)}" y="{_n(top + font * 0.85)}">'
            f"{_text(one.name)}</text>"
        )
    if any_missing:
        top = legend_top + row_height * len(series)
        missing = _("not assessed (drawn at the centre)")
        out.append(
            f'<circle cx="{_n(legend_x + font / 2)}" cy="{_n(top + font / 2)}" '
            f'r="{_n(font * 0.3)}" fill="#ffffff" stroke="{TEXT_COLOUR}" stroke-width="1.5"/>'
            f'<text x="{_n(legend_x + font * 1.5)}" y="{_n(top + font * 0.85)}">'
            f"{_text(missing)}</text>"
        )
    out.append("</g>")
    out.append("</svg>")
    return "".join(out)


def _validate(*, labels: Sequence[str], series: Sequence[RadarSeries], size: int) -> None:
    if len(labels) < 3:
        raise ValueError(f"A radar chart needs at least 3 axes, got {len(labels)}.")
    if size < 120:
        raise ValueError(f"A radar chart needs a size of at least 120, got {size}.")
    for one in series:
        if len(one.values) != len(labels):
            raise ValueError(
                f"Series {one.name!r} has {len(one.values)} values for {len(labels)} axes."
            )
        for label, value in zip(labels, one.values, strict=True):
            if value is None:
                continue
            if isinstance(value, bool) or not (
                isinstance(value, int | float) and 0.0 <= value <= 1.0
            ):
                raise ValueError(
                    f"Series {one.name!r}, axis {label!r}: {value!r} is not a number in [0, 1]."
                )


def _description(*, labels: Sequence[str], series: Sequence[RadarSeries]) -> str:
    # What a screen reader (or a text-only PDF extraction) gets instead of the picture.
    lines = []
    for index, label in enumerate(labels):
        readings = ", ".join(f"{one.name} {_reading(one.values[index])}" for one in series)
        lines.append(f"{label}: {readings}." if readings else f"{label}.")
    return " ".join(lines)


def _reading(value: float | None) -> str:
    return _("not assessed") if value is None else f"{value:.2f}"


def _anchor(dx: float) -> str:
    # Labels beside the chart grow away from it; those above and below stay centred.
    return "middle" if abs(dx) < 0.3 else ("start" if dx > 0 else "end")


def _text_width(text: str, *, font: float) -> float:
    # An estimate, as no font metrics are at hand: CJK characters are about an em wide,
    # Latin ones a little over half.
    return sum(font * (1.0 if unicodedata.east_asian_width(char) in "WF" else 0.6) for char in text)


def _text(text: str) -> str:
    return escape(_XML_ILLEGAL.sub("", text), quote=True)


def _pair(point: tuple[float, float]) -> str:
    return f"{_n(point[0])},{_n(point[1])}"


def _n(number: float) -> str:
    # One decimal is finer than a print dot at these sizes; "-0.0" would be noise.
    text = f"{number:.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
