"""Accessible charts rendered on the server as SVG: a title, a description, and no script.

Every chart is drawn beside the numbers it shows (a table in the page, and a CSV download), so the
numbers stay readable without the picture. Colours and strokes come from the stylesheet through
classes (no inline styles, so a strict Content-Security-Policy holds).

What every chart here keeps, so that it cannot mislead:

* No text is clipped. Each text's width is estimated generously (``text_width``) for the largest
  size the stylesheet gives chart text (``FONT``, in narrow containers), the layout reserves it, and
  long labels wrap; a label that cannot fit under its bar is left out, never cut.
* Text stays readable when the picture scales down: each chart sits in a ``.chart-frame`` whose
  width the stylesheet queries to size chart text, so that it is at least 12 px on a 390 px screen.
* Series colours (``chart-series-0`` to ``chart-series-5``, and ``chart-series-other`` for a group
  of the rest) are never the status colours of "disputed" and "best estimate", and each series also
  has a marker shape and a line pattern of its own, so colour is not the only way to tell them apart.
* Value axes start at zero and carry round ticks with grid lines (``nice_ticks``), enough to read a
  value off the chart.
* A chart draws the values it is given and nothing else: no running total, no interpolation across
  a year with no figure.
"""

import datetime
import functools
import math
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from knowledgebase.presentation.formatting import month_year

WIDTH = 600
# The largest font size (user units) that site.css gives chart text, in the narrowest chart frames;
# every layout below reserves room for it. Wider frames use smaller sizes, which fit a fortiori.
FONT = 22
LINE = 32  # height of a line of text at FONT: more than ASCENT + DESCENT
# How far a text's box reaches above and below its baseline (generous: Noto Sans reaches 1.07 and 0.3 em).
ASCENT, DESCENT = 1.07 * FONT, 0.3 * FONT
PAD = 6  # room kept free at each edge of the picture
GAP = 8  # between a text and what it labels
SERIES_COLOURS = 6  # chart-series-0 … chart-series-5 in site.css
OTHER = "other"  # the class suffix of a series that groups the rest (chart-series-other)
PLOT_HEIGHT = 260


@dataclass(frozen=True)
class Point:
    label: str
    value: int


@dataclass(frozen=True)
class RangeBar:
    """One bar of a range chart: the number it shows and the range of claims around it."""

    value: int
    low: int | None = None
    high: int | None = None
    is_lowest_claim: bool = False  # no best estimate stands out: the bar is the lowest claim, drawn open

    @property
    def has_range(self):
        return self.low is not None and self.high is not None and self.low != self.high


@dataclass(frozen=True)
class BarGroup:
    """The bars of one category (an exchange): one RangeBar, or None where nothing is recorded, per side."""

    label: str
    bars: tuple


# --- measuring and laying out text --------------------------------------------------------------------

# Advance widths in em, rounded up from DejaVu Sans (the widest of the common sans-serif faces that
# ``system-ui`` resolves to), so an estimate is never narrower than what a browser draws.
_WIDE = set("mwMW@%")
_NARROW = set("ijlfrtI!|.,:;'()[]{} ")


def text_width(text, size=FONT):
    """A generous estimate of the width of ``text`` drawn at ``size``."""
    return _width_in_em(str(text)) * size


@functools.lru_cache(maxsize=4096)
def _width_in_em(text):
    # Labels repeat from one chart to the next (dates, numbers, country names): each is measured once.
    width = 0.0
    for char in text:
        if char in _WIDE:
            width += 1.0
        elif char in _NARROW:
            width += 0.42
        elif char.isdigit() or char.islower():
            width += 0.66
        elif char.isupper():
            width += 0.78
        else:
            width += 0.8  # punctuation, dashes, letters of other scripts
    return width


