"""Server-drawn SVG charts (knowledgebase.presentation.charts), without the database: what they say must
match the numbers beside them, no text may be cut off, and no series may be told apart by a status colour
or by nothing at all. The browser test (tests/browser/test_charts.py) measures the drawn text."""

import colorsys
import datetime
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from knowledgebase.presentation.charts import (
    ASCENT,
    DESCENT,
    FONT,
    LINE,
    SERIES_COLOURS,
    BarGroup,
    Point,
    RangeBar,
    bar_chart,
    line_chart,
    nice_ticks,
    range_bar_chart,
    step_chart,
    text_width,
    wrap,
)

SVG = "{http://www.w3.org/2000/svg}"
CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "site.css"
JAN_1, JAN_6, JAN_11 = datetime.date(2024, 1, 1), datetime.date(2024, 1, 6), datetime.date(2024, 1, 11)
SIDES = ["Russian Federation", "Ukraine"]
DEMO_EXCHANGES = [
    BarGroup("September 2022", (RangeBar(55), RangeBar(215))),
    BarGroup("3 January 2024", (RangeBar(248), RangeBar(230, 173, 230))),
]
LONG_LABEL = "Other people in need of international protection"


def parse(markup):
    """The chart's <svg>, once it is checked to sit in its frame and to hold nothing but elements:
    characters between them would be invalid SVG content, and read out by some screen readers."""
    markup = str(markup)
    assert markup.startswith('<div class="chart-frame"><svg ') and markup.endswith("</svg></div>")
    root = ET.fromstring(markup[len('<div class="chart-frame">') : -len("</div>")])
    for element in root.iter():
        assert not (element.tail or "").strip(), f"stray text after <{element.tag}>: {element.tail!r}"
        if element.tag not in {f"{SVG}title", f"{SVG}desc", f"{SVG}text", f"{SVG}tspan"}:
            assert not (element.text or "").strip(), f"stray text in <{element.tag}>: {element.text!r}"
    return root


def texts(root, css=None):
    return [" ".join(t.itertext()) for t in root.iter(f"{SVG}text") if css is None or css in t.get("class", "").split()]


def lines_of(text):
    """(x, baseline, words, anchor) of each line of a text element."""
    spans = text.findall(f"{SVG}tspan") or [text]
    return [(float(s.get("x")), float(s.get("y")), s.text, text.get("text-anchor")) for s in spans]


def plotted(root, tag):
    """The ``tag`` elements of the plot, not of the legend's samples (which sit in <g class="chart-key">)."""
    return [element for element in root if element.tag == f"{SVG}{tag}"]


def assert_every_text_inside(root):
    """Each line's box, estimated at the largest font size, lies inside the viewBox."""
    _x, _y, width, height = (float(n) for n in root.get("viewBox").split())
    for text in root.iter(f"{SVG}text"):
        for x, baseline, words, anchor in lines_of(text):
            span = text_width(words)
            left = {"end": x - span, "middle": x - span / 2}.get(anchor, x)
            assert left >= 0 and left + span <= width, f"{words!r} runs out sideways"
            assert baseline - ASCENT >= 0 and baseline + DESCENT <= height, f"{words!r} runs out up or down"


def every_chart():
    years = {name: [(2015 + n, (i + 1) * 1_000_000 + n) for n in range(10)] for i, name in enumerate(SIDES)}
    return {
        "bars": bar_chart("c", "t", "d", [Point(LONG_LABEL, 4_059_445), Point("Refugees", 3_297_860)]),
        "lines": line_chart("c", "t", "d", years),
        "steps": step_chart("c", "t", "d", {"Russian Federation": [(JAN_1, 55), (JAN_11, 303)]}),
        "ranges": range_bar_chart("c", "t", "d", SIDES, DEMO_EXCHANGES),
    }


# --- what every chart carries ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", every_chart().keys())
def test_a_chart_is_an_image_named_by_its_title_and_description(kind):
    root = parse(every_chart()[kind])

    assert attrs(root, "class", "role", "aria-labelledby") == ("chart", "img", "c-title c-desc")
    assert attrs(root, "width", "preserveAspectRatio") == ("100%", "xMinYMin meet")
    assert root.get("viewBox").startswith("0 0 600 ")
    assert (root[0].tag, root[0].get("id"), root[1].tag, root[1].get("id")) == (
        f"{SVG}title",
        "c-title",
        f"{SVG}desc",
        "c-desc",
    )


