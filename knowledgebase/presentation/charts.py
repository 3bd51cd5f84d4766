"""Accessible charts rendered on the server as SVG: a title, a description, and no script.

Every chart is drawn beside a data table in the page, so the numbers stay
readable without the picture. Colours and strokes come from the stylesheet
through classes (no inline styles, so a strict Content-Security-Policy holds).
"""

from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

WIDTH = 640
BAR_HEIGHT = 28
LABEL_WIDTH = 220
MARGIN = 12


@dataclass(frozen=True)
class Point:
    label: str
    value: int


def _fmt(value):
    return number_format(value, force_grouping=True)


def _svg(chart_id, title, description, width, height, body):
    return format_html(
        '<svg class="chart" id="{id}" role="img" aria-labelledby="{id}-title {id}-desc" '
        'viewBox="0 0 {w} {h}" width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        id=chart_id,
        w=width,
        h=height,
        title=title,
        desc=description,
        body=body,
    )


def bar_chart(chart_id, title, description, points):
    """Horizontal bars, one per point, labelled with the value."""
    points = [p for p in points if p.value is not None]
    if not points:
        return ""
    top = max(p.value for p in points) or 1
    plot = WIDTH - LABEL_WIDTH - 2 * MARGIN - 90
    rows = []
    for index, point in enumerate(points):
        y = MARGIN + index * (BAR_HEIGHT + 8)
        length = max(1, round(plot * point.value / top))
        rows.append(
            (
                MARGIN,
                y + BAR_HEIGHT * 0.65,
                point.label,
                LABEL_WIDTH,
                y,
                length,
                BAR_HEIGHT,
                LABEL_WIDTH + length + 6,
                y + BAR_HEIGHT * 0.65,
                _fmt(point.value),
            )
        )
    body = format_html_join(
        "",
        '<text class="chart-label" x="{}" y="{}">{}</text>'
        '<rect class="chart-bar" x="{}" y="{}" width="{}" height="{}"></rect>'
        '<text class="chart-value" x="{}" y="{}">{}</text>',
        rows,
    )
    height = 2 * MARGIN + len(points) * (BAR_HEIGHT + 8)
    return _svg(chart_id, title, description, WIDTH, height, body)


def step_chart(chart_id, title, description, series):
    """Cumulative or time series lines: ``series`` maps a name to [(date, value), …] in date order."""
    series = {name: pts for name, pts in series.items() if pts}
    if not series:
        return ""
    dates = sorted({d for pts in series.values() for d, _v in pts})
    top = max(v for pts in series.values() for _d, v in pts) or 1
    left, right, top_pad, bottom = 70, WIDTH - 140, 16, 200
    first, last = dates[0].toordinal(), dates[-1].toordinal()
    span = max(last - first, 1)

    def x(day):
        return left + (right - left) * (day.toordinal() - first) / span if len(dates) > 1 else (left + right) / 2

    def y(value):
        return bottom - (bottom - top_pad) * value / top

    parts = [
        format_html('<line class="chart-axis" x1="{}" y1="{}" x2="{}" y2="{}"></line>', left, bottom, right, bottom),
        format_html('<line class="chart-axis" x1="{}" y1="{}" x2="{}" y2="{}"></line>', left, top_pad, left, bottom),
        format_html(
            '<text class="chart-tick" x="{}" y="{}" text-anchor="end">{}</text>', left - 6, top_pad + 4, _fmt(top)
        ),
        format_html('<text class="chart-tick" x="{}" y="{}" text-anchor="end">0</text>', left - 6, bottom + 4),
        format_html('<text class="chart-tick" x="{}" y="{}">{}</text>', left, bottom + 18, dates[0].isoformat()),
        format_html(
            '<text class="chart-tick" x="{}" y="{}" text-anchor="end">{}</text>',
            right,
            bottom + 18,
            dates[-1].isoformat(),
        ),
    ]
    for index, (name, pts) in enumerate(series.items()):
        coords = []
        previous = None
        for day, value in pts:
            if previous is not None:
                coords.append(f"{x(day):.1f},{y(previous):.1f}")
            coords.append(f"{x(day):.1f},{y(value):.1f}")
            previous = value
        last_day, last_value = pts[-1]
        parts.append(
            format_html('<polyline class="chart-line chart-series-{}" points="{}"></polyline>', index, " ".join(coords))
        )
        parts.extend(
            format_html(
                '<circle class="chart-dot chart-series-{}" cx="{}" cy="{}" r="4"></circle>',
                index,
                f"{x(d):.1f}",
                f"{y(v):.1f}",
            )
            for d, v in pts
        )
        parts.append(
            format_html(
                '<text class="chart-series-label chart-series-{}" x="{}" y="{}">{}: {}</text>',
                index,
                f"{x(last_day) + 8:.1f}",
                f"{y(last_value) + 4 + 14 * index:.1f}",
                name,
                _fmt(last_value),
            )
        )
    return _svg(chart_id, title, description, WIDTH, bottom + 30, mark_safe("".join(parts)))  # noqa: S308 - each part is format_html output
