"""The demo fixtures hold the seed faithfully, and every public URL of the demo site answers.

The seed is the ISW assessment of 3 January 2024 and the Wilson Center page on forced
displacement (PRODUCT.md §4); the values below are the seed's own words and numbers.
"""

import datetime
import re
from collections import deque
from html import unescape
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from knowledgebase.actors.models import Actor, ActorAlias, Organization
from knowledgebase.briefs.models import Brief, Recommendation, Takeaway
from knowledgebase.core.models import Country, PublicationStatus, Theme
from knowledgebase.core.translation import missing_translation
from knowledgebase.displacement.models import DisplacementStatistic
from knowledgebase.events.models import Event, EventCategory, EventType, Figure, Measure, Participation
from knowledgebase.ihl.models import Allegation, Instrument, Provision
from tests.conftest import DRAFT_EVENT, JAN_2024_EXCHANGE, SEP_2022_EXCHANGE, SUMMER_2023_FREEZE

PUBLISHED = PublicationStatus.PUBLISHED
ISW_BRIEF = "isw-russia-ukraine-biggest-pow-exchange"
WILSON_BRIEF = "wilson-center-forced-displacement"

# The nine key takeaways of the ISW assessment, by the words each begins with.
ISW_TAKEAWAYS = [
    "Russia and Ukraine conducted a prisoner of war (POW) exchange on January 3",
    "Ukrainian Prime Minister Denys Shmyhal stated on January 3",
    "Ukrainian Foreign Minister Dmytro Kuleba announced on January 3",
    "NATO member states continue initiatives to support Ukrainian operations in the air domain",
    "Kremlin-affiliated mouthpieces may be setting information conditions",
    "Kazakhstan President Kassym-Jomart Tokayev characterized Russia",
    "Russian forces made confirmed advances near Avdiivka and Donetsk City",
    "The Donetsk People’s Republic’s (DNR) “Vostok” Battalion stated on January 3",
    "Russian authorities continue efforts to integrate occupied Ukraine into Russia",
]


def claims(public_id, measure):
    figures = Figure.objects.filter(event__public_id=public_id, measure__slug=measure).select_related(
        "claimant_actor", "claimant_organization"
    )
    return {(f.value, f.qualifier, (f.claimant_actor or f.claimant_organization).slug, f.rank) for f in figures}


# --- Events --------------------------------------------------------------------------------------


def test_every_seed_event_is_published_except_the_one_draft(shared_demo_content):
    drafts = Event.objects.exclude(status=PUBLISHED)

    assert list(drafts.values_list("public_id", flat=True)) == [DRAFT_EVENT]
    assert Event.objects.published().count() == 14  # 2 exchanges, the freeze, 3 abuse reports, 8 other takeaways
    assert not Event.objects.filter(title__istartswith="synthetic").exists()


def test_the_seed_events_have_the_seed_types(shared_demo_content):
    by_type = {}
    for public_id, event_type in Event.objects.published().values_list("public_id", "event_type__slug"):
        by_type.setdefault(event_type, set()).add(public_id)

    assert by_type["prisoner-exchange"] == {JAN_2024_EXCHANGE, SEP_2022_EXCHANGE}
    assert by_type["exchange-suspension"] == {SUMMER_2023_FREEZE}
    assert len(by_type["pow-abuse-report"]) == 3


def test_both_exchanges_concern_both_sides(shared_demo_content):
    for public_id in (JAN_2024_EXCHANGE, SEP_2022_EXCHANGE):
        event = Event.objects.get(public_id=public_id)
        assert set(event.countries.values_list("code", flat=True)) == {"UA", "RU"}


def test_the_january_2024_exchange_is_dated_to_the_day(shared_demo_content):
    event = Event.objects.get(public_id=JAN_2024_EXCHANGE)

    assert (event.start_date, event.date_precision) == (datetime.date(2024, 1, 3), "day")


def test_people_returned_to_ukraine_in_january_2024_are_the_four_attributed_claims(shared_demo_content):
    assert claims(JAN_2024_EXCHANGE, "people-returned-to-ukraine") == {
        (230, "exact", "dmytro-lubinets", "preferred"),
        (200, "more-than", "volodymyr-zelensky", "normal"),
        (173, "exact", "unnamed-russian-sources", "normal"),
        (230, "up-to", "unnamed-russian-sources", "normal"),
    }


