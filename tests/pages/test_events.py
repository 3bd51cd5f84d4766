"""The public event list (/events/), event pages and the POW exchange tracker, over HTTP, on the demo content."""

import csv
import datetime
import re
import xml.etree.ElementTree as ET
from html import unescape
from unittest import mock

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from pytest_django.asserts import assertContains, assertNotContains

from knowledgebase.core.views import CappedPaginator, SelectionPaginator
from knowledgebase.events.models import Event, EventType, Figure, Measure
from tests import factories
from tests.conftest import DRAFT_EVENT, JAN_2024_EXCHANGE, SEP_2022_EXCHANGE, SUMMER_2023_FREEZE
from tests.reading import chips, empty_result, facet, visible_text

# Public identifiers of other seed events, as in fixtures/demo.json.
POWS_IN_COMBAT = "pkryf4za"
POWS_AS_SHIELDS = "9eb14hes"
POWS_EXECUTED = "by0q26qj"
DEFENCE_OUTPUT = "r794c73z"
NATO_COUNCIL_MEETING = "b8yce68d"
NATO_AIR_SUPPORT = "4xmy1j5b"
TOKAYEV_INTERVIEW = "phtbt5hp"
PUBLISHED_SEED_EVENTS = 14
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def draft_title(shared_demo_content):
    return Event.objects.get(public_id=DRAFT_EVENT).title


def listed_ids(response):
    """Public ids of the event rows on a list page, in order."""
    return re.findall(r'class="event-title"><a href="/events/([0-9a-z]+)/"', response.content.decode())


def measure_section(response, slug):
    html = response.content.decode()
    start = html.rindex("<section", 0, html.index(f'aria-labelledby="measure-{slug}"'))
    return html[start : html.index("</section>", start)]


# --- Filters -------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["UA", "RU"])
def test_country_and_type_list_exactly_the_two_seed_exchanges(shared_demo_content, client, code):
    response = client.get("/events/", {"country": code, "type": "prisoner-exchange"})

    assert response.status_code == 200
    assert listed_ids(response) == [JAN_2024_EXCHANGE, SEP_2022_EXCHANGE]
    assertContains(response, "2 events")


def test_every_published_event_is_listed_and_counted_without_filters(shared_demo_content, client):
    response = client.get("/events/")

    assert len(listed_ids(response)) == PUBLISHED_SEED_EVENTS
    assertContains(response, f"{PUBLISHED_SEED_EVENTS} events")


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("/events/", "2,014 events"),
        ("/displacement/", "2,014 statistics"),
        ("/actors/", "2,014 actors"),
        ("/organizations/", "2,014 organisations"),
        ("/briefs/", "2,014 briefs"),
    ],
)
def test_a_count_in_thousands_reads_with_its_separator_not_as_a_year(shared_demo_content, client, path, text):
    count = property(lambda paginator: 2014)
    with mock.patch.object(CappedPaginator, "count", count), mock.patch.object(SelectionPaginator, "count", count):
        response = client.get(path)

    assertContains(response, text)


def test_result_count_is_singular_for_one_event(shared_demo_content, client):
    response = client.get("/events/", {"country": "KZ"})

    assert listed_ids(response) == [TOKAYEV_INTERVIEW]
    assertContains(response, '<p class="result-count" role="status">1 event</p>', html=True)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"type": ["prisoner-exchange", "exchange-suspension"]},
            {JAN_2024_EXCHANGE, SEP_2022_EXCHANGE, SUMMER_2023_FREEZE},
        ),
        ({"theme": ["defence-industry", "air-defence"]}, {DEFENCE_OUTPUT, NATO_COUNCIL_MEETING, NATO_AIR_SUPPORT}),
        ({"actor": ["viktor-medvedchuk", "petro-yatsenko"]}, {SEP_2022_EXCHANGE, SUMMER_2023_FREEZE}),
        ({"organization": ["nato", "nato-ukraine-council"]}, {NATO_AIR_SUPPORT, NATO_COUNCIL_MEETING}),
        ({"provision": ["gc3-art-23", "gc3-art-13"]}, {POWS_AS_SHIELDS, POWS_EXECUTED}),
        ({"country": ["KZ"], "type": ["announcement", "prisoner-exchange"]}, {TOKAYEV_INTERVIEW}),
    ],
    ids=["type", "theme", "actor", "organization", "provision", "country-and-types"],
)
def test_a_repeated_parameter_means_any_of_its_values(shared_demo_content, client, params, expected):
    response = client.get("/events/", params)

    assert response.status_code == 200
    assert set(listed_ids(response)) == expected
    assert len(listed_ids(response)) == len(expected)  # EXISTS filters: no duplicate rows


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"category": "detention-and-pows"},
            {JAN_2024_EXCHANGE, SEP_2022_EXCHANGE, SUMMER_2023_FREEZE, POWS_IN_COMBAT, POWS_AS_SHIELDS, POWS_EXECUTED},
        ),
        ({"theme": "ihl-compliance"}, {POWS_IN_COMBAT, POWS_AS_SHIELDS, POWS_EXECUTED}),
        ({"actor": "viktor-medvedchuk"}, {SEP_2022_EXCHANGE}),
        ({"organization": "nato-ukraine-council"}, {NATO_COUNCIL_MEETING}),
        ({"provision": "gc3-art-130"}, {POWS_IN_COMBAT, POWS_EXECUTED}),
        ({"disputed": "true"}, {JAN_2024_EXCHANGE}),
        ({"date_after": "2022-01-01", "date_before": "2023-12-31"}, {SEP_2022_EXCHANGE, SUMMER_2023_FREEZE}),
        ({"date_before": "2022-09-01"}, {SEP_2022_EXCHANGE}),
    ],
    ids=["category", "theme", "actor", "organization", "provision", "disputed", "date-range", "date-bound-inclusive"],
)
def test_each_filter_narrows_the_list(shared_demo_content, client, params, expected):
    response = client.get("/events/", params)

    assert response.status_code == 200
    assert set(listed_ids(response)) == expected


