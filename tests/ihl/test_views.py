"""IHL provisions grouped by instrument, and the published events alleged to violate them."""

import re

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from knowledgebase.ihl.models import Provision
from tests import factories
from tests.reading import visible_text

POWS_IN_COMBAT = "pkryf4za"
POWS_AS_SHIELDS = "9eb14hes"
POWS_EXECUTED = "by0q26qj"


def card(response, slug):
    """The text of the card of one provision on the list page."""
    html = response.content.decode()
    start = html.rindex('<li class="card">', 0, html.index(f'href="/ihl/{slug}/"'))
    return visible_text(html[start : html.index("</li>", start)])


@pytest.fixture
def draft_allegation_under_article_109(shared_demo_content):
    """A draft event alleged to violate an article that no published event is alleged to violate."""
    event = factories.SingleSaveEventFactory(title="A draft report of a refused repatriation")
    return factories.AllegationFactory(event=event, provision=Provision.objects.get(slug="gc3-art-109"))


def test_provisions_are_grouped_under_their_instrument_in_order(shared_demo_content, client):
    html = client.get("/ihl/").content.decode()

    groups = re.findall(r'<section aria-labelledby="instrument-([^"]+)">(.*?)</section>', html, re.S)
    assert [(instrument, re.findall(r'href="/ihl/([^/]+)/"', body)) for instrument, body in groups] == [
        ("geneva-convention-iii", ["gc3-art-13", "gc3-art-23", "gc3-art-109", "gc3-art-118", "gc3-art-130"]),
        ("customary-ihl", ["cihl-rule-97"]),
    ]


def test_each_instrument_is_named_and_links_its_official_text(shared_demo_content, client):
    response = client.get("/ihl/")

    assertContains(response, "Convention (III) relative to the Treatment of Prisoners of War. Geneva, 12 August 1949")
    assertContains(response, "Customary International Humanitarian Law (ICRC study)")
    assertContains(response, 'href="https://ihl-databases.icrc.org/en/ihl-treaties/gciii-1949"')


@pytest.mark.parametrize(
    ("slug", "count"),
    [
        ("gc3-art-13", "1 event alleged to violate it"),
        ("gc3-art-23", "1 event alleged to violate it"),
        ("gc3-art-109", "0 events alleged to violate it"),
        ("gc3-art-130", "2 events alleged to violate it"),
        ("cihl-rule-97", "1 event alleged to violate it"),
    ],
)
def test_each_provision_counts_the_published_events_alleged_to_violate_it(shared_demo_content, client, slug, count):
    assert card(client.get("/ihl/"), slug).endswith(count)


def test_the_count_leaves_out_draft_events(client, draft_allegation_under_article_109):
    assert card(client.get("/ihl/"), "gc3-art-109").endswith("0 events alleged to violate it")


def test_a_provision_page_lists_the_published_events_alleged_to_violate_it(shared_demo_content, client):
    response = client.get("/ihl/gc3-art-130/")
    html = response.content.decode()

    assertContains(response, '<h1 id="provision-title">Article 130: Grave breaches</h1>', html=True)
    assertContains(response, 'href="https://ihl-databases.icrc.org/en/ihl-treaties/gciii-1949/article-130"')
    assert set(re.findall(r'<a href="/events/([0-9a-z]+)/">', html)) == {POWS_IN_COMBAT, POWS_EXECUTED}
    assert html.count('<span class="badge badge-alleged">Alleged</span>') == 2
    assertContains(response, "reliability not graded", count=2)
    assertContains(response, 'href="/events/?provision=gc3-art-130"')


def test_a_customary_rule_page_lists_the_human_shields_report(shared_demo_content, client):
    response = client.get("/ihl/cihl-rule-97/")

    assertContains(response, "Customary International Humanitarian Law (ICRC study)")
    assertContains(response, f'<a href="/events/{POWS_AS_SHIELDS}/">Russian forces reportedly use Ukrainian POWs as')


def test_a_provision_page_leaves_out_allegations_against_draft_events(client, draft_allegation_under_article_109):
    response = client.get("/ihl/gc3-art-109/")

    assertNotContains(response, "A draft report of a refused repatriation")
    assertContains(response, "No published event is alleged to violate this provision.")
    assertNotContains(response, "These events in the event list")


def test_an_unknown_provision_is_404(shared_demo_content, client):
    assert client.get("/ihl/gc3-art-999/").status_code == 404
