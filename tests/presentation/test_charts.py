"""Server-drawn SVG charts (knowledgebase.presentation.charts), without the database: what they say must match the
numbers in the table beside them, so their geometry is pinned here."""

import datetime
import xml.etree.ElementTree as ET

import pytest

from knowledgebase.presentation.charts import Point, bar_chart, step_chart

SVG = "{http://www.w3.org/2000/svg}"
JAN_1, JAN_6, JAN_11 = datetime.date(2024, 1, 1), datetime.date(2024, 1, 6), datetime.date(2024, 1, 11)


def parse(svg):
    """The chart's root element, once it is checked to hold nothing but elements: characters between them
    would be invalid SVG content, and read out by some screen readers."""
    root = ET.fromstring(str(svg))
    for element in root.iter():
        assert not (element.tail or "").strip(), f"stray text after <{element.tag}>: {element.tail!r}"
        if element.tag not in {f"{SVG}title", f"{SVG}desc", f"{SVG}text"}:
            assert not (element.text or "").strip(), f"stray text in <{element.tag}>: {element.text!r}"
    return root


def children(root, tag):
    return root.findall(f"{SVG}{tag}")


def attrs(element, *names):
    return tuple(element.get(name) for name in names)


# --- what every chart carries ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "draw",
    [
        lambda *head: bar_chart(*head, [Point("Ukraine", 230)]),
        lambda *head: step_chart(*head, {"returned": [(JAN_1, 230)]}),
    ],
)
def test_a_chart_is_an_image_named_by_its_title_and_description(draw):
    root = parse(draw("exchanges", "Returned <by side>", "Bars & numbers"))

    assert root.tag == f"{SVG}svg"
    assert attrs(root, "id", "class", "role", "aria-labelledby") == (
        "exchanges",
        "chart",
        "img",
        "exchanges-title exchanges-desc",
    )
    assert attrs(root, "width", "preserveAspectRatio") == ("100%", "xMinYMin meet")
    assert root.get("viewBox").startswith("0 0 640 ")
    title, desc = root[0], root[1]
    assert (title.tag, title.get("id"), title.text) == (f"{SVG}title", "exchanges-title", "Returned <by side>")
    assert (desc.tag, desc.get("id"), desc.text) == (f"{SVG}desc", "exchanges-desc", "Bars & numbers")


def test_title_and_description_are_escaped():
    svg = str(bar_chart("c", "<script>", "a & b", [Point("x", 1)]))

    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg and "a &amp; b" in svg


# --- bar charts -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("points", [[], [Point("unknown", None)]])
def test_no_bar_chart_without_a_known_value(points):
    assert bar_chart("c", "t", "d", points) == ""


def test_bars_are_drawn_in_order_one_row_each_skipping_unknown_values():
    root = parse(bar_chart("c", "t", "d", [Point("Ukraine", 200), Point("unknown", None), Point("Russia", 50)]))

    labels = [t.text for t in children(root, "text") if t.get("class") == "chart-label"]
    values = [t.text for t in children(root, "text") if t.get("class") == "chart-value"]
    assert labels == ["Ukraine", "Russia"]
    assert values == ["200", "50"]
    assert [r.get("class") for r in children(root, "rect")] == ["chart-bar", "chart-bar"]


def test_the_longest_bar_fills_the_plot_and_the_others_are_in_proportion():
    """The plot is 306 px wide: 640 minus the 220 px label column, two 12 px margins and 90 px for the value."""
    root = parse(bar_chart("c", "t", "d", [Point("a", 200), Point("b", 50), Point("c", 101)]))

    assert [r.get("width") for r in children(root, "rect")] == ["306", "76", "155"]  # 76.5 and 154.53 rounded


def test_a_zero_bar_stays_visible_as_one_pixel():
    root = parse(bar_chart("c", "t", "d", [Point("a", 1000), Point("none", 0)]))

    assert [r.get("width") for r in children(root, "rect")] == ["306", "1"]


def test_bars_of_zero_only_draw_one_pixel_each():
    root = parse(bar_chart("c", "t", "d", [Point("a", 0), Point("b", 0)]))

    assert [r.get("width") for r in children(root, "rect")] == ["1", "1"]


def test_bar_rows_are_28_px_bars_36_px_apart_with_labels_on_their_baseline():
    root = parse(bar_chart("c", "t", "d", [Point("Ukraine", 1200), Point("Russia", 600)]))
    label_1, value_1, label_2, value_2 = children(root, "text")
    bar_1, bar_2 = children(root, "rect")

    assert attrs(bar_1, "x", "y", "width", "height") == ("220", "12", "306", "28")
    assert attrs(bar_2, "x", "y", "width", "height") == ("220", "48", "153", "28")
    # labels start at the margin; values 6 px after the end of their bar; both at 65 % of the bar's height
    assert attrs(label_1, "x", "y") == ("12", "30.2")
    assert attrs(value_1, "x", "y") == ("532", "30.2")
    assert attrs(label_2, "x", "y") == ("12", "66.2")
    assert attrs(value_2, "x", "y") == ("379", "66.2")
    assert (value_1.text, value_2.text) == ("1,200", "600")


