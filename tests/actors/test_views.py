"""Actor and organisation lists and profiles, over HTTP, on the demo content."""

import re
from html import unescape

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from knowledgebase.actors.models import Actor, Organization
from knowledgebase.events.models import Event
from tests import factories
from tests.conftest import DRAFT_EVENT, JAN_2024_EXCHANGE, SEP_2022_EXCHANGE, SUMMER_2023_FREEZE

DEMO_ACTORS = 24


def listed_slugs(response, kind):
    """Slugs of the cards of an actor or organisation list, in order."""
    return re.findall(rf'<h2><a href="/{kind}/([^/]+)/">', response.content.decode())


def visible_text(html):
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def timeline(response):
    html = response.content.decode()
    start = html.index('<section aria-labelledby="timeline-heading"')
    return html[start : html.index("</section>", start)]


# --- Actor list ----------------------------------------------------------------------------------


def test_the_actor_list_shows_every_actor_by_name(seeded, client):
    response = client.get("/actors/")

    slugs = listed_slugs(response, "actors")
    assert len(slugs) == DEMO_ACTORS
    assert slugs == list(Actor.objects.order_by("name").values_list("slug", flat=True))
    assertContains(response, f"{DEMO_ACTORS} actors")


def test_the_actor_list_shows_aliases_and_affiliation(seeded, client):
    response = client.get("/actors/")

    assertContains(response, "Also: Medvechuk")
    assertContains(response, "Official · President of Ukraine · Ukraine · affiliated to Ukraine")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "Medvechuk"}, ["viktor-medvedchuk"]),
        ({"q": "medvedchuk"}, ["viktor-medvedchuk"]),
        ({"q": "Zelenskyy"}, ["volodymyr-zelensky"]),
        ({"q": "UAE"}, ["united-arab-emirates"]),
        ({"kind": "official", "country": "KZ"}, ["kassym-jomart-tokayev"]),
        ({"country": "KZ"}, ["kassym-jomart-tokayev", "kazakhstan"]),
        (
            {"kind": ["state", "armed-group"]},
            ["donetsk-peoples-republic", "kazakhstan", "russia", "ukraine", "united-arab-emirates"],
        ),
        (
            {"kind": "official", "country": ["UA"]},
            ["denys-shmyhal", "dmytro-kuleba", "dmytro-lubinets", "petro-yatsenko", "volodymyr-zelensky"],
        ),
        ({"country": ["AE", "KZ"], "kind": "state"}, ["kazakhstan", "united-arab-emirates"]),
    ],
    ids=[
        "alias",
        "correct-spelling",
        "transliteration",
        "abbreviation",
        "kind-and-country",
        "country",
        "repeated-kind",
        "officials-of-ukraine",
        "repeated-country",
    ],
)
def test_the_actor_list_filters_by_name_kind_and_country(seeded, client, params, expected):
    response = client.get("/actors/", params)

    assert response.status_code == 200
    assert listed_slugs(response, "actors") == expected


def test_an_alias_search_lists_the_actor_once(seeded, client):
    factories.ActorAliasFactory(actor=Actor.objects.get(slug="viktor-medvedchuk"), name="Medvechuk V.")

    response = client.get("/actors/", {"q": "Medvechuk"})

    assert listed_slugs(response, "actors") == ["viktor-medvedchuk"]
    assertContains(response, "1 actor")


@pytest.mark.parametrize(("param", "value"), [("kind", "warlord"), ("country", "XX")])
def test_an_unknown_kind_or_country_answers_400_with_a_message(seeded, client, param, value):
    response = client.get("/actors/", {param: value})

    assertContains(response, "Some filters could not be read", status_code=400)
    assertContains(response, f"Select a valid choice. {value} is not one of the available choices.", status_code=400)
    assert listed_slugs(response, "actors") == []