def test_people_returned_to_russia_and_the_sequence_number_of_january_2024(shared_demo_content):
    assert claims(JAN_2024_EXCHANGE, "people-returned-to-russia") == {
        (248, "exact", "russian-ministry-of-defense", "normal")
    }
    assert claims(JAN_2024_EXCHANGE, "exchange-sequence-number") == {(49, "exact", "dmytro-lubinets", "normal")}


def test_only_the_january_2024_exchange_has_disputed_figures(shared_demo_content):
    assert list(Event.objects.filter(has_disputed_figures=True).values_list("public_id", flat=True)) == [
        JAN_2024_EXCHANGE
    ]


def test_every_figure_is_sourced_and_its_excerpt_states_its_value(shared_demo_content):
    figures = Figure.objects.select_related("source")

    assert figures.count() == 8
    for figure in figures:
        assert figure.source.slug == "isw-2024-01-03-pow-exchange"
        assert str(figure.value) in figure.excerpt, figure


def test_the_mediator_of_january_2024_is_the_uae(shared_demo_content):
    mediators = Participation.objects.filter(event__public_id=JAN_2024_EXCHANGE, role="mediator")

    assert [p.participant.slug for p in mediators] == ["united-arab-emirates"]


def test_the_september_2022_exchange_is_known_to_the_month_with_215_and_55(shared_demo_content):
    event = Event.objects.get(public_id=SEP_2022_EXCHANGE)

    assert (event.start_date, event.date_precision) == (datetime.date(2022, 9, 1), "month")
    assert claims(SEP_2022_EXCHANGE, "people-returned-to-ukraine") == {
        (215, "exact", "institute-for-the-study-of-war", "normal")
    }
    assert claims(SEP_2022_EXCHANGE, "people-returned-to-russia") == {
        (55, "exact", "institute-for-the-study-of-war", "normal")
    }


def test_medvedchuk_was_released_in_september_2022_and_keeps_the_seed_misspelling_as_alias(shared_demo_content):
    released = Participation.objects.filter(event__public_id=SEP_2022_EXCHANGE, role="released")

    assert {p.participant.slug for p in released} == {"viktor-medvedchuk", "azov-regiment"}
    assert Actor.objects.get(slug="viktor-medvedchuk").name == "Viktor Medvedchuk"
    alias = ActorAlias.objects.get(actor__slug="viktor-medvedchuk", kind="misspelling")
    assert (alias.name, alias.kind) == ("Medvechuk", "misspelling")


def test_the_summer_2023_freeze_is_reported_by_yatsenko_on_17_november_2023(shared_demo_content):
    event = Event.objects.get(public_id=SUMMER_2023_FREEZE)
    announcers = Participation.objects.filter(event=event, role="announcer")

    assert [p.participant.slug for p in announcers] == ["petro-yatsenko"]
    assert (event.start_date.year, event.date_precision) == (2023, "season")
    assert "17 November 2023" in event.date_note
    assert Actor.objects.get(slug="petro-yatsenko").parent.slug == "coordination-headquarters-pows"


@pytest.mark.parametrize(
    ("slug", "provisions"),
    [
        ("russian-forces-use-former-ukrainian-pows-in-combat", {"gc3-art-130"}),
        ("russian-forces-use-ukrainian-pows-as-human-shields", {"gc3-art-23", "cihl-rule-97"}),
        ("russian-forces-execute-surrendered-ukrainian-pows", {"gc3-art-13", "gc3-art-130"}),
    ],
)
def test_each_pow_abuse_report_alleges_the_provisions_it_concerns(shared_demo_content, slug, provisions):
    event = Event.objects.get(slug=slug)
    allegations = Allegation.objects.filter(event=event).select_related("provision__instrument", "source")

    assert event.status == PUBLISHED
    assert event.event_type.slug == "pow-abuse-report"
    assert {a.provision.slug for a in allegations} == provisions
    for allegation in allegations:
        assert allegation.status == "alleged"
        assert allegation.source.slug == "isw-2024-01-03-pow-exchange"
        assert allegation.excerpt.startswith("there have been several incidents over the past few weeks")


def test_the_provisions_cite_their_official_text(shared_demo_content):
    provisions = {p.slug: p for p in Provision.objects.select_related("instrument")}

    assert {(p.instrument.short_name, p.article) for p in provisions.values()} == {
        ("Geneva Convention III", "Article 13"),
        ("Geneva Convention III", "Article 23"),
        ("Geneva Convention III", "Article 109"),
        ("Geneva Convention III", "Article 118"),
        ("Geneva Convention III", "Article 130"),
        ("Customary IHL", "Rule 97"),
    }
    for provision in provisions.values():
        assert provision.official_url.startswith("https://ihl-databases.icrc.org/"), provision
        assert provision.summary