@pytest.mark.parametrize("kind", every_chart().keys())
def test_every_text_is_sized_by_the_stylesheet_and_lies_inside_the_picture(kind):
    root = parse(every_chart()[kind])

    assert all("chart-text" in t.get("class").split() for t in root.iter(f"{SVG}text"))
    assert_every_text_inside(root)


def attrs(element, *names):
    return tuple(element.get(name) for name in names)


def test_title_and_description_are_escaped():
    svg = str(bar_chart("c", "<script>", "a & b", [Point("<b>x</b>", 1)]))

    assert "<script>" not in svg and "<b>" not in svg
    assert "&lt;script&gt;" in svg and "a &amp; b" in svg


# --- measuring and wrapping text --------------------------------------------------------------------------


def test_the_width_estimate_is_never_narrower_than_dejavu_sans():
    """DejaVu Sans (the widest common face, and Debian's system-ui) draws "Russian Federation: 303" 11.9 em
    wide; the digits of "4,059,445" take 0.636 em each and the commas 0.318 em."""
    assert text_width("Russian Federation: 303", 10) >= 119
    assert text_width("4,059,445", 10) >= 7 * 6.36 + 2 * 3.18


def test_wrapping_keeps_every_line_within_the_width_and_every_word():
    lines = wrap(LONG_LABEL, 300)

    assert len(lines) > 1
    assert all(text_width(line) <= 300 for line in lines)
    assert " ".join(lines) == LONG_LABEL


def test_a_word_longer_than_the_width_is_split_rather_than_left_to_overflow():
    lines = wrap("Supercalifragilisticexpialidocious", 100)

    assert "".join(lines) == "Supercalifragilisticexpialidocious"
    assert all(text_width(line) <= 100 for line in lines)


# --- ticks ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("top", "ticks"),
    [
        (0, [0, 1]),
        (1, [0, 1]),
        (3, [0, 1, 2, 3]),
        (111, [0, 25, 50, 75, 100, 125]),
        (230, [0, 50, 100, 150, 200, 250]),
        (260, [0, 100, 200, 300]),
        (4_971_999, [0, 1_000_000, 2_000_000, 3_000_000, 4_000_000, 5_000_000]),
    ],
)
def test_ticks_are_round_numbers_from_zero_past_the_top(top, ticks):
    assert nice_ticks(top) == ticks


@pytest.mark.parametrize("top", [3, 7, 19, 48, 99, 101, 248, 999, 1001, 12_345, 110_000_000])
def test_there_are_four_to_six_ticks_to_read_a_value_by(top):
    ticks = nice_ticks(top)

    assert 4 <= len(ticks) <= 6
    assert ticks[-2] < top <= ticks[-1]


# --- horizontal bars ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("points", [[], [Point("unknown", None)]])
def test_no_bar_chart_without_a_known_value(points):
    assert bar_chart("c", "t", "d", points) == ""


def test_bars_are_drawn_in_order_each_under_its_label_skipping_unknown_values():
    root = parse(bar_chart("c", "t", "d", [Point("Ukraine", 200), Point("unknown", None), Point("Russia", 50)]))

    assert texts(root, "chart-label") == ["Ukraine", "Russia"]
    assert texts(root, "chart-value") == ["200", "50"]
    label, bar = next(root.iter(f"{SVG}text")), next(root.iter(f"{SVG}rect"))
    assert float(label.get("y")) + DESCENT <= float(bar.get("y"))


def test_a_long_label_wraps_above_its_bar_and_never_runs_into_it():
    """Today's defect: a 220 px label column cut "Other people in need of international protection"."""
    root = parse(bar_chart("c", "t", "d", [Point(LONG_LABEL, 5)]))
    label = next(t for t in root.iter(f"{SVG}text") if "chart-label" in t.get("class"))
    bar = next(root.iter(f"{SVG}rect"))

    assert " ".join(label.itertext()) == LONG_LABEL
    assert len(label.findall(f"{SVG}tspan")) == 2
    assert max(y for _x, y, _w, _a in lines_of(label)) + DESCENT <= float(bar.get("y"))