# --- Organisation list ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {},
            [
                "institute-for-the-study-of-war",
                "nato",
                "nato-ukraine-council",
                "refugees-international",
                "wilson-center",
            ],
        ),
        ({"kind": "international-body"}, ["nato", "nato-ukraine-council"]),
        (
            {"kind": ["ngo", "research-institute"]},
            ["institute-for-the-study-of-war", "refugees-international", "wilson-center"],
        ),
        ({"q": "ISW"}, ["institute-for-the-study-of-war"]),
        ({"q": "wilson"}, ["wilson-center"]),
    ],
    ids=["all", "kind", "repeated-kind", "acronym", "name"],
)
def test_the_organisation_list_filters_by_name_and_kind(seeded, client, params, expected):
    response = client.get("/organizations/", params)

    assert response.status_code == 200
    assert listed_slugs(response, "organizations") == expected


def test_the_organisation_list_filters_by_country(seeded, client):
    factories.OrganizationFactory(name="Kyiv Monitoring Group", slug="kyiv-monitoring-group", country_id="UA")

    response = client.get("/organizations/", {"country": "UA"})

    assert listed_slugs(response, "organizations") == ["kyiv-monitoring-group"]


def test_an_unknown_organisation_kind_answers_400(seeded, client):
    response = client.get("/organizations/", {"kind": "cartel"})

    assertContains(response, "Select a valid choice. cartel is not one of the available choices.", status_code=400)


# --- Actor profile -------------------------------------------------------------------------------


def test_an_actor_profile_shows_aliases_and_the_events_they_took_part_in_with_roles(seeded, client):
    response = client.get("/actors/viktor-medvedchuk/")
    events = visible_text(timeline(response))

    assertContains(response, '<h1 id="actor-name">Viktor Medvedchuk</h1>', html=True)
    assertContains(response, 'Medvechuk <span class="note">(misspelling found in sources)</span>')
    assert events.startswith("Events 2022 September 2022 Russia and Ukraine exchange 215 Ukrainian POWs")
    assert "Released or exchanged Among the 55 returned to Russia." in events
    assertContains(response, 'href="/events/?actor=viktor-medvedchuk"')


def test_the_timeline_is_grouped_by_year_newest_first(seeded, client):
    section = timeline(client.get("/actors/russia/"))

    assert re.findall(r"<h3>(\d{4})</h3>", section) == ["2024", "2023", "2022"]
    years = re.split(r"<h3>\d{4}</h3>", section)[1:]
    assert f"/events/{JAN_2024_EXCHANGE}/" in years[0]
    assert f"/events/{SUMMER_2023_FREEZE}/" in years[1]
    assert f"/events/{SEP_2022_EXCHANGE}/" in years[2]
    assert "Implemented the freeze." in years[1]


def test_the_timeline_shows_each_role_of_the_actor(seeded, client):
    events = visible_text(timeline(client.get("/actors/russian-ministry-of-defense/")))

    assert "3 January 2024 Russia and Ukraine hold the largest POW exchange of the war to date Announcer" in events


def test_the_timeline_leaves_out_draft_events(seeded, client):
    draft = Event.objects.get(public_id=DRAFT_EVENT)  # the Russian MoD is a party to it

    response = client.get("/actors/russian-ministry-of-defense/")

    assertNotContains(response, draft.title)
    assertNotContains(response, f"/events/{DRAFT_EVENT}/")


def test_an_actor_with_only_draft_events_has_an_empty_timeline(seeded, client):
    response = client.get("/actors/russian-milbloggers/")

    assertContains(response, "No published event records this participant yet.")
    assertNotContains(response, "<h3>2024</h3>", html=True)


def test_an_actor_profile_links_its_affiliations(seeded, client):
    response = client.get("/actors/rosgvardia/")

    assertContains(response, '<dt>Affiliated to</dt><dd><a href="/actors/russia/">Russia</a></dd>')
    assertContains(response, '<a href="/actors/vostok-battalion/">“Vostok” Battalion</a>')


