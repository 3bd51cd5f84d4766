"""The public event list (/events/), event pages and the POW exchange tracker, over HTTP, on the demo content."""

import re
from html import unescape

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from knowledgebase.events.models import Event, Figure
from tests import factories
from tests.conftest import DRAFT_EVENT, JAN_2024_EXCHANGE, SEP_2022_EXCHANGE, SUMMER_2023_FREEZE

# Public identifiers of other seed events, as in fixtures/demo.json.
POWS_IN_COMBAT = "pkryf4za"
POWS_AS_SHIELDS = "9eb14hes"
POWS_EXECUTED = "by0q26qj"
DEFENCE_OUTPUT = "r794c73z"
NATO_COUNCIL_MEETING = "b8yce68d"
NATO_AIR_SUPPORT = "4xmy1j5b"
TOKAYEV_INTERVIEW = "phtbt5hp"
PUBLISHED_SEED_EVENTS = 14


@pytest.fixture
def draft_title(shared_demo_content):
    return Event.objects.get(public_id=DRAFT_EVENT).title


def listed_ids(response):
    """Public ids of the event rows on a list page, in order."""
    return re.findall(r'class="event-title"><a href="/events/([0-9a-z]+)/"', response.content.decode())


def visible_text(html):
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


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
    assert '<abbr class="grade grade-F" title="F: reliability cannot be judged">reliability F</abbr>' in sources


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
    assertContains(response, '<title id="pow-cumulative-title">People returned to each side, cumulative</title>')
    assertContains(response, '<desc id="pow-cumulative-desc">')
    # Running totals of best estimates: 215 + 230 to Ukraine, 55 + 248 to Russia.
    assertContains(response, '<td class="num">445</td>')
    assertContains(response, '<td class="num">303</td>')
