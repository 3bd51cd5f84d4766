"""Every public page runs a fixed number of queries, however many rows it shows.

The module builds a small world and counts the queries of every page over it; then it adds many
more published events (with participants, figures, countries, themes, allegations, brief links
and statistics). Each test renders its page over the grown world and checks that the count is the
same as over the small one, and within the page's budget.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from knowledgebase.actors.models import Actor, Organization
from knowledgebase.briefs.models import Brief
from knowledgebase.events.models import Event, EventType, Measure
from knowledgebase.ihl.models import Provision
from knowledgebase.serving.content_version import clear_memo
from tests import factories

FEW = 2
MANY = 30  # more than a page of the event list (25)


@dataclass
class World:
    exchange_type: EventType
    measures: dict
    provision: Provision
    organization: Organization
    actor: Actor
    brief: Brief
    first_event: Event | None = None
    size: int = 0


def add_events(world, count):
    """``count`` more published exchanges, each with everything a page can show about it."""
    for _ in range(count):
        world.size += 1
        n = world.size
        event = factories.SingleSaveEventFactory(
            published=True,
            title=f"Test exchange {n}",
            event_type=world.exchange_type,
            start_date=datetime.date(2023, 1, 1) + datetime.timedelta(days=n),
            countries=["UA", "RU"],
            themes=["pows-and-detainees", "diplomacy"],
        )
        other = factories.ActorFactory(name=f"Exchange negotiator {n}", country_id="UA")
        factories.ActorAliasFactory(actor=other, name=f"Negotiator {n}")
        factories.ParticipationFactory(event=event, actor=world.actor, role="party")
        factories.ParticipationFactory(event=event, actor=other, role="announcer")
        factories.ParticipationFactory(event=event, actor=None, organization=world.organization, role="mediator")
        source = factories.SourceFactory(publisher=world.organization)
        factories.CitationFactory(event=event, source=source)
        figures = [
            factories.FigureFactory(
                event=event, measure=world.measures["ua"], value=100 + n, claimant_actor=other, source=source
            ),
            factories.FigureFactory(
                event=event, measure=world.measures["ua"], value=90 + n, claimant_actor=world.actor, source=source
            ),
            factories.FigureFactory(
                event=event, measure=world.measures["ru"], value=50 + n, claimant_actor=world.actor, source=source
            ),
            factories.FigureFactory(
                event=event, measure=world.measures["ordinal"], value=n, claimant_actor=other, source=source
            ),
        ]
        factories.AllegationFactory(event=event, provision=world.provision, source=source)
        factories.StatisticFactory(
            published=True,
            title=f"Exchange test statistic {n}",
            population_type=["REF", "IDP", "ASY"][n % 3],
            as_of_date=datetime.date(2000 + n % 20, 1, 1),
            claimant_organization=world.organization,
            source=source,
        )
        world.brief.events.add(event)
        world.brief.figures.add(*figures)
        factories.TakeawayFactory(brief=world.brief, position=n, text=f"Takeaway {n}.", event=event)
        if world.first_event is None:
            world.first_event = event
        else:
            world.first_event.related_events.add(event)


def build_world():
    call_command("load_demo", reference_only=True, verbosity=0)
    organization = factories.OrganizationFactory(name="Exchange Monitor", slug="exchange-monitor")
    world = World(
        exchange_type=EventType.objects.get(slug="prisoner-exchange"),
        measures={
            "ua": Measure.objects.get(slug="people-returned-to-ukraine"),
            "ru": Measure.objects.get(slug="people-returned-to-russia"),
            "ordinal": Measure.objects.get(slug="exchange-sequence-number"),
        },
        provision=Provision.objects.get(slug="gc3-art-130"),
        organization=organization,
        actor=factories.ActorFactory(name="Exchange party", slug="exchange-party", country_id="RU"),
        brief=factories.BriefFactory(
            published=True, is_featured=True, title="Exchange brief", organization=organization
        ),
    )
    factories.ActorAliasFactory(actor=world.actor, name="The party")
    # Found by similarity only, so that the small world takes the search's fuzzy path too.
    factories.ActorFactory(name="Exchang Group")
    factories.RecommendationFactory(brief=world.brief, audience="governments")
    factories.RecommendationFactory(brief=world.brief, audience="individuals")
    add_events(world, FEW)
    return world


def queries_of(client, url):
    """Queries of rendering ``url`` afresh (not from the page cache, nor with memoised filter choices)."""
    cache.clear()
    clear_memo()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


# Page -> (URL built from the world, most queries it may run).
PAGES = {
    "home": (lambda w: "/", 9),  # + the pinned events
    "event-list": (lambda w: "/events/", 7),
    "event-list-filtered": (
        lambda w: (
            "/events/?country=UA&country=RU&type=prisoner-exchange&theme=diplomacy&actor=exchange-party"
            "&organization=exchange-monitor&provision=gc3-art-130&date_after=2023-01-01&disputed=true&sort=oldest"
        ),
        13,
    ),
    "event-list-search": (lambda w: "/events/?q=exchange", 7),
    "event-list-page-2": (lambda w: "/events/?type=prisoner-exchange&page=2", 8),
    "event": (lambda w: w.first_event.get_absolute_url(), 13),
    "brief-list": (lambda w: "/briefs/", 3),
    "brief": (lambda w: w.brief.get_absolute_url(), 10),
    "actor-list": (lambda w: "/actors/", 4),
    "actor-list-search": (lambda w: "/actors/?q=negotiator&country=UA&kind=state", 5),
    "actor": (lambda w: w.actor.get_absolute_url(), 5),  # + the figures it claimed
    "organization-list": (lambda w: "/organizations/", 3),
    "organization": (lambda w: w.organization.get_absolute_url(), 6),  # + the figures it claimed
    "ihl-list": (lambda w: "/ihl/", 1),
    "provision": (lambda w: w.provision.get_absolute_url(), 2),
    "displacement": (lambda w: "/displacement/", 6),  # + the map
    "displacement-filtered": (
        lambda w: "/displacement/?population_type=REF&population_type=IDP&origin=global&period_after=2001-01-01",
        7,  # + the map
    ),
    "pow-exchanges": (lambda w: "/pow-exchanges/", 9),  # + the sources' count of exchanges, against those recorded
    "countries": (lambda w: "/countries/", 4),
    "country": (lambda w: "/countries/UA/", 17),
    "search": (lambda w: "/search/?q=exchange", 9),  # + the events' headline figures
    "about": (lambda w: "/about/", 0),
    "methodology": (lambda w: "/about/methodology/", 1),
}


def in_ukrainian(url_of):
    return lambda world: "/uk" + url_of(world)


def address(url_of, world):
    """The page's address, built in English: a request under /uk/ leaves Ukrainian active in this thread."""
    with translation.override("en"):
        return url_of(world)