def test_an_unknown_actor_is_404(seeded, client):
    assert client.get("/actors/nobody/").status_code == 404


# --- Organisation profile ------------------------------------------------------------------------


def test_an_organisation_profile_lists_its_sources_with_grades_and_its_briefs(seeded, client):
    response = client.get("/organizations/institute-for-the-study-of-war/")

    assertContains(response, '<h1 id="organization-name">Institute for the Study of War (ISW)</h1>', html=True)
    assertContains(response, "Russia, Ukraine hold biggest prisoners-of-war exchange to date</cite>")
    assertContains(response, "reliability F")
    assertContains(response, '<a href="/briefs/isw-russia-ukraine-biggest-pow-exchange/">')


def test_an_organisation_profile_leaves_out_draft_briefs(seeded, client):
    isw = Organization.objects.get(slug="institute-for-the-study-of-war")
    factories.BriefFactory(organization=isw, title="An ISW brief still in draft")

    response = client.get(isw.get_absolute_url())

    assertNotContains(response, "An ISW brief still in draft")


def test_an_organisation_profile_shows_its_events_and_parent(seeded, client):
    response = client.get("/organizations/nato-ukraine-council/")
    events = visible_text(timeline(response))

    assertContains(response, '<dt>Part of</dt><dd><a href="/organizations/nato/">NATO (NATO)</a></dd>')
    assert "2024 3 January 2024 NATO-Ukraine Council to hold an emergency meeting" in events
    assert "Party" in events
    assertContains(response, 'href="/events/?organization=nato-ukraine-council"')


def test_an_organisation_timeline_leaves_out_draft_events(seeded, client):
    nato = Organization.objects.get(slug="nato")
    draft = factories.SingleSaveEventFactory(title="A NATO event still in draft")
    factories.ParticipationFactory(event=draft, actor=None, organization=nato)

    response = client.get(nato.get_absolute_url())

    assertNotContains(response, "A NATO event still in draft")
    assertContains(response, "NATO member states continue initiatives")


def test_an_unknown_organisation_is_404(seeded, client):
    assert client.get("/organizations/nobody/").status_code == 404


def test_an_organisation_profile_lists_a_source_only_once_published_content_cites_it(seeded, client, reviewer):
    from knowledgebase.core.services import publishable_publish

    isw = Organization.objects.get(slug="institute-for-the-study-of-war")
    source = factories.SourceFactory(publisher=isw, title="A source only a draft cites")
    draft = factories.SingleSaveEventFactory(title="A draft that cites it")
    factories.CitationFactory(event=draft, source=source)

    assertNotContains(client.get(isw.get_absolute_url()), "A source only a draft cites")

    publishable_publish(obj=draft, by=reviewer)

    assertContains(client.get(isw.get_absolute_url()), "A source only a draft cites")


@pytest.mark.parametrize("use", ["figure", "allegation", "statistic", "brief"])
def test_an_organisation_profile_lists_sources_that_published_content_uses(seeded, client, use):
    publisher = factories.OrganizationFactory()
    source = factories.SourceFactory(publisher=publisher, title="The used source")
    unused = factories.SourceFactory(publisher=publisher, title="An unused source")
    event = factories.EventFactory(published=True)
    draft = factories.EventFactory()
    if use == "figure":
        factories.FigureFactory(event=event, source=source)
        factories.FigureFactory(event=draft, source=unused)
    elif use == "allegation":
        factories.AllegationFactory(event=event, source=source)
        factories.AllegationFactory(event=draft, source=unused)
    elif use == "statistic":
        factories.StatisticFactory(published=True, source=source)
        factories.StatisticFactory(source=unused)
    else:
        factories.BriefFactory(published=True, source=source)
        factories.BriefFactory(source=unused)

    response = client.get(publisher.get_absolute_url())

    assertContains(response, "The used source")
    assertNotContains(response, "An unused source")