def test_not_disputed_lists_every_other_published_event(shared_demo_content, client):
    response = client.get("/events/", {"disputed": "false"})

    ids = listed_ids(response)
    assert len(ids) == PUBLISHED_SEED_EVENTS - 1
    assert JAN_2024_EXCHANGE not in ids


def test_actor_filter_names_who_takes_part_with_a_way_to_remove_it(shared_demo_content, client):
    response = client.get("/events/", {"actor": "viktor-medvedchuk", "country": "UA"})

    assertContains(response, '<a href="/actors/viktor-medvedchuk/">Viktor Medvedchuk</a>')
    assertContains(response, 'href="?country=UA">Remove this filter</a>')


def test_search_for_the_seed_misspelling_finds_the_september_2022_exchange_first(shared_demo_content, client):
    response = client.get("/events/", {"q": "Medvechuk"})

    assert response.status_code == 200
    assert listed_ids(response)[0] == SEP_2022_EXCHANGE


def test_search_by_the_correct_spelling_finds_the_same_exchange(shared_demo_content, client):
    response = client.get("/events/", {"q": "Medvedchuk"})

    assert SEP_2022_EXCHANGE in listed_ids(response)


def test_search_combines_with_other_filters(shared_demo_content, client):
    response = client.get("/events/", {"q": "exchange", "date_before": "2023-01-01"})

    assert listed_ids(response) == [SEP_2022_EXCHANGE]


# --- Invalid input -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["not-a-date", "2024-13-45", "2024-02-30"])
def test_an_unreadable_date_answers_400_with_a_visible_form_error(shared_demo_content, client, value):
    response = client.get("/events/", {"date_after": value, "country": "UA"})

    assertContains(response, "Some filters could not be read", status_code=400)
    assertContains(response, "Enter a valid date.", status_code=400)
    assertContains(response, "No results are shown until the filters can be read.", status_code=400)
    assert listed_ids(response) == []


@pytest.mark.parametrize(
    ("param", "value", "label"),
    [
        ("type", "no-such-type", "Type"),
        ("category", "no-such-category", "Category"),
        ("theme", "no-such-theme", "Theme"),
        ("country", "XX", "Country"),
        ("country", "Ukraine", "Country"),
        ("actor", "nobody", "Actor"),
        ("organization", "no-such-organisation", "Organisation"),
        ("provision", "gc3-art-999", "IHL provision"),
    ],
)
def test_an_unknown_slug_or_code_answers_400_naming_the_filter_and_the_value(
    shared_demo_content, client, param, value, label
):
    response = client.get("/events/", {param: value})

    assertContains(
        response,
        f"{label}</a>: Select a valid choice. {value} is not one of the available choices.",
        status_code=400,
    )


def test_an_unknown_sort_answers_400(shared_demo_content, client):
    response = client.get("/events/", {"sort": "alphabetical"})

    assertContains(response, "Select a valid choice.", status_code=400)


def test_a_bad_page_number_falls_back_calmly_to_a_page(shared_demo_content, client):
    assert listed_ids(client.get("/events/", {"page": "abc"}))
    assert listed_ids(client.get("/events/", {"page": "999"}))


@pytest.mark.parametrize("query", ["“", "!!!", "'\"&|:*()"])
def test_a_search_of_only_punctuation_answers_calmly(shared_demo_content, client, query):
    response = client.get("/events/", {"q": query})

    assert response.status_code == 200
    assertContains(response, "0 events")


# --- Pagination and sorting ----------------------------------------------------------------------


@pytest.fixture
def thirty_events_of_a_new_type(shared_demo_content):
    event_type = factories.EventTypeFactory(slug="test-only-type", name="Test-only type")
    for day in range(1, 31):
        factories.SingleSaveEventFactory(
            published=True,
            event_type=event_type,
            title=f"Paged event {day:02d}",
            start_date=f"2023-03-{day:02d}",
            countries=["UA"],
        )
    return event_type


