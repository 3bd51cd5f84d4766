"""The actor and organisation lists: filters, aliases, and clear messages for a filter that names nothing."""

import re

import pytest
from pytest_django.asserts import assertContains

from knowledgebase.actors.models import Actor
from tests import factories

DEMO_ACTORS = 24


def listed_slugs(response, kind):
    """Slugs of the cards of an actor or organisation list, in order."""
    return re.findall(rf'<h2><a href="/{kind}/([^/]+)/">', response.content.decode())


def test_the_actor_list_shows_every_actor_by_name(shared_demo_content, client):
    response = client.get("/actors/")

    slugs = listed_slugs(response, "actors")
    assert len(slugs) == DEMO_ACTORS
    assert slugs == list(Actor.objects.order_by("name").values_list("slug", flat=True))
    assertContains(response, f"{DEMO_ACTORS} actors")


def test_the_actor_list_shows_aliases_and_affiliation(shared_demo_content, client):
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
def test_the_actor_list_filters_by_name_kind_and_country(shared_demo_content, client, params, expected):
    response = client.get("/actors/", params)

    assert response.status_code == 200
    assert listed_slugs(response, "actors") == expected


def test_an_alias_search_lists_the_actor_once(shared_demo_content, client):
    factories.ActorAliasFactory(actor=Actor.objects.get(slug="viktor-medvedchuk"), name="Medvechuk V.")

    response = client.get("/actors/", {"q": "Medvechuk"})

    assert listed_slugs(response, "actors") == ["viktor-medvedchuk"]
    assertContains(response, "1 actor")


@pytest.mark.parametrize(("param", "value"), [("kind", "warlord"), ("country", "XX")])
def test_an_unknown_kind_or_country_answers_400_with_a_message(shared_demo_content, client, param, value):
    response = client.get("/actors/", {param: value})

    assertContains(response, "Some filters could not be read", status_code=400)
    assertContains(response, f"Select a valid choice. {value} is not one of the available choices.", status_code=400)
    assert listed_slugs(response, "actors") == []


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
def test_the_organisation_list_filters_by_name_and_kind(shared_demo_content, client, params, expected):
    response = client.get("/organizations/", params)

    assert response.status_code == 200
    assert listed_slugs(response, "organizations") == expected


def test_the_organisation_list_filters_by_country(shared_demo_content, client):
    factories.OrganizationFactory(name="Kyiv Monitoring Group", slug="kyiv-monitoring-group", country_id="UA")

    response = client.get("/organizations/", {"country": "UA"})

    assert listed_slugs(response, "organizations") == ["kyiv-monitoring-group"]


def test_an_unknown_organisation_kind_answers_400(shared_demo_content, client):
    response = client.get("/organizations/", {"kind": "cartel"})

    assertContains(response, "Select a valid choice. cartel is not one of the available choices.", status_code=400)
