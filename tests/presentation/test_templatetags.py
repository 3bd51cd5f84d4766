"""Template helpers (knowledgebase.presentation.templatetags.kb), without the database: a date reads at the
precision it is known, and data blocks cannot close their element."""

import datetime

import pytest
from django.utils.safestring import SafeData

from knowledgebase.presentation.templatetags.kb import date_range, highlight_filter, jsonld, precise_date

JAN_3 = datetime.date(2024, 1, 3)


@pytest.mark.parametrize(
    ("precision", "text"),
    [
        ("day", "3 January 2024"),
        ("week", "week of 3 January 2024"),
        ("month", "January 2024"),
        ("season", "Winter 2024"),
        ("year", "2024"),
        ("approximate", "about January 2024"),
    ],
)
def test_a_date_reads_at_the_precision_it_is_known(precision, text):
    assert precise_date(JAN_3, precision) == text


def test_a_missing_date_reads_undated_and_a_text_stays_as_it_is():
    assert precise_date(None) == "undated"
    assert precise_date("early 2024") == "early 2024"


@pytest.mark.parametrize(
    ("months", "season"),
    [((12, 1, 2), "Winter"), ((3, 4, 5), "Spring"), ((6, 7, 8), "Summer"), ((9, 10, 11), "Autumn")],
)
def test_seasons_are_the_northern_hemisphere_meteorological_ones(months, season):
    for month in months:
        assert precise_date(datetime.date(2023, month, 15), "season") == f"{season} 2023"


def test_a_range_shows_both_ends_unless_they_read_the_same():
    end = datetime.date(2024, 1, 20)

    assert date_range(JAN_3, end) == "3 January 2024 – 20 January 2024"
    assert date_range(JAN_3, end, "month") == "January 2024"
    assert date_range(JAN_3, None) == date_range(JAN_3, JAN_3) == "3 January 2024"


def test_a_json_ld_block_escapes_what_could_close_it():
    html = str(jsonld({"name": "</script><script>alert(1)</script> & Україна"}))

    assert html == (
        '<script type="application/ld+json">'
        '{"name": "\\u003C/script\\u003E\\u003Cscript\\u003Ealert(1)\\u003C/script\\u003E \\u0026 Україна"}</script>'
    )


def test_without_a_query_a_text_is_left_to_the_templates_escaping():
    text = highlight_filter("<b>Kyiv</b>", "")

    assert text == "<b>Kyiv</b>"
    assert not isinstance(text, SafeData)
