"""Small bar charts drawn on the server as SVG: no JavaScript, nothing inline for the CSP.

``bar_chart`` turns categories and series of numbers into rectangles with their coordinates;
``templates/admin/includes/bar_chart.html`` draws them, with a title, a description and a
visually hidden table of the same numbers for screen readers. Colours come from classes
(``chart-series-N``) styled in ``static/css/admin-dashboard.css``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH, HEIGHT = 600, 220
LEFT, RIGHT, TOP, BOTTOM = 40, 8, 12, 30  # room for the axis labels
MAX_X_LABELS = 12


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]  # one per category; None: nothing to show


@dataclass(frozen=True)
class Rect:
    x: str
    y: str
    width: str
    height: str
    series: int
    title: str


@dataclass(frozen=True)
class Label:
    x: str
    y: str
    text: str


@dataclass(frozen=True)
class Row:
    category: str
    cells: tuple[str, ...]


@dataclass(frozen=True)
class BarChart:
    key: str  # unique on the page: the ids of the title and the description
    title: str
    description: str
    category_header: str
    series_labels: tuple[str, ...]
    rows: tuple[Row, ...]
    rects: tuple[Rect, ...]
    x_labels: tuple[Label, ...]
    y_labels: tuple[Label, ...]
    gridlines: tuple[str, ...]  # y coordinates
    width: int = WIDTH
    height: int = HEIGHT
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    plot_bottom: int = HEIGHT - BOTTOM


def _num(value: float) -> str:
    """An SVG coordinate: short, and with a dot whatever the language."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _cell(value: float | None, unit: str, empty: str) -> str:
    if value is None:
        return empty
    return f"{value:g}{unit}"


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten that is at least ``value`` (1 for 0)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover (the loop always returns)


def bar_chart(
    *,
    key: str,
    title: str,
    description: str,
    category_header: str,
    categories: Sequence[str],
    series: Sequence[Series],
    unit: str = "",
    max_value: float | None = None,
    empty: str = "-",
) -> BarChart:
    """Stacked bars, one per category; with one series, plain bars."""
    totals = [sum(s.values[i] or 0 for s in series) for i in range(len(categories))]
    top = max_value or nice_ceiling(max(totals, default=0))
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    band = plot_width / max(len(categories), 1)
    bar_width = band * 0.7
    rects, x_labels = [], []
    every = math.ceil(len(categories) / MAX_X_LABELS) or 1
    for i, category in enumerate(categories):
        x = LEFT + i * band + (band - bar_width) / 2
        stacked = 0.0
        for index, one in enumerate(series):
            value = one.values[i]
            if not value:
                continue
            height = plot_height * value / top
            y = TOP + plot_height * (1 - (stacked + value) / top)
            stacked += value
            rects.append(
                Rect(
                    _num(x),
                    _num(y),
                    _num(bar_width),
                    _num(height),
                    index,
                    f"{category}: {one.label} {_cell(value, unit, empty)}",
                )
            )
        if i % every == 0:
            x_labels.append(Label(_num(x + bar_width / 2), _num(HEIGHT - BOTTOM + 16), category))
    y_labels = tuple(
        Label(_num(LEFT - 4), _num(TOP + plot_height * (1 - share) + 4), f"{top * share:g}{unit}")
        for share in (0, 0.5, 1)
        if float(top * share).is_integer()  # no "0.5 consultations"
    )
    rows = tuple(
        Row(category, tuple(_cell(s.values[i], unit, empty) for s in series))
        for i, category in enumerate(categories)
    )
    return BarChart(
        key=key,
        title=title,
        description=description,
        category_header=category_header,
        series_labels=tuple(s.label for s in series),
        rows=rows,
        rects=tuple(rects),
        x_labels=tuple(x_labels),
        y_labels=y_labels,
        gridlines=tuple(_num(TOP + plot_height * (1 - share)) for share in (0.5, 1)),
    )