def test_pagination_links_keep_the_other_filters(client, thirty_events_of_a_new_type):
    response = client.get("/events/", {"type": "test-only-type", "country": "UA"})

    assertContains(response, "30 events")
    assert len(listed_ids(response)) == 25
    # Parameters come back in alphabetical order: one canonical address (and cache entry) per selection.
    assertContains(response, 'href="?country=UA&amp;type=test-only-type&amp;page=2" rel="next"')
    assertContains(response, "Page 1 of 2")


def test_the_second_page_holds_the_rest_and_links_back_with_the_filters(client, thirty_events_of_a_new_type):
    response = client.get("/events/", {"type": "test-only-type", "country": "UA", "page": "2"})

    assert len(listed_ids(response)) == 5
    assertContains(response, "Paged event 01")  # newest first: the oldest come last
    assertContains(response, 'href="?country=UA&amp;page=1&amp;type=test-only-type" rel="prev"')


def test_newest_first_is_the_default_sort(shared_demo_content, client):
    ids = listed_ids(client.get("/events/"))

    assert ids[-2:] == [SUMMER_2023_FREEZE, SEP_2022_EXCHANGE]
    assert listed_ids(client.get("/events/", {"sort": "newest"})) == ids


def test_oldest_first(shared_demo_content, client):
    ids = listed_ids(client.get("/events/", {"sort": "oldest"}))

    assert ids[:2] == [SEP_2022_EXCHANGE, SUMMER_2023_FREEZE]


def test_relevance_puts_the_best_match_first_and_newest_overrides_it(shared_demo_content, client):
    # The September 2022 exchange names Medvedchuk (alias Medvechuk) as a participant; the
    # January 2024 exchange only mentions him in its body text.
    by_relevance = listed_ids(client.get("/events/", {"q": "Medvechuk", "sort": "relevance"}))
    by_date = listed_ids(client.get("/events/", {"q": "Medvechuk", "sort": "newest"}))

    assert by_relevance == [SEP_2022_EXCHANGE, JAN_2024_EXCHANGE]
    assert by_date == [JAN_2024_EXCHANGE, SEP_2022_EXCHANGE]


# --- Drafts --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"type": "announcement"},
        {"country": "RU"},
        {"theme": "information-operations"},
        {"actor": "russian-milbloggers"},
        {"actor": "russian-ministry-of-defense"},
        {"q": "milbloggers"},
        {"date_after": "2024-01-03", "date_before": "2024-01-03"},
        {"disputed": "false", "sort": "oldest"},
    ],
)
def test_the_draft_event_is_absent_from_every_list(client, draft_title, params):
    response = client.get("/events/", params)

    assert response.status_code == 200
    assert DRAFT_EVENT not in listed_ids(response)
    assertNotContains(response, draft_title)


def test_the_draft_event_is_absent_from_the_list_for_editors_too(editor_client, draft_title):
    response = editor_client.get("/events/", {"actor": "russian-milbloggers"})

    assertContains(response, "0 events")
    assertNotContains(response, draft_title)


def test_the_draft_event_page_is_404_for_anonymous_users(shared_demo_content, client):
    draft = Event.objects.get(public_id=DRAFT_EVENT)

    assert client.get(f"/events/{DRAFT_EVENT}/").status_code == 404
    assert client.get(f"/events/{draft.slug}/").status_code == 404


def test_an_editor_previews_the_draft_event_with_a_not_public_banner(editor_client, draft_title):
    response = editor_client.get(f"/events/{DRAFT_EVENT}/")

    assertContains(response, draft_title)
    assertContains(response, "Preview for editors: this record is “Draft” and is not public.")


def test_a_published_event_page_has_no_preview_banner(editor_client, shared_demo_content):
    response = editor_client.get(f"/events/{JAN_2024_EXCHANGE}/")

    assertNotContains(response, "Preview for editors")


def test_an_unknown_identifier_is_404(shared_demo_content, client):
    assert client.get("/events/zzzzzzzz/").status_code == 404


# --- Event page ----------------------------------------------------------------------------------


def test_a_slug_url_redirects_permanently_to_the_permalink(shared_demo_content, client):
    response = client.get("/events/russia-ukraine-pow-exchange-2024-01-03/")

    assert response.status_code == 301
    assert response["Location"] == f"/events/{JAN_2024_EXCHANGE}/"


def test_people_returned_to_ukraine_show_four_attributed_claims_best_estimate_first(shared_demo_content, client):
    section = measure_section(client.get(f"/events/{JAN_2024_EXCHANGE}/"), "people-returned-to-ukraine")

    claims = re.findall(r'<span class="claim-value">([^<]+)</span>.*?<a href="/actors/([^/]+)/"', section, re.S)
    assert claims == [
        ("230", "dmytro-lubinets"),
        ("more than 200", "volodymyr-zelensky"),
        ("173", "unnamed-russian-sources"),
        ("up to 230", "unnamed-russian-sources"),
    ]
    assert section.index("best estimate") < section.index("more than 200")
    assert section.count("best estimate") == 1