def test_the_longest_bar_leaves_room_for_its_value_and_the_others_are_in_proportion():
    root = parse(bar_chart("c", "t", "d", [Point("a", 200), Point("b", 50), Point("c", 0)]))
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect")]
    value = [t for t in root.iter(f"{SVG}text") if "chart-value" in t.get("class")][0]

    assert widths[1] == round(widths[0] / 4)
    assert widths[2] == 1  # a zero stays visible as one unit
    assert float(value.get("x")) + text_width("200") <= 600


# --- lines over time -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("series", [{}, {"returned": []}])
def test_no_line_chart_without_a_point(series):
    assert line_chart("c", "t", "d", series) == ""
    assert step_chart("c", "t", "d", series) == ""


def test_more_series_than_colours_must_be_grouped_first():
    series = {f"type {n}": [(2020, n)] for n in range(SERIES_COLOURS + 1)}

    with pytest.raises(ValueError, match="group the rest"):
        line_chart("c", "t", "d", series)


def test_each_series_has_its_own_colour_marker_and_line_pattern_named_in_a_legend():
    series = {f"type {n}": [(2020, n + 1), (2021, n + 2)] for n in range(SERIES_COLOURS)}
    root = parse(line_chart("c", "t", "d", series))

    assert texts(root, "chart-legend") == list(series)
    lines = plotted(root, "polyline")
    assert [re.search(r"chart-series-(\d)", line.get("class")).group(1) for line in lines] == [
        str(n) for n in range(SERIES_COLOURS)
    ]
    assert len({line.get("stroke-dasharray") for line in lines}) == SERIES_COLOURS
    shapes = {m.tag for m in root.iter() if "chart-marker" in m.get("class", "")}
    assert shapes == {f"{SVG}circle", f"{SVG}rect", f"{SVG}polygon"}


def test_the_series_that_groups_the_rest_is_drawn_grey():
    root = parse(line_chart("c", "t", "d", {"Refugees": [(2020, 5)], "Other types": [(2020, 3)]}, other="Other types"))

    classes = {cls for e in root.iter() for cls in e.get("class", "").split() if cls.startswith("chart-series-")}
    assert classes == {"chart-series-0", "chart-series-other"}


def test_a_year_without_a_figure_leaves_a_gap_in_the_line():
    root = parse(line_chart("c", "t", "d", {"Refugees": [(2015, 5), (2016, 6), (2018, 8), (2019, 9)]}))

    runs = [line.get("points").split() for line in plotted(root, "polyline")]
    assert [len(run) for run in runs] == [2, 2]
    assert len([m for m in root if "chart-marker" in m.get("class", "")]) == 4


def test_a_step_chart_holds_each_level_until_the_next_date():
    root = parse(step_chart("c", "t", "d", {"x": [(JAN_1, 10), (JAN_11, 30)]}))
    points = [tuple(map(float, p.split(","))) for p in plotted(root, "polyline")[0].get("points").split()]

    assert len(points) == 3
    assert points[0][1] == points[1][1] and points[1][0] == points[2][0]


def test_the_value_axis_starts_at_zero_with_grid_lines_at_its_ticks():
    root = parse(line_chart("c", "t", "d", {"Refugees": [(2020, 230), (2021, 120)]}))

    assert texts(root, "chart-tick")[:6] == ["0", "50", "100", "150", "200", "250"]
    assert len([g for g in root.iter(f"{SVG}line") if g.get("class") == "chart-grid"]) == 5


def test_time_ticks_are_labelled_at_their_own_precision_never_as_iso_dates():
    years = parse(step_chart("c", "t", "d", {"x": [(datetime.date(2022, 9, 1), 55), (datetime.date(2024, 1, 3), 303)]}))
    months = parse(step_chart("c", "t", "d", {"x": [(JAN_1, 1), (datetime.date(2024, 9, 30), 2)]}))

    assert texts(years, "chart-tick")[-2:] == ["2023", "2024"]
    assert "September 2024" in texts(months, "chart-tick") or "July 2024" in texts(months, "chart-tick")
    for root in (years, months):
        assert not any(re.fullmatch(r"\d{4}-\d\d-\d\d", t) for t in texts(root))