# --- Briefs and statistics -----------------------------------------------------------------------


def test_the_isw_brief_has_the_nine_takeaways_each_linked_to_a_published_event(shared_demo_content):
    takeaways = list(Brief.objects.get(slug=ISW_BRIEF).takeaways.order_by("position").select_related("event"))

    assert [t.position for t in takeaways] == list(range(1, 10))
    for takeaway, words in zip(takeaways, ISW_TAKEAWAYS, strict=True):
        assert takeaway.text.startswith(words)
        assert takeaway.event is not None, takeaway
        assert takeaway.event.status == PUBLISHED
    assert takeaways[0].event.public_id == JAN_2024_EXCHANGE
    assert len({t.event_id for t in takeaways}) == 9


def test_the_isw_brief_is_published_on_3_january_2024_by_isw(shared_demo_content):
    brief = Brief.objects.get(slug=ISW_BRIEF)

    assert brief.status == PUBLISHED
    assert brief.published_date == datetime.date(2024, 1, 3)
    assert brief.organization.slug == "institute-for-the-study-of-war"


def test_the_110_million_statistic(shared_demo_content):
    statistic = DisplacementStatistic.objects.get(value=110_000_000)

    assert statistic.status == PUBLISHED
    assert (statistic.qualifier, statistic.population_type, statistic.measurement) == ("about", "FDP", "stock")
    assert (statistic.origin_scope, statistic.host_scope) == ("global", "global")
    assert statistic.claimant_organization.slug == "wilson-center"
    assert statistic.as_of_date is None and statistic.as_of_note  # the page is undated: say so
    assert "110 million" in statistic.excerpt


def test_the_10_million_a_year_statistic(shared_demo_content):
    statistic = DisplacementStatistic.objects.get(value=10_000_000)

    assert statistic.status == PUBLISHED
    assert (statistic.measurement, statistic.rate_period) == ("change", "year")
    assert statistic.claimant_organization.slug == "wilson-center"
    assert "10 million each year" in statistic.excerpt


def test_the_wilson_center_brief_recommends_to_governments_organisations_and_individuals(shared_demo_content):
    brief = Brief.objects.get(slug=WILSON_BRIEF)
    recommendations = list(brief.recommendations.order_by("position"))

    assert brief.status == PUBLISHED
    assert brief.organization.slug == "wilson-center"
    assert [r.audience for r in recommendations] == ["governments", "organizations", "individuals"]
    for recommendation in recommendations:
        assert "rights and needs of the forced displaced" in recommendation.text
    assert set(brief.statistics.values_list("value", flat=True)) == {110_000_000, 10_000_000}


def test_the_seed_organisations_are_present(shared_demo_content):
    assert set(Organization.objects.values_list("slug", flat=True)) >= {
        "institute-for-the-study-of-war",
        "wilson-center",
        "refugees-international",
    }


def test_loading_the_demo_twice_changes_nothing(shared_demo_content):
    counts = (Event.objects.count(), Figure.objects.count(), Actor.objects.count(), Brief.objects.count())

    call_command("load_demo", verbosity=0)

    assert (Event.objects.count(), Figure.objects.count(), Actor.objects.count(), Brief.objects.count()) == counts


# --- In Ukrainian ---------------------------------------------------------------------------------

# Every model whose text the demo gives in both languages.
TRANSLATED_MODELS = [
    Event,
    Participation,
    Figure,
    Allegation,
    Brief,
    Takeaway,
    Recommendation,
    DisplacementStatistic,
    Actor,
    Organization,
    Provision,
    Instrument,
    EventCategory,
    EventType,
    Measure,
    Theme,
    Country,
]
# Each person's name as Ukrainian sources spell it.
UKRAINIAN_NAMES = {
    "volodymyr-zelensky": "Володимир Зеленський",
    "dmytro-lubinets": "Дмитро Лубінець",
    "denys-shmyhal": "Денис Шмигаль",
    "dmytro-kuleba": "Дмитро Кулеба",
    "petro-yatsenko": "Петро Яценко",
    "viktor-medvedchuk": "Віктор Медведчук",
    "kassym-jomart-tokayev": "Касим-Жомарт Токаєв",
}


@pytest.mark.parametrize("model", TRANSLATED_MODELS, ids=lambda model: model.__name__)
def test_every_seed_text_has_its_ukrainian_translation(shared_demo_content, model):
    assert model.objects.exists()
    assert list(model.objects.filter(missing_translation(model, "uk"))) == []