def test_people_returned_to_ukraine_are_marked_disputed_with_the_range(shared_demo_content, client):
    section = measure_section(client.get(f"/events/{JAN_2024_EXCHANGE}/"), "people-returned-to-ukraine")
    text = visible_text(section)

    assert "measure-disputed" in section
    assert 'class="badge badge-disputed">disputed</span>' in section
    assert "claims range from 173 to 230" in text
    assert text.startswith("People returned to Ukraine 230 disputed")


def test_the_best_estimate_gives_its_reason(shared_demo_content, client):
    section = measure_section(client.get(f"/events/{JAN_2024_EXCHANGE}/"), "people-returned-to-ukraine")

    assert "A later clarification of the President’s “over 200”" in section


def test_people_returned_to_russia_are_248_according_to_the_russian_mod(shared_demo_content, client):
    section = measure_section(client.get(f"/events/{JAN_2024_EXCHANGE}/"), "people-returned-to-russia")
    text = visible_text(section)

    assert "People returned to Russia 248" in text
    assert "according to Russian Ministry of Defense" in text
    assert "disputed" not in text


def test_the_sequence_number_is_the_49th_counted_by_lubinets(shared_demo_content, client):
    text = visible_text(measure_section(client.get(f"/events/{JAN_2024_EXCHANGE}/"), "exchange-sequence-number"))

    assert "Exchange sequence number 49" in text
    assert "according to Dmytro Lubinets" in text
    assert "49th POW exchange" in text


def test_the_uae_is_shown_as_mediator(shared_demo_content, client):
    response = client.get(f"/events/{JAN_2024_EXCHANGE}/")

    assertContains(
        response, '<a href="/actors/united-arab-emirates/">United Arab Emirates</a> <span class="role">Mediator</span>'
    )


def test_sources_are_listed_with_their_reliability_grade(shared_demo_content, client):
    response = client.get(f"/events/{JAN_2024_EXCHANGE}/")
    html = response.content.decode()
    sources = html[html.index('id="sources-heading"') :]
    sources = sources[: sources.index("</section>")]

    assert "Russia, Ukraine hold biggest prisoners-of-war exchange to date" in sources
    assert "Institute for the Study of War, 3 January 2024" in sources
    # The seed does not grade its sources: "not graded", linked to the scale, never an F that reads as a fail.
    assert '<a class="grade grade-none" href="/about/methodology/#reliability">reliability not graded</a>' in sources
    assert "reliability F" not in html


def test_a_source_graded_f_says_its_reliability_cannot_be_judged(shared_demo_content, client):
    event = Event.objects.get(public_id=JAN_2024_EXCHANGE)
    factories.CitationFactory(event=event, source=factories.SourceFactory(title="Graded F", reliability="F"))

    response = client.get(f"/events/{JAN_2024_EXCHANGE}/")

    assertContains(response, "reliability cannot be judged (F)")
    assertNotContains(response, "reliability F")


def test_how_to_cite_gives_the_permalink(shared_demo_content, client):
    response = client.get(f"/events/{JAN_2024_EXCHANGE}/")
    html = response.content.decode()
    start = html.index('<h2 id="cite-heading">')
    cite = visible_text(html[start : html.index("</section>", start)])

    assert cite.startswith("How to cite")
    assert f"Event {JAN_2024_EXCHANGE}. http://testserver/events/{JAN_2024_EXCHANGE}/" in cite
    assertContains(response, f'<link rel="canonical" href="http://testserver/events/{JAN_2024_EXCHANGE}/">')


def test_the_september_2022_exchange_is_dated_to_the_month_only(shared_demo_content, client):
    response = client.get(f"/events/{SEP_2022_EXCHANGE}/")

    assertContains(response, '<time datetime="2022-09-01">September 2022</time>')
    assertNotContains(response, "1 September 2022")


def test_an_event_page_lists_allegations_with_their_provisions(shared_demo_content, client):
    response = client.get(f"/events/{POWS_AS_SHIELDS}/")

    assertContains(response, '<a href="/ihl/gc3-art-23/">Geneva Convention III, Article 23: Security of prisoners</a>')
    assertContains(response, '<a href="/ihl/cihl-rule-97/">Customary IHL, Rule 97: Human shields</a>')


def test_a_corrected_figure_shows_at_once(shared_demo_content, client):
    client.get(f"/events/{JAN_2024_EXCHANGE}/")  # a reader has seen (and the cache holds) the page
    figure = Figure.objects.get(event__public_id=JAN_2024_EXCHANGE, value=248)
    figure.value = 250
    figure.save()

    section = measure_section(client.get(f"/events/{JAN_2024_EXCHANGE}/"), "people-returned-to-russia")

    assert '<span class="claim-value">250</span>' in section
    assert '<span class="claim-value">248</span>' not in section