def test_year_ticks_thin_out_so_that_their_labels_keep_apart():
    root = parse(line_chart("c", "t", "d", {"x": [(year, 1) for year in range(1950, 2025)]}))
    labels = [int(t) for t in texts(root, "chart-tick") if len(t) == 4 and t.isdigit() and int(t) > 1900]

    assert 3 <= len(labels) <= 10
    steps = {b - a for a, b in zip(labels, labels[1:], strict=False)}
    assert len(steps) == 1 and steps.pop() in {5, 10, 20, 25}


def test_a_series_name_is_never_drawn_at_the_end_of_its_line():
    """Today's defect: "Russian Federation: 303" was written after the last point, past the right edge."""
    root = parse(step_chart("c", "t", "d", {"Russian Federation": [(JAN_1, 55), (JAN_11, 303)]}))

    assert texts(root, "chart-legend") == ["Russian Federation"]
    assert not any("303" in t for t in texts(root))
    assert_every_text_inside(root)


# --- bars with the range of claims ---------------------------------------------------------------------------


def range_bars(root):
    return [
        (
            re.search(r"chart-series-(\d)", r.get("class")).group(1),
            r.get("data-value"),
            "chart-bar-lowest" in r.get("class"),
        )
        for r in root.iter(f"{SVG}rect")
        if r.get("data-value") is not None
    ]


def test_no_range_chart_without_a_bar():
    assert range_bar_chart("c", "t", "d", SIDES, []) == ""
    assert range_bar_chart("c", "t", "d", SIDES, [BarGroup("June 2023", (None, None))]) == ""


def test_one_bar_per_group_and_side_in_order_with_its_value_above_it():
    root = parse(range_bar_chart("c", "t", "d", SIDES, DEMO_EXCHANGES))

    assert range_bars(root) == [("0", "55", False), ("1", "215", False), ("0", "248", False), ("1", "230", False)]
    assert texts(root, "chart-value") == ["55", "215", "248", "230"]
    assert texts(root, "chart-tick")[-2:] == ["September 2022", "3 January 2024"]
    assert texts(root, "chart-legend") == [*SIDES, "Range of claims"]


def test_bar_heights_are_proportional_from_zero():
    root = parse(range_bar_chart("c", "t", "d", SIDES, DEMO_EXCHANGES))
    heights = {r.get("data-value"): float(r.get("height")) for r in root.iter(f"{SVG}rect") if r.get("data-value")}

    assert heights["215"] / heights["55"] == pytest.approx(215 / 55, rel=0.01)
    assert heights["248"] / heights["230"] == pytest.approx(248 / 230, rel=0.01)


def test_a_whisker_spans_the_range_of_claims_of_its_bar():
    root = parse(range_bar_chart("c", "t", "d", SIDES, DEMO_EXCHANGES))
    (whisker,) = [p for p in root.iter(f"{SVG}path") if p.get("class") == "chart-whisker"]
    bar = next(r for r in root.iter(f"{SVG}rect") if r.get("data-value") == "230")
    bottom = float(bar.get("y")) + float(bar.get("height"))
    per_unit = float(bar.get("height")) / 230
    x, low, high = map(float, re.match(r"M([\d.]+) ([\d.]+)V([\d.]+)", whisker.get("d")).groups())

    assert (whisker.get("data-low"), whisker.get("data-high")) == ("173", "230")
    assert x == pytest.approx(float(bar.get("x")) + float(bar.get("width")) / 2, abs=0.1)
    assert bottom - low == pytest.approx(173 * per_unit, abs=0.2)
    assert bottom - high == pytest.approx(230 * per_unit, abs=0.2)


def test_a_lowest_claim_is_an_open_bar_explained_in_the_legend():
    root = parse(range_bar_chart("c", "t", "d", SIDES, [BarGroup("June 2023", (RangeBar(10, 10, 20, True), None))]))

    assert range_bars(root) == [("0", "10", True)]
    assert "Lowest claim, no best estimate" in texts(root, "chart-legend")


