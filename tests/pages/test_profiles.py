"""Actor and organisation profiles: who they are, their events year by year, an organisation's sources
and briefs (published content only)."""

import re
from html import unescape

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from knowledgebase.actors.models import Organization
from knowledgebase.events.models import Event
from tests import factories
from tests.conftest import DRAFT_EVENT, JAN_2024_EXCHANGE, SEP_2022_EXCHANGE, SUMMER_2023_FREEZE


def visible_text(html):
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def timeline(response):
    html = response.content.decode()
    start = html.index('<section aria-labelledby="timeline-heading"')
    return html[start : html.index("</section>", start)]


def test_an_actor_profile_shows_aliases_and_the_events_they_took_part_in_with_roles(shared_demo_content, client):
    response = client.get("/actors/viktor-medvedchuk/")
    events = visible_text(timeline(response))

    assertContains(response, '<h1 id="actor-name">Viktor Medvedchuk</h1>', html=True)
    assertContains(response, 'Medvechuk <span class="note">(misspelling found in sources)</span>')
    assert events.startswith("Events 2022 September 2022 Russia and Ukraine exchange 215 Ukrainian POWs")
    assert "Released or exchanged Among the 55 returned to Russia." in events
    assertContains(response, 'href="/events/?actor=viktor-medvedchuk"')


def test_the_timeline_is_grouped_by_year_newest_first(shared_demo_content, client):
    section = timeline(client.get("/actors/russia/"))

    assert re.findall(r"<h3>(\d{4})</h3>", section) == ["2024", "2023", "2022"]
    years = re.split(r"<h3>\d{4}</h3>", section)[1:]
    assert f"/events/{JAN_2024_EXCHANGE}/" in years[0]
    assert f"/events/{SUMMER_2023_FREEZE}/" in years[1]
    assert f"/events/{SEP_2022_EXCHANGE}/" in years[2]
    assert "Implemented the freeze." in years[1]


def test_the_timeline_shows_each_role_of_the_actor(shared_demo_content, client):
    events = visible_text(timeline(client.get("/actors/russian-ministry-of-defense/")))

    assert "3 January 2024 Russia and Ukraine hold the largest POW exchange of the war to date Announcer" in events


def test_the_timeline_leaves_out_draft_events(shared_demo_content, client):
    draft = Event.objects.get(public_id=DRAFT_EVENT)  # the Russian MoD is a party to it

    response = client.get("/actors/russian-ministry-of-defense/")

    assertNotContains(response, draft.title)
    assertNotContains(response, f"/events/{DRAFT_EVENT}/")


def test_an_actor_with_only_draft_events_has_an_empty_timeline(shared_demo_content, client):
    response = client.get("/actors/russian-milbloggers/")

    assertContains(response, "No published event records this participant yet.")
    assertNotContains(response, "<h3>2024</h3>", html=True)


def test_an_actor_profile_links_its_affiliations(shared_demo_content, client):
    response = client.get("/actors/rosgvardia/")

    assertContains(response, '<dt>Affiliated to</dt><dd><a href="/actors/russia/">Russia</a></dd>')
    assertContains(response, '<a href="/actors/vostok-battalion/">“Vostok” Battalion</a>')


def test_an_unknown_actor_is_404(shared_demo_content, client):
    assert client.get("/actors/nobody/").status_code == 404


def test_an_organisation_profile_lists_its_sources_with_grades_and_its_briefs(shared_demo_content, client):
    response = client.get("/organizations/institute-for-the-study-of-war/")

    assertContains(response, '<h1 id="organization-name">Institute for the Study of War (ISW)</h1>', html=True)
    assertContains(response, "Russia, Ukraine hold biggest prisoners-of-war exchange to date</cite>")
    assertContains(response, "reliability F")
    assertContains(response, '<a href="/briefs/isw-russia-ukraine-biggest-pow-exchange/">')


def test_an_organisation_profile_leaves_out_draft_briefs(shared_demo_content, client):
    isw = Organization.objects.get(slug="institute-for-the-study-of-war")
    factories.BriefFactory(organization=isw, title="An ISW brief still in draft")

    response = client.get(isw.get_absolute_url())

    assertNotContains(response, "An ISW brief still in draft")


def test_an_organisation_profile_shows_its_events_and_parent(shared_demo_content, client):
    response = client.get("/organizations/nato-ukraine-council/")
    events = visible_text(timeline(response))

    assertContains(response, '<dt>Part of</dt><dd><a href="/organizations/nato/">NATO (NATO)</a></dd>')
    assert "2024 3 January 2024 NATO-Ukraine Council to hold an emergency meeting" in events
    assert "Party" in events
    assertContains(response, 'href="/events/?organization=nato-ukraine-council"')


def test_an_organisation_timeline_leaves_out_draft_events(shared_demo_content, client):
    nato = Organization.objects.get(slug="nato")
    draft = factories.SingleSaveEventFactory(title="A NATO event still in draft")
    factories.ParticipationFactory(event=draft, actor=None, organization=nato)

    response = client.get(nato.get_absolute_url())

    assertNotContains(response, "A NATO event still in draft")
    assertContains(response, "NATO member states continue initiatives")


def test_an_unknown_organisation_is_404(shared_demo_content, client):
    assert client.get("/organizations/nobody/").status_code == 404


def test_an_organisation_profile_lists_a_source_only_once_published_content_cites_it(
    shared_demo_content, client, reviewer
):
    from knowledgebase.core.services import publishable_publish

    isw = Organization.objects.get(slug="institute-for-the-study-of-war")
    source = factories.SourceFactory(publisher=isw, title="A source only a draft cites")
    draft = factories.SingleSaveEventFactory(title="A draft that cites it")
    factories.CitationFactory(event=draft, source=source)

    assertNotContains(client.get(isw.get_absolute_url()), "A source only a draft cites")

    publishable_publish(obj=draft, by=reviewer)

    assertContains(client.get(isw.get_absolute_url()), "A source only a draft cites")


@pytest.mark.parametrize("use", ["figure", "allegation", "statistic", "brief"])
def test_an_organisation_profile_lists_sources_that_published_content_uses(shared_demo_content, client, use):
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