# --- POW exchange tracker ------------------------------------------------------------------------


def exchange_row(response, public_id):
    html = response.content.decode()
    start = html.rindex("<tr>", 0, html.index(f'href="/events/{public_id}/"'))
    return visible_text(html[start : html.index("</tr>", start)])


def test_the_tracker_shows_both_exchanges_in_date_order(shared_demo_content, client):
    response = client.get("/pow-exchanges/")
    html = response.content.decode()

    assertContains(response, "2 exchanges")
    assert html.index(f"/events/{SEP_2022_EXCHANGE}/") < html.index(f"/events/{JAN_2024_EXCHANGE}/")


def test_the_tracker_row_of_january_2024(shared_demo_content, client):
    row = exchange_row(client.get("/pow-exchanges/"), JAN_2024_EXCHANGE)

    # Columns: date, exchange, returned to Russia, returned to Ukraine, sequence number, mediators.
    assert row.startswith("3 January 2024 Russia and Ukraine hold the largest POW exchange")
    assert "248 230 disputed 173–230 49 (count by Dmytro Lubinets) United Arab Emirates" in row


def test_the_tracker_row_of_september_2022(shared_demo_content, client):
    row = exchange_row(client.get("/pow-exchanges/"), SEP_2022_EXCHANGE)

    assert row.startswith("September 2022")
    assert "55 215 not known none recorded" in row


def test_the_tracker_links_the_mediator_and_draws_an_accessible_chart(shared_demo_content, client):
    response = client.get("/pow-exchanges/")

    assertContains(response, '<a href="/actors/united-arab-emirates/">United Arab Emirates</a>')
    assertContains(response, '<title id="pow-returned-title">People returned in each exchange, by side</title>')
    assertContains(response, '<desc id="pow-returned-desc">')


def chart_of(response, chart_id):
    html = response.content.decode()
    start = html.index(f'<svg class="chart" id="{chart_id}"')
    return ET.fromstring(html[start : html.index("</svg>", start) + len("</svg>")])


def chart_texts(svg):
    return [" ".join(t.itertext()) for t in svg.iter(f"{SVG}text")]


def bars(svg):
    """(side index, value, is the lowest claim) of every bar of the plot, in the order drawn."""
    return [
        (
            int(re.search(r"chart-series-(\d)", rect.get("class")).group(1)),
            rect.get("data-value"),
            "chart-bar-lowest" in rect.get("class"),
        )
        for rect in svg.iter(f"{SVG}rect")
        if rect.get("data-value") is not None
    ]


def test_the_tracker_draws_one_bar_per_exchange_and_side_and_no_running_total(shared_demo_content, client):
    """The site says January 2024 was the 49th exchange and records 2: adding up those 2 would mislead."""
    response = client.get("/pow-exchanges/")
    svg = chart_of(response, "pow-returned")

    # Sides in name order: Russian Federation (0), Ukraine (1); exchanges in date order.
    assert bars(svg) == [(0, "55", False), (1, "215", False), (0, "248", False), (1, "230", False)]
    texts = " ".join(chart_texts(svg))
    for running_total in ("303", "445"):  # 55 + 248 and 215 + 230
        assert running_total not in texts
    assert "cumulative" not in response.content.decode().lower()
    assert svg.find(f"{SVG}polyline") is None


def test_the_tracker_chart_draws_the_range_of_claims_as_whiskers(shared_demo_content, client):
    svg = chart_of(client.get("/pow-exchanges/"), "pow-returned")

    whiskers = [
        (w.get("data-low"), w.get("data-high")) for w in svg.iter(f"{SVG}path") if w.get("class") == "chart-whisker"
    ]
    assert whiskers == [("173", "230")]  # only Ukraine's side of January 2024 has claims that differ
    assert "Range of claims" in chart_texts(svg)


def test_the_tracker_chart_labels_exchanges_by_their_date_at_its_precision(shared_demo_content, client):
    response = client.get("/pow-exchanges/")
    texts = chart_texts(chart_of(response, "pow-returned"))

    assert "September 2022" in texts
    assert "3 January 2024" in texts
    assertNotContains(response, "2022-09-01<")
    assertNotContains(response, ">2022-09-01")


def test_the_tracker_says_how_many_exchanges_are_recorded_of_how_many_the_sources_count(shared_demo_content, client):
    text = visible_text(client.get("/pow-exchanges/").content.decode())

    assert (
        "2 exchanges are recorded here. The sources count more: Dmytro Lubinets counted the exchange of "
        "3 January 2024 as number 49, and 2 of those 49 are recorded here."
    ) in text
    assert "No running total is shown" in text


def test_without_a_count_from_the_sources_the_tracker_says_its_list_may_be_incomplete(shared_demo_content, client):
    Figure.objects.filter(measure__slug="exchange-sequence-number").delete()

    text = visible_text(client.get("/pow-exchanges/").content.decode())

    assert "2 exchanges are recorded here. No source recorded here says how many exchanges there were" in text