# A second language adds no query: the same pages under /uk/, each with its English page's budget.
UKRAINIAN = ["home", "event-list", "event-list-filtered", "event", "brief", "actor", "displacement", "pow-exchanges"]
UKRAINIAN += ["country", "search", "methodology"]
PAGES |= {f"{name}-uk": (in_ukrainian(PAGES[name][0]), PAGES[name][1]) for name in UKRAINIAN}


@pytest.fixture(scope="module")
def grown(django_db_setup, django_db_blocker):
    """(world, queries of each page over the small world), after growing the world by MANY events."""

    def setup():
        world = build_world()
        client = Client()
        for url_of, _budget in PAGES.values():
            client.get(address(url_of, world))  # warm caches (content types, countries) before counting
        small = {name: queries_of(client, address(url_of, world)) for name, (url_of, _budget) in PAGES.items()}
        add_events(world, MANY)
        return world, small

    with factories.rolled_back_for_module(django_db_blocker, setup) as result:
        yield result


@pytest.mark.parametrize(
    ("name", "url_of", "budget"), [(name, *page) for name, page in PAGES.items()], ids=PAGES.keys()
)
def test_the_page_runs_as_few_queries_with_many_more_rows(
    grown, db, client, django_assert_max_num_queries, name, url_of, budget
):
    world, small = grown
    assert Event.objects.published().count() == FEW + MANY
    assert small[name] <= budget

    with django_assert_max_num_queries(budget) as many:
        response = client.get(address(url_of, world))

    assert response.status_code == 200
    assert len(many.captured_queries) == small[name]