def test_the_bar_chart_is_as_tall_as_its_rows_and_margins():
    root = parse(bar_chart("c", "t", "d", [Point(str(n), n) for n in range(1, 4)]))

    assert root.get("viewBox") == "0 0 640 132"  # 2 × 12 + 3 × 36


# --- step charts ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("series", [{}, {"returned": []}])
def test_no_step_chart_without_a_point(series):
    assert step_chart("c", "t", "d", series) == ""


def two_series():
    return step_chart("c", "t", "d", {"Ukraine": [(JAN_1, 10), (JAN_11, 3000)], "Russia": [(JAN_6, 500)]})


def test_axes_run_along_the_bottom_and_the_left_of_the_plot():
    root = parse(two_series())
    x_axis, y_axis = children(root, "line")

    assert [x_axis.get("class"), y_axis.get("class")] == ["chart-axis", "chart-axis"]
    assert attrs(x_axis, "x1", "y1", "x2", "y2") == ("70", "200", "500", "200")
    assert attrs(y_axis, "x1", "y1", "x2", "y2") == ("70", "16", "70", "200")
    assert root.get("viewBox") == "0 0 640 230"


def test_ticks_give_the_largest_value_zero_and_the_first_and_last_dates():
    root = parse(two_series())
    ticks = [t for t in children(root, "text") if t.get("class") == "chart-tick"]

    assert [(t.text, *attrs(t, "x", "y", "text-anchor")) for t in ticks] == [
        ("3,000", "64", "20", "end"),
        ("0", "64", "204", "end"),
        ("2024-01-01", "70", "218", None),
        ("2024-01-11", "500", "218", "end"),
    ]


def test_a_series_steps_flat_until_the_next_date_then_up_to_the_new_value():
    """A running total holds its value between reports: no slope suggests numbers nobody reported."""
    root = parse(two_series())
    ukraine, russia = children(root, "polyline")

    assert ukraine.get("class") == "chart-line chart-series-0"
    # 10 on 1 January at the left, flat to 11 January at the right, then up to 3,000 at the top
    assert ukraine.get("points") == "70.0,199.4 500.0,199.4 500.0,16.0"
    # dates are placed between the first and last date of all series: 6 January is half way
    assert russia.get("class") == "chart-line chart-series-1"
    assert russia.get("points") == "285.0,169.3"


def test_every_reported_value_is_a_dot():
    root = parse(two_series())

    assert [(c.get("class"), *attrs(c, "cx", "cy", "r")) for c in children(root, "circle")] == [
        ("chart-dot chart-series-0", "70.0", "199.4", "4"),
        ("chart-dot chart-series-0", "500.0", "16.0", "4"),
        ("chart-dot chart-series-1", "285.0", "169.3", "4"),
    ]


def test_each_series_is_named_with_its_last_value_beside_its_last_point():
    """8 px to the right, 4 px down to sit on the line, and 14 px lower per series so labels do not overlap."""
    root = parse(two_series())
    labels = [t for t in children(root, "text") if t.get("class", "").startswith("chart-series-label")]

    assert [(t.text, t.get("class"), *attrs(t, "x", "y")) for t in labels] == [
        ("Ukraine: 3,000", "chart-series-label chart-series-0", "508.0", "20.0"),
        ("Russia: 500", "chart-series-label chart-series-1", "293.0", "187.3"),
    ]


def test_a_series_without_points_is_left_out_and_takes_no_colour():
    root = parse(step_chart("c", "t", "d", {"empty": [], "Ukraine": [(JAN_1, 5), (JAN_6, 7)]}))

    assert [p.get("class") for p in children(root, "polyline")] == ["chart-line chart-series-0"]


def test_a_single_date_is_drawn_in_the_middle():
    root = parse(step_chart("c", "t", "d", {"Ukraine": [(JAN_6, 40)], "Russia": [(JAN_6, 20)]}))

    assert [p.get("points") for p in children(root, "polyline")] == ["285.0,16.0", "285.0,108.0"]


def test_dates_are_spread_over_the_days_between_the_first_and_the_last():
    root = parse(step_chart("c", "t", "d", {"x": [(JAN_1, 1), (datetime.date(2024, 1, 2), 1), (JAN_11, 1)]}))

    assert [c.get("cx") for c in children(root, "circle")] == ["70.0", "113.0", "500.0"]


def test_two_consecutive_days_span_the_whole_width():
    root = parse(step_chart("c", "t", "d", {"x": [(JAN_1, 1), (datetime.date(2024, 1, 2), 2)]}))

    assert [c.get("cx") for c in children(root, "circle")] == ["70.0", "500.0"]


def test_values_of_zero_lie_on_the_axis_under_a_top_tick_of_one():
    root = parse(step_chart("c", "t", "d", {"x": [(JAN_1, 0), (JAN_11, 0)]}))

    assert children(root, "polyline")[0].get("points") == "70.0,200.0 500.0,200.0 500.0,200.0"
    assert children(root, "text")[0].text == "1"