def synthetic_exchanges(count, ordinal_every=None):
    """``count`` published exchanges, one a month from March 2025, each with 100 + n people returned to
    Ukraine (a best estimate) and, for Russia, two claims that disagree (10 + n and 20 + n): no best
    estimate, so the lowest claim is counted."""
    exchange_type = EventType.objects.get(slug="prisoner-exchange")
    to_ukraine = Measure.objects.get(slug="people-returned-to-ukraine")
    to_russia = Measure.objects.get(slug="people-returned-to-russia")
    made = []
    for n in range(count):
        event = factories.SingleSaveEventFactory(
            published=True,
            title=f"Test exchange {n}",
            event_type=exchange_type,
            start_date=datetime.date(2025 + (2 + n) // 12, (2 + n) % 12 + 1, 1),
            date_precision="month",
            countries=["UA", "RU"],
        )
        factories.FigureFactory(event=event, measure=to_ukraine, value=100 + n)
        factories.FigureFactory(event=event, measure=to_russia, value=10 + n)
        factories.FigureFactory(event=event, measure=to_russia, value=20 + n)
        made.append(event)
    return made


def test_a_synthetic_series_is_drawn_exchange_by_exchange_never_summed(shared_demo_content, client):
    synthetic_exchanges(12)

    response = client.get("/pow-exchanges/", {"date_after": "2025-01-01"})
    svg = chart_of(response, "pow-returned")

    drawn = bars(svg)
    assert drawn == [pair for n in range(12) for pair in ((0, str(10 + n), True), (1, str(100 + n), False))]
    largest = max(int(value) for _side, value, _lowest in drawn)
    ticks = [int(t.replace(",", "")) for t in chart_texts(svg) if t.replace(",", "").isdigit()]
    assert max(ticks) < 2 * largest  # the axis reaches the largest exchange, not a total of several
    assert svg.find(f"{SVG}polyline") is None
    assert "Lowest claim, no best estimate" in chart_texts(svg)


def test_the_tracker_chart_offers_its_points_as_csv_with_the_filters(shared_demo_content, client):
    response = client.get("/pow-exchanges/", {"country": "UA", "date_after": "2023-01-01"})
    html = response.content.decode()

    link = re.search(r'href="(/pow-exchanges/chart\.csv\?[^"]*)"', html).group(1)
    assert "country=UA" in unescape(link) and "date_after=2023-01-01" in unescape(link)
    rows = list(csv.reader(b"".join(client.get(unescape(link)).streaming_content).decode().splitlines()))
    assert rows[0][:9] == [
        "event_id",
        "title",
        "date_start",
        "date_precision",
        "returned_to",
        "returned",
        "is_lowest_claim",
        "claims_low",
        "claims_high",
    ]
    assert [(r[0], r[4], r[5], r[7], r[8]) for r in rows[2:]] == [
        (JAN_2024_EXCHANGE, "RU", "248", "248", "248"),
        (JAN_2024_EXCHANGE, "UA", "230", "173", "230"),
    ]


def test_the_tracker_chart_says_how_to_cite_it_with_the_filters_and_the_date(shared_demo_content, client):
    response = client.get("/pow-exchanges/", {"country": "UA"})
    text = re.sub(r" ([.,])", r"\1", visible_text(response.content.decode()))

    today = date_format(timezone.localdate(), "j F Y")
    assert (
        "How to cite this chart: “People returned in each exchange, by side”. Displacement and POW Knowledge Base. "
        f"http://testserver/pow-exchanges/?country=UA. Accessed {today}."
    ) in text


def test_the_tracker_chart_links_to_how_it_is_drawn(shared_demo_content, client):
    assertContains(client.get("/pow-exchanges/"), 'href="/about/methodology/#charts"')


# --- Facets, active filters and empty results (issue 11, filters that scale) ---------------------


def test_the_country_filter_lists_only_countries_with_published_events_with_their_counts(shared_demo_content, client):
    factories.EventFactory(title="A draft in France", countries=["FR"])  # a draft: France has nothing public

    countries = facet(client.get("/events/"), "country")

    assert sorted(countries) == [
        ("KZ", "Kazakhstan", 1, False),
        ("RU", "Russian Federation", 10, False),
        ("UA", "Ukraine", 12, False),
    ]
    for code, _label, count, _checked in countries:
        assert count == Event.objects.published().filter(countries=code).count()


def test_the_country_filter_is_a_list_of_checkboxes_not_a_multiple_select(shared_demo_content, client):
    response = client.get("/events/")

    assertNotContains(response, '<select name="country"')
    assertContains(response, '<input type="checkbox" name="country" value="UA"')
    assertContains(response, '<legend class="visually-hidden">Country</legend>')


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("type", {"prisoner-exchange": 2, "pow-abuse-report": 3, "exchange-suspension": 1, "announcement": 4}),
        ("category", {"detention-and-pows": 6, "conflict": 3, "diplomacy-and-policy": 5}),
        ("theme", {"pows-and-detainees": 6, "ihl-compliance": 3, "defence-industry": 1}),
        ("provision", {"gc3-art-13": 1, "gc3-art-23": 1, "gc3-art-130": 2, "cihl-rule-97": 1}),
    ],
)
def test_types_categories_themes_and_provisions_list_only_values_with_published_events_counted(
    shared_demo_content, client, name, expected
):
    values = {value: count for value, _label, count, _checked in facet(client.get("/events/"), name)}

    assert expected.items() <= values.items()
    assert all(count > 0 for count in values.values())