def test_every_published_seed_record_has_a_ukrainian_title(shared_demo_content):
    for model, field in [(Event, "title"), (Brief, "title"), (DisplacementStatistic, "title")]:
        published = model.objects.published()
        assert published.exists()
        assert not published.filter(**{f"{field}_uk__isnull": True}).exists()
        assert not published.filter(**{f"{field}_uk": ""}).exists()


def test_the_seed_people_have_their_ukrainian_names_and_cyrillic_aliases(shared_demo_content):
    for slug, name in UKRAINIAN_NAMES.items():
        actor = Actor.objects.get(slug=slug)
        assert actor.name_uk == name
        assert actor.aliases.filter(name=name, language="uk").exists()


def test_the_january_2024_exchange_page_in_ukrainian_shows_its_ukrainian_title(shared_demo_content, client):
    event = Event.objects.get(public_id=JAN_2024_EXCHANGE)

    response = client.get(f"/uk/events/{JAN_2024_EXCHANGE}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<h1 id="event-title">{escape(event.title_uk)}</h1>' in html
    assert event.title_uk.startswith("Росія та Україна провели найбільший")
    assert escape(event.title_en) not in html
    with translation.override("uk"):
        assert gettext("This text has not been translated yet.") not in html


# --- Every public URL ----------------------------------------------------------------------------

LIST_URLS = [
    "/",
    "/events/",
    "/pow-exchanges/",
    "/briefs/",
    "/actors/",
    "/organizations/",
    "/ihl/",
    "/displacement/",
    "/search/?q=Medvechuk",
    "/search/?q=prisoner+exchange",
]
# The public site of PRODUCT.md §3; links elsewhere (admin, static files) are not crawled.
PUBLIC_PREFIXES = (
    "/events/",
    "/pow-exchanges/",
    "/briefs/",
    "/actors/",
    "/organizations/",
    "/ihl/",
    "/displacement/",
    "/search/",
)
MAX_PAGES = 500


def detail_urls():
    """The page of every published object of every kind."""
    return [
        *(e.get_absolute_url() for e in Event.objects.published()),
        *(b.get_absolute_url() for b in Brief.objects.published()),
        *(a.get_absolute_url() for a in Actor.objects.all()),
        *(o.get_absolute_url() for o in Organization.objects.all()),
        *(p.get_absolute_url() for p in Provision.objects.all()),
    ]


def public_links(page_url, html):
    for href in re.findall(r'href="([^"#]*)', html):
        if not href:
            continue
        parts = urlsplit(urljoin("http://testserver" + page_url, unescape(href)))
        if parts.netloc != "testserver" or not (parts.path == "/" or parts.path.startswith(PUBLIC_PREFIXES)):
            continue
        if parts.query and parts.path.endswith("/"):
            yield f"{parts.path}?{parts.query}"
        else:
            # Exports of a filtered list hold a subset of the unfiltered export: fetch that one only.
            yield parts.path


def crawl(client, start):
    """Every public page reachable from ``start`` (exports and feeds included): {url: (status, text)}."""
    pages, queue = {}, deque(start)
    while queue and len(pages) < MAX_PAGES:
        url = queue.popleft()
        if url in pages:
            continue
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode()
        pages[url] = (response.status_code, text)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            queue.extend(link for link in public_links(url, text) if link not in pages)
    return pages


def test_every_public_url_answers_200_and_shows_no_draft(shared_demo_content, client):
    urls = LIST_URLS + detail_urls()
    drafts = [
        *Event.objects.exclude(status=PUBLISHED).values_list("title", flat=True),
        *Brief.objects.exclude(status=PUBLISHED).values_list("title", flat=True),
        *DisplacementStatistic.objects.exclude(status=PUBLISHED).values_list("title", flat=True),
    ]

    pages = crawl(client, urls)

    assert len(urls) == 10 + 14 + 2 + 24 + 5 + 6
    assert set(urls) <= set(pages)
    assert len(pages) < MAX_PAGES  # the crawl ran to the end
    assert {url: status for url, (status, _text) in pages.items() if status != 200} == {}
    assert drafts  # the demo has a draft to keep out
    leaks = [
        (title, url)
        for url, (_status, text) in pages.items()
        for title in drafts
        if title in text or escape(title) in text or f"/events/{DRAFT_EVENT}/" in text
    ]
    assert leaks == []
