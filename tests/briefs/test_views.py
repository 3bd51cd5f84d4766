"""The public brief list and brief pages, over HTTP, on the demo content."""

import re

import pytest
from django.template.defaultfilters import date as date_filter
from django.utils.html import escape
from pytest_django.asserts import assertContains, assertNotContains

from knowledgebase.briefs.models import Brief
from knowledgebase.events.models import Event, Figure
from tests import factories
from tests.conftest import DRAFT_EVENT, JAN_2024_EXCHANGE
from tests.reading import visible_text

ISW_BRIEF = "isw-russia-ukraine-biggest-pow-exchange"
WILSON_BRIEF = "wilson-center-forced-displacement"
ISW_TAKEAWAYS = 9
ISW_LINKED_EVENTS = 14


@pytest.fixture
def isw_brief(shared_demo_content):
    return Brief.objects.get(slug=ISW_BRIEF)


def section(response, heading_id):
    """The <section> labelled by ``heading_id``, nested sections included."""
    html = response.content.decode()
    start = html.rindex("<section", 0, html.index(f'id="{heading_id}"'))
    depth, position = 0, start
    for tag in re.finditer(r"<(/?)section\b", html[start:]):
        depth += -1 if tag.group(1) else 1
        position = start + tag.end()
        if depth == 0:
            break
    return html[start:position]


# --- List ----------------------------------------------------------------------------------------


def test_the_list_shows_both_seed_briefs_with_organisation_and_standfirst(shared_demo_content, client):
    response = client.get("/briefs/")

    assertContains(response, "2 briefs")
    assertContains(response, f'<a href="/briefs/{ISW_BRIEF}/">Russia, Ukraine hold biggest prisoners-of-war exchange')
    assertContains(response, f'<a href="/briefs/{WILSON_BRIEF}/">Forced displacement</a>')
    assertContains(response, 'Institute for the Study of War · <time datetime="2024-01-03">3 January 2024</time>')
    assertContains(response, "Wilson Center · undated")
    assertContains(response, "There are currently some 110 million forced displaced")


def test_the_list_leaves_out_drafts_and_briefs_in_review(shared_demo_content, client):
    factories.BriefFactory(title="A draft brief nobody should see")
    factories.BriefFactory(title="A brief awaiting review", status="review")

    response = client.get("/briefs/")

    assertContains(response, "2 briefs")
    assertNotContains(response, "A draft brief nobody should see")
    assertNotContains(response, "A brief awaiting review")


# --- Brief page ----------------------------------------------------------------------------------


def test_the_brief_page_shows_the_standfirst_and_its_author(shared_demo_content, client):
    response = client.get(f"/briefs/{WILSON_BRIEF}/")

    assertContains(
        response,
        '<p class="standfirst">Forced displacement represents one of the most pressing humanitarian issues of our '
        "time. There are currently some 110 million forced displaced, and this number is growing by 10 million each "
        "year.</p>",
        html=True,
    )
    assertContains(response, '<a href="/organizations/wilson-center/">Wilson Center</a>')


def test_takeaways_are_shown_in_order_each_linking_its_event(shared_demo_content, client, isw_brief):
    response = client.get(f"/briefs/{ISW_BRIEF}/")
    takeaways = section(response, "takeaways-heading")

    items = re.findall(r"<li>(.*?)</li>", takeaways, re.S)
    expected = list(isw_brief.takeaways.order_by("position").values_list("text", "event__public_id"))
    assert len(items) == ISW_TAKEAWAYS == len(expected)
    for item, (text, public_id) in zip(items, expected, strict=True):
        assert item.startswith(escape(text))
        assert f'href="/events/{public_id}/"' in item
    assert items[0].startswith("Russia and Ukraine conducted a prisoner of war (POW) exchange on January 3")
    assert items[-1].startswith("Russian authorities continue efforts to integrate occupied Ukraine")


def test_a_takeaway_whose_event_is_a_draft_is_shown_without_a_link(shared_demo_content, client, isw_brief):
    isw_brief.takeaways.filter(position=ISW_TAKEAWAYS).update(event=Event.objects.get(public_id=DRAFT_EVENT))

    response = client.get(f"/briefs/{ISW_BRIEF}/")

    assertContains(response, "Russian authorities continue efforts to integrate occupied Ukraine")
    assertNotContains(response, f"/events/{DRAFT_EVENT}/")