def test_a_chosen_country_comes_first_and_stays_listed_without_published_events(shared_demo_content, client):
    response = client.get("/events/", {"country": ["FR", "RU"]})

    countries = facet(response, "country")
    assert countries[:2] == [("RU", "Russian Federation", 10, True), ("FR", "France", 0, True)]
    assert ("UA", "Ukraine", 12, False) in countries


def test_the_counts_are_built_once_per_content_version(shared_demo_content, client):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get("/events/")
    cache.clear()  # the page cache only: the counts are kept
    with CaptureQueriesContext(connection) as warm:
        client.get("/events/")
    assert not [q for q in warm.captured_queries if "facet_count" in q["sql"]]

    factories.SingleSaveEventFactory(published=True, title="Published in France", countries=["FR"])

    assert ("FR", "France", 1, False) in facet(client.get("/events/"), "country")


def test_the_active_filters_show_above_the_results_each_removable_alone(shared_demo_content, client):
    response = client.get(
        "/events/",
        {
            "country": ["UA", "RU"],
            "type": "prisoner-exchange",
            "date_after": "2022-01-01",
            "q": "exchange",
            "page": "1",
        },
    )

    assert chips(response) == [
        ("Search: exchange", "/events/?country=RU&country=UA&date_after=2022-01-01&type=prisoner-exchange"),
        ("Date: from 1 January 2022", "/events/?country=RU&country=UA&q=exchange&type=prisoner-exchange"),
        (
            "Country: Russian Federation",
            "/events/?country=UA&date_after=2022-01-01&q=exchange&type=prisoner-exchange",
        ),
        ("Country: Ukraine", "/events/?country=RU&date_after=2022-01-01&q=exchange&type=prisoner-exchange"),
        ("Type: Prisoner exchange", "/events/?country=RU&country=UA&date_after=2022-01-01&q=exchange"),
    ]


def test_removing_one_filter_keeps_the_others(shared_demo_content, client):
    response = client.get("/events/", {"country": "KZ", "type": ["announcement", "prisoner-exchange"]})
    without_kazakhstan = dict((text, href) for text, href in chips(response))["Country: Kazakhstan"]

    response = client.get(without_kazakhstan)

    assert set(listed_ids(response)) == set(
        Event.objects.published()
        .filter(event_type__slug__in=["announcement", "prisoner-exchange"])
        .values_list("public_id", flat=True)
    )
    assert [text for text, _href in chips(response)] == ["Type: Prisoner exchange", "Type: Announcement or statement"]


def test_no_chips_without_filters(shared_demo_content, client):
    assert chips(client.get("/events/")) == []


def test_an_empty_result_lists_the_active_filters_offers_to_remove_each_and_offers_no_download(
    shared_demo_content, client
):
    response = client.get("/events/", {"country": "KZ", "type": "prisoner-exchange", "disputed": "true"})

    assert listed_ids(response) == []
    assertContains(response, "No published event matches all of these filters.")
    empty = response.content.decode().split('<div class="empty-result">', 1)[1]
    assert [unescape(href) for href in re.findall(r'<a class="chip" href="([^"]+)"', empty)] == [
        "/events/?disputed=true&type=prisoner-exchange",  # without Kazakhstan
        "/events/?country=KZ&disputed=true",  # without the type
        "/events/?country=KZ&type=prisoner-exchange",  # without "only disputed"
    ]
    assert "Remove Type: Prisoner exchange" in visible_text(empty)
    assertNotContains(response, "Download these rows")
    assertNotContains(response, "/events/export.csv")


def test_the_results_fragment_of_the_live_filter_carries_the_chips(shared_demo_content, client):
    response = client.get("/events/", {"country": "UA"}, headers={"X-Requested-With": "fetch"})

    assert chips(response) == [("Country: Ukraine", "/events/")]
    assertNotContains(response, "<form")


def test_a_skip_link_at_the_top_of_the_filters_leads_to_the_results(shared_demo_content, client):
    html = client.get("/events/").content.decode()

    form = html[html.index('<form class="filters"') :]
    assert form.index('<a class="skip-results" href="#results-heading">Skip to results</a>') < form.index("<input")
    assert '<h2 id="results-heading" class="visually-hidden" tabindex="-1">Results</h2>' in html


