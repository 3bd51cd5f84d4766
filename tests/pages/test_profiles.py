"""Actor and organisation profiles: who they are, their events year by year, an organisation's sources
and briefs (published content only)."""

import re

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from knowledgebase.actors.models import Organization
from knowledgebase.events.models import Event, Figure, Participation
from knowledgebase.pages import profiles
from knowledgebase.presentation.formatting import stated_value
from tests import factories
from tests.conftest import DRAFT_EVENT, JAN_2024_EXCHANGE, SEP_2022_EXCHANGE, SUMMER_2023_FREEZE
from tests.reading import visible_text


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


def test_a_long_timeline_lists_the_latest_events_and_says_so(shared_demo_content, client, monkeypatch):
    # Russia takes part in three published demo events, the oldest in September 2022: show all but that one.
    newer = Participation.objects.filter(actor__slug="russia", event__status="published").exclude(
        event__public_id=SEP_2022_EXCHANGE
    )
    monkeypatch.setattr(profiles, "TIMELINE_SHOWN", newer.count())

    section = timeline(client.get("/actors/russia/"))

    assert f"/events/{JAN_2024_EXCHANGE}/" in section
    assert f"/events/{SUMMER_2023_FREEZE}/" in section
    assert f"/events/{SEP_2022_EXCHANGE}/" not in section
    assert f"The {newer.count()} most recent are shown." in visible_text(section)
    assert 'href="/events/?actor=russia"' in section  # where every one of them is listed


def test_a_timeline_within_its_length_says_nothing_more(shared_demo_content, client):
    section = timeline(client.get("/actors/russia/"))

    assert f"/events/{SEP_2022_EXCHANGE}/" in section
    assert "most recent are shown" not in section


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
    assertContains(response, "reliability not graded")
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


# --- The figures they claimed (issue 11) --------------------------------------------------------


def claimed(response):
    """Visible text of each figure listed as claimed on a profile, in order."""
    html = response.content.decode()
    if 'id="claimed-heading"' not in html:
        return []
    start = html.index('<section aria-labelledby="claimed-heading"')
    block = html[start : html.index("</section>", start)]
    return [visible_text(item).replace(" ,", ",") for item in block.split("<li>")[1:]]


def test_an_actor_profile_lists_the_figures_it_claimed_with_event_value_measure_and_date(shared_demo_content, client):
    rows = claimed(client.get("/actors/dmytro-lubinets/"))

    assert rows == [
        "230 People returned to Ukraine Russia and Ukraine hold the largest POW exchange of the war to date, "
        "as of 3 January 2024 reported in Russia, Ukraine hold biggest prisoners-of-war exchange to date",
        "49 Exchange sequence number Russia and Ukraine hold the largest POW exchange of the war to date, "
        "as of 3 January 2024 reported in Russia, Ukraine hold biggest prisoners-of-war exchange to date",
    ]


def test_a_claimed_value_keeps_its_qualifier(shared_demo_content, client):
    rows = claimed(client.get("/actors/volodymyr-zelensky/"))

    assert rows[0].startswith("more than 200 People returned to Ukraine")


def test_every_claimant_in_the_demo_lists_every_figure_it_claimed(shared_demo_content, client):
    figures = Figure.objects.published().select_related("event", "measure", "claimant_actor", "claimant_organization")
    assert figures.count() == 8

    for figure in figures:
        text = " ".join(claimed(client.get(figure.claimant.get_absolute_url())))
        assert f"{stated_value(figure)} {figure.measure.name} {figure.event.title}" in text, figure


def test_an_organisation_profile_lists_the_figures_it_claimed(shared_demo_content, client):
    rows = claimed(client.get("/organizations/institute-for-the-study-of-war/"))

    assert [row.split(" Russia and Ukraine")[0] for row in rows] == [
        "215 People returned to Ukraine",
        "55 People returned to Russia",
    ]
    assert all("September 2022" in row for row in rows)


def test_figures_of_draft_events_stay_off_the_profile(shared_demo_content, client):
    actor = factories.ActorFactory(name="Claimant of a draft")
    draft = Event.objects.get(public_id=DRAFT_EVENT)
    factories.FigureFactory(event=draft, claimant_actor=actor, value=999)

    response = client.get(actor.get_absolute_url())

    assert claimed(response) == []
    assertNotContains(response, "999")


def test_the_claimed_figures_cost_one_query_however_many(shared_demo_content, client):
    actor = factories.ActorFactory(name="Prolific claimant")
    events = [factories.SingleSaveEventFactory(published=True, title=f"Claimed event {n}") for n in range(3)]
    factories.FigureFactory(event=events[0], claimant_actor=actor)
    client.get(actor.get_absolute_url())
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    with CaptureQueriesContext(connection) as one:
        client.get(actor.get_absolute_url())
    for event in events[1:]:
        factories.FigureFactory(event=event, claimant_actor=actor)
    cache.clear()
    with CaptureQueriesContext(connection) as three:
        response = client.get(actor.get_absolute_url())

    assert len(claimed(response)) == 3
    assert len(three.captured_queries) == len(one.captured_queries)