def test_recommendations_are_grouped_by_audience(shared_demo_content, client):
    recommendations = section(client.get(f"/briefs/{WILSON_BRIEF}/"), "recommendations-heading")

    groups = re.findall(r"<h3>To (\w+)</h3>\s*<ul>(.*?)</ul>", recommendations, re.S)
    assert {audience for audience, _items in groups} == {"Governments", "Organisations", "Individuals"}
    for _audience, items in groups:
        assert items.count("<li>") == 1
        assert "Prioritize the rights and needs of the forced displaced" in items


def test_recommendations_to_one_audience_share_one_heading(shared_demo_content, client):
    brief = factories.BriefFactory(published=True)
    factories.RecommendationFactory(brief=brief, position=1, audience="governments", text="Fund the response.")
    factories.RecommendationFactory(brief=brief, position=2, audience="donors", text="Give more.")
    factories.RecommendationFactory(brief=brief, position=3, audience="governments", text="Ratify the treaty.")

    recommendations = visible_text(section(client.get(brief.get_absolute_url()), "recommendations-heading"))

    assert recommendations.count("To Governments") == 1
    assert "To Governments Fund the response. Ratify the treaty." in recommendations
    assert "To Donors Give more." in recommendations


def test_audiences_follow_the_editors_order_of_recommendations(shared_demo_content, client):
    # The seed: "We urge governments, organizations, and individuals"; positions 1, 2, 3 in the demo.
    recommendations = section(client.get(f"/briefs/{WILSON_BRIEF}/"), "recommendations-heading")

    assert re.findall(r"<h3>To (\w+)</h3>", recommendations) == ["Governments", "Organisations", "Individuals"]


def test_linked_events_are_listed(shared_demo_content, client):
    events = section(client.get(f"/briefs/{ISW_BRIEF}/"), "events-heading")

    assert len(re.findall(r'class="event-title"', events)) == ISW_LINKED_EVENTS
    assert f'href="/events/{JAN_2024_EXCHANGE}/"' in events


def test_a_linked_draft_event_is_not_listed(shared_demo_content, client, isw_brief):
    draft = Event.objects.get(public_id=DRAFT_EVENT)
    isw_brief.events.add(draft)

    response = client.get(f"/briefs/{ISW_BRIEF}/")

    assert len(re.findall(r'class="event-title"', section(response, "events-heading"))) == ISW_LINKED_EVENTS
    assertNotContains(response, draft.title)


def test_linked_figures_are_shown_live_with_attribution_and_sources(shared_demo_content, client):
    figures = section(client.get(f"/briefs/{ISW_BRIEF}/"), "data-heading")
    text = visible_text(figures)

    assert "Russia and Ukraine hold the largest POW exchange of the war to date" in text
    assert "People returned to Ukraine 230 disputed claims range from 173 to 230" in text
    assert "according to Dmytro Lubinets" in text
    assert "up to 230 according to Unnamed Russian sources" in text
    assert "People returned to Russia 248" in text
    assert "reported in Russia, Ukraine hold biggest prisoners-of-war exchange to date" in text
    assert "reliability not graded" in text


def test_a_corrected_figure_shows_on_the_brief_at_once(shared_demo_content, client):
    client.get(f"/briefs/{ISW_BRIEF}/")  # a reader has seen (and the cache holds) the page
    figure = Figure.objects.get(event__public_id=JAN_2024_EXCHANGE, value=248)
    figure.value = 250
    figure.save()

    figures = section(client.get(f"/briefs/{ISW_BRIEF}/"), "data-heading")

    assert '<span class="claim-value">250</span>' in figures
    assert '<span class="claim-value">248</span>' not in figures


def test_a_figure_of_a_draft_event_is_not_shown(shared_demo_content, client, isw_brief):
    hidden_event = factories.SingleSaveEventFactory(title="Unpublished exchange")
    shown_event = factories.SingleSaveEventFactory(published=True, title="Published exchange")
    claimant = factories.ActorFactory(name="Hidden claimant")
    hidden = factories.FigureFactory(event=hidden_event, value=987654, claimant_actor=claimant)
    shown = factories.FigureFactory(event=shown_event, value=123456)
    isw_brief.figures.add(hidden, shown)

    response = client.get(f"/briefs/{ISW_BRIEF}/")

    assertContains(response, "123,456")
    assertNotContains(response, "987,654")
    assertNotContains(response, "Unpublished exchange")
    assertNotContains(response, "Hidden claimant")