def test_a_side_with_nothing_recorded_draws_no_bar_rather_than_a_zero():
    root = parse(range_bar_chart("c", "t", "d", SIDES, [BarGroup("June 2023", (None, RangeBar(40)))]))

    assert range_bars(root) == [("1", "40", False)]


def test_with_many_groups_labels_and_values_give_way_rather_than_overlap():
    groups = [BarGroup(f"{day} March 2023", (RangeBar(100_000 + day), RangeBar(200_000 + day))) for day in range(1, 31)]
    root = parse(range_bar_chart("c", "t", "d", SIDES, groups))

    assert len(range_bars(root)) == 60
    assert texts(root, "chart-value") == []  # 100,001 is wider than a bar
    dates = [t for t in root.iter(f"{SVG}text") if "March" in " ".join(t.itertext())]
    assert 1 <= len(dates) < 30
    assert_every_text_inside(root)
    boxes = sorted(
        (
            x - max(text_width(w) for *_r, w, _a in lines_of(t)) / 2,
            x + max(text_width(w) for *_r, w, _a in lines_of(t)) / 2,
        )
        for t in dates
        for x in [lines_of(t)[0][0]]
    )
    assert all(a[1] < b[0] for a, b in zip(boxes, boxes[1:], strict=False))


# --- colours ------------------------------------------------------------------------------------------------


def css_colour(rule):
    """The colour a rule (".chart-series-0") or a custom property ("--dispute") sets."""
    pattern = rf"{re.escape(rule)}:\s*#" if rule.startswith("--") else rf"{re.escape(rule)}\s*{{[^}}]*?#"
    return re.search(pattern + "([0-9a-fA-F]{6})", CSS.read_text()).group(1)


def hue(hex_colour):
    red, green, blue = (int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return colorsys.rgb_to_hls(red, green, blue)[0] * 360


def contrast_on_white(hex_colour):
    def linear(channel):
        return channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(int(hex_colour[i : i + 2], 16) / 255) for i in (0, 2, 4))
    return 1.05 / (0.2126 * red + 0.7152 * green + 0.0722 * blue + 0.05)


SERIES_RULES = [f".chart-series-{n}" for n in range(SERIES_COLOURS)] + [".chart-series-other"]


@pytest.mark.parametrize("rule", SERIES_RULES)
def test_series_colours_are_not_the_status_colours(rule):
    """Today's defect: the second and third series were drawn in the "disputed" red and the "best estimate"
    green, and the others in no colour at all."""
    colour = css_colour(rule)
    for status in ("--dispute", "--best"):
        status_hue = hue(css_colour(status))
        distance = abs(hue(colour) - status_hue) % 360
        assert min(distance, 360 - distance) >= 25, f"{rule} #{colour} is too close to {status}"
    assert contrast_on_white(colour) >= 3  # WCAG 1.4.11, graphical objects


def test_every_series_colour_is_a_colour_of_its_own():
    assert len({css_colour(rule).lower() for rule in SERIES_RULES}) == len(SERIES_RULES)


def test_chart_text_is_at_least_12_px_whatever_the_width_of_its_frame():
    """Sizes in user units per container width (site.css): at the narrowest width of each band, the text
    drawn is at least 12 px; the narrowest band goes down to a 390 px screen's 358 px frame."""
    css = CSS.read_text()
    base = float(re.search(r"\.chart-text \{[^}]*font-size: (\d+)px", css).group(1))
    bands = [
        (float(w) * 16, float(size))
        for w, size in re.findall(r"@container \(max-width: ([\d.]+)rem\) \{ \.chart-text \{ font-size: (\d+)px", css)
    ]
    bands.sort(reverse=True)
    floor = bands[0][0]
    assert base * floor / 600 >= 12
    for (_width, size), narrower in zip(bands, [*bands[1:], (358, None)], strict=True):
        assert size * narrower[0] / 600 >= 12, f"{size} units drawn {narrower[0]} px wide"
    assert max(size for _w, size in bands) <= FONT  # the layout reserves room for the largest
    assert LINE >= ASCENT + DESCENT  # lines of text never overlap
