"""Dates at their precision, numbers and qualifiers in the reader's language (presentation.formatting and the
kb tag library), without the database: any query here would fail the test."""

import datetime

import pytest
from django.utils import timezone, translation

from knowledgebase.presentation.charts import step_chart
from knowledgebase.presentation.formatting import day_date, locale_format, number, stated_value
from knowledgebase.presentation.templatetags.kb import date_range, precise_date, today
from tests.presentation.test_formatting import Claim

JAN_3 = datetime.date(2024, 1, 3)
SEP_2022 = datetime.date(2022, 9, 21)
NBSP = "\xa0"


@pytest.mark.parametrize(
    ("date", "precision", "text"),
    [
        (JAN_3, "day", "3 січня 2024"),
        (SEP_2022, "month", "вересень 2022"),
        (SEP_2022, "year", "2022"),
        (JAN_3, "week", "тиждень від 3 січня 2024"),
        (JAN_3, "approximate", "близько січня 2024"),
    ],
)
def test_a_date_reads_at_its_precision_in_ukrainian(date, precision, text):
    with translation.override("uk"):
        assert precise_date(date, precision) == text


def test_english_dates_are_unchanged_by_a_second_language():
    with translation.override("en"):
        assert precise_date(JAN_3) == "3 January 2024"
        assert precise_date(SEP_2022, "month") == "September 2022"
        assert precise_date(JAN_3, "approximate") == "about January 2024"


def test_a_ukrainian_range_reads_both_ends_in_ukrainian():
    with translation.override("uk"):
        assert date_range(JAN_3, datetime.date(2024, 1, 20)) == "3 січня 2024 – 20 січня 2024"


def test_a_language_without_a_formats_module_gets_the_defaults_in_its_own_words():
    with translation.override("fr"):
        assert locale_format("DAY_DATE_FORMAT") == "j F Y"
        assert precise_date(JAN_3) == "3 janvier 2024"


def test_numbers_are_grouped_as_the_language_groups_them():
    with translation.override("uk"):
        assert number(1234567) == f"1{NBSP}234{NBSP}567"
    with translation.override("en"):
        assert number(1234567) == "1,234,567"


@pytest.mark.parametrize(
    ("claim", "text"),
    [
        (Claim(230, "up-to"), "до 230"),
        (Claim(200, "more-than"), "понад 200"),
        (Claim(1250, "exact"), f"1{NBSP}250"),
        (Claim(215, "about", low=200), "близько 215 (200–…)"),
    ],
)
def test_a_claim_reads_with_its_qualifier_in_ukrainian(claim, text):
    with translation.override("uk"):
        assert stated_value(claim) == text


def test_chart_month_ticks_follow_the_language():
    series = {"x": [(datetime.date(2024, 1, 1), 1), (datetime.date(2024, 9, 30), 2)]}

    with translation.override("uk"):
        svg = str(step_chart("c", "t", "d", series))

    assert "вересень 2024" in svg or "липень 2024" in svg
    assert "September" not in svg and "July" not in svg


def test_a_moment_reads_as_its_local_day_and_nothing_as_nothing(settings):
    settings.TIME_ZONE = "Europe/Kyiv"
    late_evening_utc = datetime.datetime(2024, 1, 2, 23, 30, tzinfo=datetime.UTC)

    with translation.override("uk"):
        assert day_date(late_evening_utc) == "3 січня 2024"
        assert day_date(None) == ""


def test_the_same_day_reads_in_each_language_in_turn():
    day = datetime.date(2024, 1, 3)
    readings = []
    for language in ("en", "uk", "en"):
        with translation.override(language):
            readings.append(day_date(day))

    assert readings == ["3 January 2024", "3 січня 2024", "3 January 2024"]


def test_today_reads_in_the_active_language():
    with translation.override("uk"):
        assert today() == day_date(timezone.localdate())
        assert not any(name in today() for name in ("January", "February", "November", "December"))