# --- Sources readers can follow (issue 11) -------------------------------------------------------


def section_of(response, heading_id):
    html = response.content.decode()
    start = html.rindex("<section", 0, html.index(f'id="{heading_id}"'))
    return html[start : html.index("</section>", start)]


def test_the_account_quoted_from_its_source_is_shown_as_a_quotation_attributed_to_it(shared_demo_content, client):
    account = section_of(client.get(f"/events/{JAN_2024_EXCHANGE}/"), "account-heading")

    assert '<figure class="quotation">' in account
    quoted = account[account.index("<blockquote") : account.index("</blockquote>")]
    assert "Lubinets later clarified that 230 Ukrainian personnel returned" in quoted
    caption = visible_text(account[account.index("<figcaption>") : account.index("</figcaption>")])
    assert caption.startswith(
        "In the words of Russia, Ukraine hold biggest prisoners-of-war exchange to date "
        "(Institute for the Study of War, 3 January 2024)"
    )


def test_an_account_in_the_editors_words_is_not_shown_as_a_quotation(shared_demo_content, client):
    account = section_of(client.get(f"/events/{SEP_2022_EXCHANGE}/"), "account-heading")

    assert "<blockquote" not in account
    assert "ISW describes the exchange as deeply unpopular" in account
    assert "Written by the editors from the sources listed below." in account


def test_the_demo_shows_no_source_url_because_the_seed_gives_none(shared_demo_content, client):
    sources = section_of(client.get(f"/events/{JAN_2024_EXCHANGE}/"), "sources-heading")

    assert "http" not in sources
    assert "archived copy" not in sources


def test_a_source_with_a_url_and_an_archived_copy_links_both(shared_demo_content, client):
    event = Event.objects.get(public_id=SEP_2022_EXCHANGE)
    source = factories.SourceFactory(
        title="A report online",
        url="https://example.org/report",
        archive_url="https://web.archive.org/web/2024/https://example.org/report",
    )
    factories.CitationFactory(event=event, source=source, excerpt="Both sides returned prisoners.", locator="p. 2")

    sources = section_of(client.get(f"/events/{SEP_2022_EXCHANGE}/"), "sources-heading")

    assert (
        '<cite class="source"><a href="https://example.org/report" rel="noopener">A report online</a></cite>' in sources
    )
    assert (
        '<a class="source-archive" href="https://web.archive.org/web/2024/https://example.org/report" rel="noopener">'
        'archived copy<span class="visually-hidden">: A report online</span></a>'
    ) in sources
    assert (
        '<blockquote lang="en" cite="https://example.org/report"><p>Both sides returned prisoners.</p></blockquote>'
        "<figcaption>From “A report online”, p. 2</figcaption>"
    ) in sources


def test_the_tracker_chart_download_answers_400_for_a_filter_it_cannot_read(shared_demo_content, client):
    response = client.get("/pow-exchanges/chart.csv", {"date_after": "not-a-date"})

    assert response.status_code == 400
    assert response.json() == {"date": ["Enter a valid date."]}


def test_the_tracker_chart_download_follows_the_page_of_the_table(shared_demo_content, client):
    synthetic_exchanges(60)

    rows = list(
        csv.reader(
            b"".join(client.get("/pow-exchanges/chart.csv", {"page": "2"}).streaming_content).decode().splitlines()
        )
    )

    # 62 exchanges in date order, 50 a page: the second page holds the last 12 synthetic ones, two sides each.
    titles = [row[1] for row in rows[2:]]
    assert titles == [f"Test exchange {n}" for n in range(48, 60) for _side in ("RU", "UA")]


def test_the_tracker_lists_the_countries_of_published_exchanges_with_how_many_each(shared_demo_content, client):
    factories.EventFactory(
        title="A draft exchange with Kazakhstan",
        event_type=EventType.objects.get(slug="prisoner-exchange"),
        countries=["KZ"],
    )

    countries = facet(client.get("/pow-exchanges/"), "country")

    exchanges = Event.objects.published().filter(event_type__slug="prisoner-exchange")
    assert sorted(countries) == sorted(
        {
            (code, name, exchanges.filter(countries=code).count(), False)
            for code, name in exchanges.values_list("countries__code", "countries__name")
        }
    )
    assert "KZ" not in [code for code, *_rest in countries]
    assert {code for code, *_rest in countries} == {"RU", "UA"}


def test_an_empty_tracker_selection_names_its_filters_and_offers_no_download(shared_demo_content, client):
    response = client.get("/pow-exchanges/", {"country": "UA", "date_after": "2030-01-01"})

    text, removals = empty_result(response)
    assert text.startswith("No published exchange matches all of these filters. Remove one to see more:")
    assert removals == ["/pow-exchanges/?country=UA", "/pow-exchanges/?date_after=2030-01-01"]
    assertNotContains(response, "/pow-exchanges/export.csv")
    assertNotContains(response, "/pow-exchanges/chart.csv")
