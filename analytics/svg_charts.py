"""Small charts drawn as SVG text, so a report works offline with no plotting library or CDN.

Two shapes cover the findings report: lines over a numeric x axis (with vertical event markers)
and grouped horizontal bars. Every label is XML-escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

PALETTE = {"bot": "#d62728", "human": "#1f77b4", "unknown": "#7f7f7f", "all": "#555555"}
_FALLBACK_COLOURS = ["#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#bcbd22", "#17becf"]
_FONT = 'font-family="sans-serif" font-size="11"'


def colour(name: str, index: int) -> str:
    """The colour of a series: fixed for account classes, cycling otherwise."""
    return PALETTE.get(name, _FALLBACK_COLOURS[index % len(_FALLBACK_COLOURS)])


@dataclass
class LineChart:
    """Lines over a numeric x axis. ``series``: name → (xs, ys); ``markers``: (x, label)
    vertical lines; ``x_ticks``: (x, label) positions on the axis."""

    title: str
    series: dict[str, tuple[Sequence[float], Sequence[float]]]
    y_label: str = ""
    x_ticks: list[tuple[float, str]] = field(default_factory=list)
    markers: list[tuple[float, str]] = field(default_factory=list)
    y_max: float | None = None
    width: int = 760
    height: int = 300


def _frame(title: str, width: int, height: int, body: list[str]) -> str:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
        f'<rect width="{width}" height="{height}" fill="white"/>'
        f'<text x="{width / 2:.0f}" y="16" text-anchor="middle" font-family="sans-serif" '
        f'font-size="13" font-weight="bold">{escape(title)}</text>'
    )
    return head + "".join(body) + "</svg>"


def line_chart(chart: LineChart) -> str:
    """The chart as an SVG document string."""
    left, right, top, bottom = 56, 130, 28, 36
    plot_w, plot_h = chart.width - left - right, chart.height - top - bottom
    xs = [x for xs_, _ in chart.series.values() for x in xs_]
    xs += [x for x, _ in chart.markers] + [x for x, _ in chart.x_ticks]
    ys = [y for _, ys_ in chart.series.values() for y in ys_]
    x_min, x_max = (min(xs), max(xs)) if xs else (0.0, 1.0)
    x_span = (x_max - x_min) or 1.0
    y_top = chart.y_max if chart.y_max is not None else (max(ys) if ys else 1.0) or 1.0

    def px(x: float) -> float:
        return left + (x - x_min) / x_span * plot_w

    def py(y: float) -> float:
        return top + plot_h - y / y_top * plot_h

    body = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        'stroke="black"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="black"/>',
    ]
    for fraction in (0.0, 0.5, 1.0):
        value = y_top * fraction
        label = f"{value:.2f}" if y_top <= 1 else f"{value:,.0f}"
        body.append(
            f'<text x="{left - 4}" y="{py(value) + 4:.1f}" text-anchor="end" {_FONT}>{label}</text>'
        )
    body.append(
        f'<text x="12" y="{top + plot_h / 2:.0f}" {_FONT} text-anchor="middle" '
        f'transform="rotate(-90 12 {top + plot_h / 2:.0f})">{escape(chart.y_label)}</text>'
    )
    for x, label in chart.x_ticks:
        body.append(
            f'<text x="{px(x):.1f}" y="{top + plot_h + 14}" text-anchor="middle" {_FONT}>'
            f"{escape(label)}</text>"
        )
    for index, (x, label) in enumerate(chart.markers):
        # Labels in the right half read leftwards, so they stay inside the plot.
        right_half = px(x) > left + plot_w / 2
        anchor, shift = ("end", -3) if right_half else ("start", 3)
        body.append(
            f'<line x1="{px(x):.1f}" y1="{top}" x2="{px(x):.1f}" y2="{top + plot_h}" '
            'stroke="#444" stroke-dasharray="4 3"/>'
            f'<text x="{px(x) + shift:.1f}" y="{top + 12 + 12 * (index % 4)}" {_FONT} '
            f'text-anchor="{anchor}" fill="#444">{escape(label)}</text>'
        )
    for index, (name, (xs_, ys_)) in enumerate(chart.series.items()):
        points = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in zip(xs_, ys_, strict=True))
        body.append(
            f'<polyline points="{points}" fill="none" stroke="{colour(name, index)}" '
            'stroke-width="1.6"/>'
        )
        legend_y = top + 14 + 16 * index
        body.append(
            f'<rect x="{left + plot_w + 12}" y="{legend_y - 9}" width="12" height="10" '
            f'fill="{colour(name, index)}"/>'
            f'<text x="{left + plot_w + 28}" y="{legend_y}" {_FONT}>{escape(name)}</text>'
        )
    return _frame(chart.title, chart.width, chart.height, body)


def bar_chart(
    title: str,
    categories: Sequence[str],
    series: dict[str, Sequence[float]],
    value_format: str = "{:.0%}",
    width: int = 760,
) -> str:
    """Grouped horizontal bars: one group per category, one bar per series."""
    left, right, top = 90, 140, 28
    bar_h, gap = 12, 8
    group_h = bar_h * max(len(series), 1) + gap
    height = top + group_h * len(categories) + 12
    plot_w = width - left - right
    peak = max((v for values in series.values() for v in values), default=0.0) or 1.0
    body = []
    for row, category in enumerate(categories):
        y0 = top + row * group_h
        body.append(
            f'<text x="{left - 6}" y="{y0 + group_h / 2:.0f}" text-anchor="end" {_FONT}>'
            f"{escape(str(category))}</text>"
        )
        for index, (name, values) in enumerate(series.items()):
            value = values[row]
            y = y0 + index * bar_h
            bar_w = max(value / peak * plot_w, 0.0)
            body.append(
                f'<rect x="{left}" y="{y}" width="{bar_w:.1f}" height="{bar_h - 2}" '
                f'fill="{colour(name, index)}"/>'
                f'<text x="{left + bar_w + 4:.1f}" y="{y + bar_h - 3}" {_FONT}>'
                f"{escape(value_format.format(value))}</text>"
            )
    for index, name in enumerate(series):
        legend_y = top + 14 + 16 * index
        body.append(
            f'<rect x="{left + plot_w + 30}" y="{legend_y - 9}" width="12" height="10" '
            f'fill="{colour(name, index)}"/>'
            f'<text x="{left + plot_w + 46}" y="{legend_y}" {_FONT}>{escape(name)}</text>'
        )
    return _frame(title, width, height, body)
