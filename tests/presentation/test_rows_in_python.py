"""The parts of pages written in Python rather than by the template engine (knowledgebase.presentation
.templatetags.kb, knowledgebase.events.filters.PlainSelect): they write what the templates they replace wrote,
with every text escaped, without the database."""

import datetime

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from knowledgebase.actors.models import Actor, Organization
from knowledgebase.events.filters import SORT_CHOICES, PlainSelect
from knowledgebase.events.models import Event
from knowledgebase.events.selectors import ExchangeCount
from knowledgebase.presentation.templatetags.kb import exchange_count, fixed_url, source_citation
from knowledgebase.sources.models import Source

HOSTILE = "<b>\"A\" & 'B'</b>"
ESCAPED = "&lt;b&gt;&quot;A&quot; &amp; &#x27;B&#x27;&lt;/b&gt;"


def test_a_source_is_cited_with_its_publisher_date_archive_and_grade_every_text_escaped():
    source = Source(
        title=HOSTILE,
        url="https://example.org/report?a=1&b=2",
        archive_url="https://web.archive.org/web/2024/https://example.org/report",
        publisher=Organization(name="Publisher & Co"),
        published_date=datetime.date(2024, 1, 3),
        reliability="B",
    )
    methodology = reverse("pages:methodology")

    assert str(source_citation(source)) == (
        f'<cite class="source"><a href="https://example.org/report?a=1&amp;b=2" rel="noopener">{ESCAPED}</a></cite>'
        " (Publisher &amp; Co, 3 January 2024)"
        ' <a class="source-archive" href="https://web.archive.org/web/2024/https://example.org/report" rel="noopener">'
        f'archived copy<span class="visually-hidden">: {ESCAPED}</span></a>'
        f' <a class="grade grade-B" href="{methodology}#reliability" title="{source.get_reliability_display()}">'
        "reliability B</a>"
    )


@pytest.mark.parametrize(
    ("reliability", "grade"),
    [
        ("", '<a class="grade grade-none" href="{}#reliability">reliability not graded</a>'),
        ("F", '<a class="grade grade-F" href="{}#reliability">reliability cannot be judged (F)</a>'),
    ],
)
def test_a_source_without_address_or_grade_says_so(reliability, grade):
    source = Source(title="Statement", published_date=datetime.date(2024, 1, 3), reliability=reliability)
    methodology = reverse("pages:methodology")

    html = str(source_citation(source))

    assert html == f'<cite class="source">Statement</cite> (3 January 2024) {grade.format(methodology)}'


@pytest.mark.parametrize("value", [None, "", "true", "false", "unknown", ["true"]])
@pytest.mark.parametrize("language", ["en", "uk"])
def test_the_plain_select_writes_what_djangos_select_writes(value, language):
    choices = [("", "Any"), ("true", HOSTILE), ("false", "Not disputed")]
    attrs = {"id": "id_disputed", "aria-invalid": "true", "required": True, "disabled": False}
    with translation.override(language):
        for options in (choices, SORT_CHOICES):
            assert PlainSelect(choices=options).render("disputed", value, attrs) == forms.Select(
                choices=options
            ).render("disputed", value, attrs)


def test_an_address_without_arguments_follows_the_language():
    with translation.override("uk"):
        assert fixed_url("events:list") == reverse("events:list")
        ukrainian = fixed_url("events:list")
    assert fixed_url("events:list") == reverse("events:list") != ukrainian


def _count(number, recorded, total):
    counter = Actor(name=HOSTILE, slug="counter")
    event = Event(start_date=datetime.date(2024, 1, 3), date_precision="day")
    return ExchangeCount(number, counter, event, recorded, total)


def test_the_exchange_count_names_who_counts_escaped_and_why_no_total_is_shown():
    html = str(exchange_count(_count(1200, 30, 31)))

    assert (
        f'The sources count more: <a href="/actors/counter/">{ESCAPED}</a> counted the exchange of 3 January 2024 '
        "as number 1,200, and 30 of those 1,200 are recorded here."
    ) in html
    assert "31 exchanges are recorded here." in html
    assert "would understate what happened" in html
    assert html.startswith('<p class="notice exchange-count">') and html.endswith("</p>")


def test_without_a_count_by_the_sources_the_list_may_be_incomplete():
    html = str(exchange_count(ExchangeCount(None, None, None, 0, 1)))

    assert "1 exchange is recorded here." in html
    assert "so this list may be incomplete" in html
