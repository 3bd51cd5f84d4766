"""The actor and organisation lists: filters, aliases, and clear messages for a filter that names nothing."""

import re

import pytest
from django.db.models import Count
from pytest_django.asserts import assertContains, assertNotContains

from knowledgebase.actors.models import Actor, Organization
from tests import factories
from tests.reading import chips, empty_result, facet

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
    assertContains(
        response, 'Official · President of Ukraine · <a href="/countries/UA/">Ukraine</a> · affiliated to Ukraine'
    )


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


# --- Facets, active filters and empty results (issue 11, filters that scale) ---------------------


@pytest.mark.parametrize(("path", "model"), [("/actors/", Actor), ("/organizations/", Organization)])
def test_kind_and_country_list_only_values_the_list_has_with_their_counts(shared_demo_content, client, path, model):
    if model is Organization:  # no demo organisation has a country
        factories.OrganizationFactory(name="Kyiv Monitoring Group", slug="kyiv-monitoring-group", country_id="UA")
    response = client.get(path)

    kinds = facet(response, "kind")
    countries = facet(response, "country")
    assert kinds and countries
    assert {value: count for value, _label, count, _checked in kinds} == dict(
        model.objects.values_list("kind").annotate(n=Count("id")).values_list("kind", "n")
    )
    assert {value: count for value, _label, count, _checked in countries} == dict(
        model.objects.filter(country__isnull=False)
        .values("country")
        .annotate(n=Count("id"))
        .values_list("country", "n")
    )
    assert [label for _value, label, _count, _checked in countries] == sorted(
        label for _value, label, _count, _checked in countries
    )
    assertNotContains(response, '<select name="country"')


def test_the_actor_facets_count_a_new_actor_and_tick_the_chosen_values(shared_demo_content, client):
    before = dict((value, count) for value, _label, count, _checked in facet(client.get("/actors/"), "country"))
    factories.ActorFactory(name="Test official of Kazakhstan", kind="official", country_id="KZ")

    response = client.get("/actors/", {"country": "KZ", "kind": "official"})

    countries = facet(response, "country")
    assert countries[0] == ("KZ", "Kazakhstan", before["KZ"] + 1, True)
    assert facet(response, "kind")[0][::3] == ("official", True)
    assert chips(response) == [
        ("Kind: Official", "/actors/?country=KZ"),
        ("Country: Kazakhstan", "/actors/?kind=official"),
    ]


def test_an_empty_actor_list_names_its_filters_and_offers_to_remove_each(shared_demo_content, client):
    response = client.get("/actors/", {"q": "nobody-by-this-name", "country": "KZ"})

    assert listed_slugs(response, "actors") == []
    text, removals = empty_result(response)
    assert text.startswith("No actor matches all of these filters. Remove one to see more:")
    assert removals == ["/actors/?country=KZ", "/actors/?q=nobody-by-this-name"]


def test_a_facet_without_values_says_so_instead_of_an_empty_list(shared_demo_content, client):
    assert not Organization.objects.filter(country__isnull=False).exists()

    response = client.get("/organizations/")

    assert facet(response, "country") == []
    assertContains(
        response, '<div class="facet" id="id_country"><p class="facet-empty">Nothing to choose from yet.</p>'
    )