def wrap(text, width, size=FONT):
    """``text`` as lines no wider than ``width`` (a word too long for a line is split)."""
    lines, line = [], ""
    for word in str(text).split():
        while text_width(word, size) > width and len(word) > 1:
            cut = len(word) - 1
            while cut > 1 and text_width(word[:cut], size) > width:
                cut -= 1
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:cut])
            word = word[cut:]
        candidate = f"{line} {word}" if line else word
        if text_width(candidate, size) <= width:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines or [""]


def nice_ticks(top, most=5):
    """Round ticks from zero to at least ``top``: steps of 1, 2, 2.5 or 5 times a power of ten, at most
    ``most`` intervals (so 4 to 6 ticks for a top of 3 or more)."""
    top = max(int(math.ceil(top)), 1)
    magnitude = 1
    while True:
        for factor in (1, 2, 2.5, 5):
            step = factor * magnitude
            if step == int(step) and math.ceil(top / step) <= most:
                step = int(step)
                return list(range(0, step * math.ceil(top / step) + 1, step))
        magnitude *= 10


def _fmt(value):
    return number_format(value, force_grouping=True)


def _num(value):
    """A coordinate: at most one decimal, no trailing zero."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text(x, y, text, css, anchor=None):
    if anchor:
        return format_html(
            '<text class="chart-text {}" x="{}" y="{}" text-anchor="{}">{}</text>', css, _num(x), _num(y), anchor, text
        )
    return format_html('<text class="chart-text {}" x="{}" y="{}">{}</text>', css, _num(x), _num(y), text)


def _lines(x, y, lines, css, anchor=None):
    """Lines of one label, the first on baseline ``y`` and each next one LINE lower, as one text element."""
    if len(lines) == 1:
        return _text(x, y, lines[0], css, anchor)
    spans = _join(
        format_html('<tspan x="{}" y="{}">{}</tspan>', _num(x), _num(y + row * LINE), line)
        for row, line in enumerate(lines)
    )
    if anchor:
        return format_html('<text class="chart-text {}" text-anchor="{}">{}</text>', css, anchor, spans)
    return format_html('<text class="chart-text {}">{}</text>', css, spans)


def _centred(x, y, text, css):
    """A text centred on ``x`` but moved inwards where it would cross an edge of the picture."""
    half = text_width(text) / 2
    x = min(max(x, PAD + half), WIDTH - PAD - half)
    return _text(x, y, text, css, "middle")


def _clear_of_each_other(labels):
    """Whether labels [(centre x, width)], left to right and moved inwards at the edges as ``_centred``
    moves them, keep 2 × GAP apart."""
    extents = []
    for centre, width in labels:
        centre = min(max(centre, PAD + width / 2), WIDTH - PAD - width / 2)
        extents.append((centre - width / 2, centre + width / 2))
    return all(a[1] + 2 * GAP <= b[0] for a, b in zip(extents, extents[1:], strict=False))


def _below_axis(bottom, row=0):
    """The baseline of the ``row``-th line of labels under a horizontal axis at ``bottom``: clear of its
    tick marks and of the "0" of the value axis, which reaches DESCENT below the axis."""
    return bottom + FONT * 0.35 + DESCENT + 4 + ASCENT + row * LINE


def _join(parts):
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308 - every part is format_html output


def _svg(chart_id, title, description, height, body):
    return format_html(
        '<div class="chart-frame"><svg class="chart" id="{id}" role="img" aria-labelledby="{id}-title {id}-desc" '
        'viewBox="0 0 {w} {h}" width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg></div>',
        id=chart_id,
        w=WIDTH,
        h=_num(height),
        title=title,
        desc=description,
        body=body,
    )


def series_class(index, name=None, other=None):
    """The colour class of the series at ``index``; ``other`` names the series that groups the rest."""
    if other is not None and name == other:
        return f"chart-series-{OTHER}"
    return f"chart-series-{index}"


# --- legends -------------------------------------------------------------------------------------------

SWATCH = 34  # width of a legend's sample


def _legend(items, top):
    """Legend items, each (draw_sample(x, y_middle) -> markup, label), flowed in rows from ``top``; a label
    too long for a row wraps. Returns (markup, bottom)."""
    parts, x, row = [], PAD, 0
    full = WIDTH - 2 * PAD
    for sample, label in items:
        width = SWATCH + GAP + text_width(label)
        if width <= full:
            if x > PAD and x + width > WIDTH - PAD:
                x, row = PAD, row + 1
            lines = [label]
        else:
            if x > PAD:
                x, row = PAD, row + 1
            lines = wrap(label, full - SWATCH - GAP)
        middle = top + row * LINE + LINE / 2
        parts.append(format_html('<g class="chart-key">{}</g>', sample(x, middle)))
        parts.append(_lines(x + SWATCH + GAP, middle + FONT * 0.35, lines, "chart-legend"))
        if len(lines) > 1:
            x, row = PAD, row + len(lines)
        else:
            x += width + 2 * GAP
    rows = row + (1 if x > PAD else 0)
    return parts, top + rows * LINE


# --- value axis ---------------------------------------------------------------------------------------


def _value_axis(ticks, left, right, y_of):
    """Grid lines and tick labels of a vertical value axis whose labels end at ``left`` - GAP."""
    parts = []
    for tick in ticks:
        y = y_of(tick)
        parts.append(
            format_html(
                '<line class="{}" x1="{}" y1="{}" x2="{}" y2="{}"></line>',
                "chart-axis" if tick == 0 else "chart-grid",
                _num(left),
                _num(y),
                _num(right),
                _num(y),
            )
        )
        parts.append(_text(left - GAP, y + FONT * 0.35, _fmt(tick), "chart-tick", "end"))
    return parts


def _axis_left(ticks):
    return PAD + max(text_width(_fmt(tick)) for tick in ticks) + GAP


# --- horizontal bars ----------------------------------------------------------------------------------

BAR = 24


def bar_chart(chart_id, title, description, points):
    """Horizontal bars from zero, one per point in the order given, each under its label (which wraps
    when long) and with its value at its end."""
    points = [p for p in points if p.value is not None]
    if not points:
        return ""
    top = max(p.value for p in points) or 1
    value_room = max(text_width(_fmt(p.value)) for p in points) + GAP
    plot = WIDTH - 2 * PAD - value_room
    parts, y = [], PAD
    for point in points:
        lines = wrap(point.label, WIDTH - 2 * PAD)
        parts.append(_lines(PAD, y + ASCENT, lines, "chart-label"))
        y += len(lines) * LINE
        length = max(1, round(plot * point.value / top))
        parts.append(
            format_html(
                '<rect class="chart-bar chart-series-0" x="{}" y="{}" width="{}" height="{}"></rect>',
                PAD,
                _num(y),
                length,
                BAR,
            )
        )
        middle = y + BAR / 2 + (ASCENT - DESCENT) / 2
        parts.append(_text(PAD + length + GAP, middle, _fmt(point.value), "chart-value"))
        y += BAR + 2 * GAP
    return _svg(chart_id, title, description, middle + DESCENT + PAD, _join(parts))


# --- lines over time -----------------------------------------------------------------------------------

DASHES = ["", "10 5", "3 5", "14 5 3 5", "6 6", "2 3"]


def _marker(index, x, y, css):
    """A series' marker: circle, square, triangle, diamond, then again, each in its series' colour."""
    shape = index % 4 if css != f"chart-series-{OTHER}" else 1
    x, y = float(x), float(y)
    if shape == 0:
        return format_html('<circle class="chart-marker {}" cx="{}" cy="{}" r="5"></circle>', css, _num(x), _num(y))
    if shape == 1:
        return format_html(
            '<rect class="chart-marker {}" x="{}" y="{}" width="9" height="9"></rect>',
            css,
            _num(x - 4.5),
            _num(y - 4.5),
        )
    if shape == 2:
        points = f"{_num(x)},{_num(y - 6)} {_num(x + 6)},{_num(y + 5)} {_num(x - 6)},{_num(y + 5)}"
    else:
        points = (
            f"{_num(x)},{_num(y - 6.5)} {_num(x + 6.5)},{_num(y)} {_num(x)},{_num(y + 6.5)} {_num(x - 6.5)},{_num(y)}"
        )
    return format_html('<polygon class="chart-marker {}" points="{}"></polygon>', css, points)


def _line(css, dash, coords):
    if dash:
        return format_html(
            '<polyline class="chart-line {}" stroke-dasharray="{}" points="{}"></polyline>', css, dash, " ".join(coords)
        )
    return format_html('<polyline class="chart-line {}" points="{}"></polyline>', css, " ".join(coords))


def _ordinal(x):
    return x.toordinal() if isinstance(x, datetime.date) else int(x)


def _time_ticks(first, last, to_x, is_date):
    """(position, label) of the ticks of a time axis: years (every 1, 2, 5, 10… as room allows), or for
    dates within a year or two, months; each labelled at its own precision ("2023", "September 2022")."""
    if is_date:
        start, end = datetime.date.fromordinal(first), datetime.date.fromordinal(last)
        years = [datetime.date(year, 1, 1) for year in range(start.year, end.year + 1)]
        years = [day for day in years if first <= day.toordinal() <= last]
        candidates = [(day.toordinal(), str(day.year), day.year) for day in years]
        if len(candidates) < 2:
            candidates, day = [], datetime.date(start.year, start.month, 1)
            while day.toordinal() <= last:
                if day.toordinal() >= first:
                    candidates.append((day.toordinal(), month_year(day), day.year * 12 + day.month))
                day = datetime.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        candidates = candidates or [(first, month_year(start), 0)]
    else:
        candidates = [(year, str(year), year) for year in range(first, last + 1)]
    for stride in (1, 2, 3, 5, 6, 10, 20, 25, 50, 100):
        chosen = [c for c in candidates if c[2] % stride == 0] or candidates[:1]
        if _clear_of_each_other([(to_x(x), text_width(label)) for x, label, _key in chosen]):
            return [(x, label) for x, label, _key in chosen]
    return [(x, label) for x, label, _key in candidates[:1]]


def line_chart(chart_id, title, description, series, *, step=False, other=None):
    """Values over time: ``series`` maps a name to [(x, value), …] in order, x a year (int) or a date.

    Each series has its colour, marker and line pattern, named in a legend above the plot (never at the
    end of its line, where labels would collide). Consecutive years are joined by a line; a year with no
    figure leaves a gap. With ``step``, a value holds flat until the next one (a level that changes at
    known dates). ``other`` names a series that groups the rest (drawn grey). At most SERIES_COLOURS
    series: group the rest before drawing.
    """
    series = {name: pts for name, pts in series.items() if pts}
    if not series:
        return ""
    if len(series) > SERIES_COLOURS:
        raise ValueError(f"At most {SERIES_COLOURS} series can be told apart; group the rest.")
    is_date = isinstance(next(iter(series.values()))[0][0], datetime.date)
    xs = sorted({_ordinal(x) for pts in series.values() for x, _v in pts})
    ticks = nice_ticks(max(v for pts in series.values() for _x, v in pts))
    styles = [(series_class(index, name, other), index) for index, name in enumerate(series)]
    legend, plot_top = _legend([(_line_sample(*style), name) for style, name in zip(styles, series, strict=True)], PAD)
    plot_top += FONT / 2
    left, right = _axis_left(ticks), WIDTH - PAD - FONT
    bottom = plot_top + PLOT_HEIGHT
    first, last = xs[0], xs[-1]

    def x_of(x):
        return left + (right - left) * (_ordinal(x) - first) / (last - first) if last > first else (left + right) / 2

    def y_of(value):
        return bottom - (bottom - plot_top) * value / ticks[-1]

    parts = [*legend, *_value_axis(ticks, left, right, y_of)]
    for position, label in _time_ticks(first, last, x_of, is_date):
        parts.append(_tick_mark(x_of(position), bottom))
        parts.append(_centred(x_of(position), _below_axis(bottom), label, "chart-tick"))
    for (css, index), points in zip(styles, series.values(), strict=True):
        for run in _runs(points, is_date, step):
            if len(run) > 1:
                parts.append(_line(css, DASHES[index], [f"{_num(x_of(x))},{_num(y_of(v))}" for x, v in run]))
        parts.extend(_marker(index, x_of(x), y_of(value), css) for x, value in points)
    return _svg(chart_id, title, description, _below_axis(bottom) + DESCENT + PAD, _join(parts))


def _line_sample(css, index):
    def draw(x, middle):
        ends = [f"{_num(x)},{_num(middle)}", f"{_num(x + SWATCH)},{_num(middle)}"]
        return _join([_line(css, DASHES[index], ends), _marker(index, x + SWATCH / 2, middle, css)])

    return draw


def _runs(points, is_date, step):
    """The stretches of a series that a line joins, as [(x, value)] corners: dates are always joined, years
    only when consecutive; with ``step``, each value holds flat until the next x."""
    runs, previous = [], None
    for x, value in points:
        if previous is None or not (is_date or _ordinal(x) - _ordinal(previous[0]) == 1):
            runs.append([])
        elif step:
            runs[-1].append((x, previous[1]))
        runs[-1].append((x, value))
        previous = (x, value)
    return runs


def _tick_mark(x, bottom):
    return format_html(
        '<line class="chart-axis" x1="{}" y1="{}" x2="{}" y2="{}"></line>',
        _num(x),
        _num(bottom),
        _num(x),
        _num(bottom + 6),
    )


def step_chart(chart_id, title, description, series):
    """Levels that change at known dates: ``series`` maps a name to [(date, value), …] in date order."""
    return line_chart(chart_id, title, description, series, step=True)


# --- bars with the range of claims ---------------------------------------------------------------------

MAX_BAR = 56


def range_bar_chart(chart_id, title, description, sides, groups):
    """Vertical bars from zero: for each group (an exchange), one bar per side (``sides`` names them, in
    the order of each group's ``bars``). A bar shows its number; an open bar is the lowest claim where no
    best estimate stands out; a whisker spans the range of claims. Values are printed above the bars
    when there is room; group labels (dates) are printed under as many groups as there is room for."""
    groups = [g for g in groups if any(bar is not None for bar in g.bars)]
    if not groups:
        return ""
    bars = [bar for group in groups for bar in group.bars if bar is not None]
    ticks = nice_ticks(max(max(bar.value, bar.high or 0) for bar in bars))
    items = [(_bar_sample(index), name) for index, name in enumerate(sides)]
    if any(bar.is_lowest_claim for bar in bars):
        items.append((_bar_sample(0, lowest=True), _("Lowest claim, no best estimate")))
    if any(bar.has_range for bar in bars):
        items.append((_whisker_sample, _("Range of claims")))
    legend, plot_top = _legend(items, PAD)
    plot_top += LINE  # room for the value printed above the tallest bar
    left, right = _axis_left(ticks), WIDTH - PAD
    bottom = plot_top + PLOT_HEIGHT
    slot = (right - left) / len(groups)
    pitch = min(slot * 0.8 / len(sides), MAX_BAR + GAP)
    bar_width = max(pitch - min(GAP, pitch / 4), 1)

    def y_of(value):
        return bottom - (bottom - plot_top) * value / ticks[-1]

    parts = [*legend, *_value_axis(ticks, left, right, y_of)]
    for number, group in enumerate(groups):
        centre = left + slot * (number + 0.5)
        first = centre - pitch * len(sides) / 2
        for index, bar in enumerate(group.bars):
            if bar is None:
                continue
            x = first + pitch * index + (pitch - bar_width) / 2
            parts.extend(_range_bar(index, bar, x, bar_width, y_of, pitch))
    labels, rows = _group_labels(groups, left, slot, bottom)
    parts.extend(labels)
    return _svg(chart_id, title, description, _below_axis(bottom, rows - 1) + DESCENT + PAD, _join(parts))


def _bar_sample(index, lowest=False):
    css = f"chart-bar chart-series-{index}" + (" chart-bar-lowest" if lowest else "")

    def draw(x, middle):
        return format_html(
            '<rect class="{}" x="{}" y="{}" width="{}" height="{}"></rect>',
            css,
            _num(x + 4),
            _num(middle - 10),
            SWATCH - 8,
            20,
        )

    return draw


def _whisker_sample(x, middle):
    centre = x + SWATCH / 2
    return format_html(
        '<path class="chart-whisker-sample" d="M{} {}V{}M{} {}H{}M{} {}H{}"></path>',
        _num(centre),
        _num(middle - 11),
        _num(middle + 11),
        _num(centre - 7),
        _num(middle - 11),
        _num(centre + 7),
        _num(centre - 7),
        _num(middle + 11),
        _num(centre + 7),
    )


def _range_bar(index, bar, x, width, y_of, pitch):
    # Written with f-strings, not format_html: every value here is a number or a fixed class name (nothing
    # to escape), and a tracker page draws a hundred bars.
    css = f"chart-bar chart-series-{index}" + (" chart-bar-lowest" if bar.is_lowest_claim else "")
    top = y_of(bar.value)
    height = max(y_of(0) - top, 1)
    value, parts = bar.value, []
    parts.append(
        mark_safe(  # noqa: S308 - numbers and a fixed class name only
            f'<rect class="{css}" x="{_num(x)}" y="{_num(y_of(0) - height)}" width="{_num(width)}" '
            f'height="{_num(height)}" data-value="{value}"></rect>'
        )
    )
    highest = top
    if bar.has_range:
        centre, low, high = x + width / 2, y_of(bar.low), y_of(bar.high)
        cap = min(width / 2, 8)
        left, middle, right, bottom, upper = _num(centre - cap), _num(centre), _num(centre + cap), _num(low), _num(high)
        parts.append(
            mark_safe(  # noqa: S308 - numbers only
                f'<path class="chart-whisker" d="M{middle} {bottom}V{upper}M{left} {bottom}H{right}M{left} {upper}'
                f'H{right}" data-low="{bar.low}" data-high="{bar.high}"></path>'
            )
        )
        highest = min(top, high)
    label = _fmt(bar.value)
    if text_width(label) <= pitch + GAP / 2:
        parts.append(_text(x + width / 2, highest - GAP, label, "chart-value", "middle"))
    return parts


def _group_labels(groups, left, slot, bottom):
    """Labels under the groups, on at most two lines each; where they do not fit under every group, under
    every second, third… group, and at least under the first. Returns (markup, lines of the longest)."""
    for stride in range(1, len(groups) + 1):
        room = slot * stride - 2 * GAP
        chosen = {n: wrap(groups[n].label, room) for n in range(0, len(groups), stride)}
        if all(len(lines) <= 2 for lines in chosen.values()) and _clear_of_each_other(
            [(left + slot * (n + 0.5), max(text_width(line) for line in lines)) for n, lines in chosen.items()]
        ):
            break
    else:
        chosen = {0: wrap(groups[0].label, WIDTH - 2 * PAD)[:2]}
    parts = []
    for number, lines in chosen.items():
        centre = left + slot * (number + 0.5)
        parts.append(_tick_mark(centre, bottom))
        width = max(text_width(line) for line in lines)
        centre = min(max(centre, PAD + width / 2), WIDTH - PAD - width / 2)
        parts.append(_lines(centre, _below_axis(bottom), lines, "chart-tick", "middle"))
    return parts, max(len(lines) for lines in chosen.values())