def test_linked_statistics_show_with_their_source_and_as_of(shared_demo_content, client):
    figures = visible_text(section(client.get(f"/briefs/{WILSON_BRIEF}/"), "data-heading"))

    assert "about 110,000,000 Forcibly displaced people worldwide" in figures
    assert "10,000,000 per year Yearly growth" in figures
    assert "As of: not dated by the source (Undated page: “currently”)" in figures
    assert "according to Wilson Center" in figures


def test_a_linked_draft_statistic_is_not_shown(shared_demo_content, client):
    brief = Brief.objects.get(slug=WILSON_BRIEF)
    brief.statistics.add(factories.StatisticFactory(title="Draft statistic nobody should see", value=4242))

    response = client.get(brief.get_absolute_url())

    assertNotContains(response, "Draft statistic nobody should see")
    assertNotContains(response, "4,242")


# --- Sanitised Markdown --------------------------------------------------------------------------

HOSTILE_BODY = """Some **bold** text and a [safe link](https://example.org/report).

<script>alert("script-tag")</script>

<img src="x" onerror="alert('onerror-attribute')">

[a javascript link](javascript:alert('markdown-link'))

<a href="javascript:alert('html-link')" onclick="alert('onclick')">an html link</a>

<p style="color:red" onmouseover="alert('mouseover')">styled</p>
"""


@pytest.fixture
def hostile_brief_page(shared_demo_content, client):
    brief = factories.BriefFactory(published=True, body=HOSTILE_BODY)
    response = client.get(brief.get_absolute_url())
    return response, section(response, "text-heading")


def test_markdown_body_is_rendered(hostile_brief_page):
    _response, body = hostile_brief_page

    assert "<strong>bold</strong>" in body
    assert 'href="https://example.org/report"' in body
    assert "a javascript link" in body
    assert "an html link" in body


@pytest.mark.parametrize(
    "dangerous",
    ["<script", "alert(", "onerror", "onclick", "onmouseover", "javascript:", "style=", "<img"],
)
def test_markdown_body_keeps_no_script_handler_or_javascript_link(hostile_brief_page, dangerous):
    response, body = hostile_brief_page

    assert dangerous not in body.lower()
    assert "alert(" not in response.content.decode()


# --- Drafts --------------------------------------------------------------------------------------


def test_a_draft_brief_is_404_for_anonymous_users(shared_demo_content, client):
    brief = factories.BriefFactory(title="Draft brief")

    assert client.get(brief.get_absolute_url()).status_code == 404


def test_an_editor_previews_a_draft_brief_with_a_not_public_banner(shared_demo_content, editor_client):
    brief = factories.BriefFactory(title="Draft brief")

    response = editor_client.get(brief.get_absolute_url())

    assertContains(response, "Draft brief")
    assertContains(response, "Preview for editors: this record is “Draft” and is not public.")


def test_an_unknown_brief_is_404(shared_demo_content, client):
    assert client.get("/briefs/no-such-brief/").status_code == 404


# --- How to cite a brief (issue 11) --------------------------------------------------------------


def test_a_brief_says_how_to_cite_it_crediting_its_organisation_with_the_permalink(isw_brief, client):
    cite = visible_text(section(client.get(f"/briefs/{ISW_BRIEF}/"), "cite-heading")).replace(" .", ".")

    version = date_filter(isw_brief.updated_at, "j F Y")
    assert cite.startswith(
        "How to cite Institute for the Study of War. “Russia, Ukraine hold biggest prisoners-of-war exchange to date” "
        "(3 January 2024). Brief in Displacement and POW Knowledge Base. "
        f"http://testserver/briefs/{ISW_BRIEF}/. Version of {version}."
    )
    assertContains(
        client.get(f"/briefs/{ISW_BRIEF}/"),
        f'<a href="http://testserver/briefs/{ISW_BRIEF}/">http://testserver/briefs/{ISW_BRIEF}/</a>',
    )


def test_an_undated_brief_is_cited_as_undated(shared_demo_content, client):
    cite = visible_text(section(client.get(f"/briefs/{WILSON_BRIEF}/"), "cite-heading"))

    assert "Wilson Center. “Forced displacement” (undated). Brief in Displacement and POW Knowledge Base." in cite
