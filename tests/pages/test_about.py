"""/about/ and /about/methodology/ over HTTP: who runs the site and how to reach it, how figures, disputes,
best estimates, grades, IHL links and corrections work; every figure block links to the right part of it,
and no page calls an ungraded source "reliability F"."""

import re

import pytest
from django.apps import apps as django_apps
from pytest_django.asserts import assertContains, assertNotContains

from knowledgebase.events.models import Event
from knowledgebase.sources.models import Source
from tests import factories
from tests.conftest import JAN_2024_EXCHANGE
from tests.reading import visible_text

METHODOLOGY = "/about/methodology/"


def section(response, anchor):
    html = response.content.decode()
    start = html.index(f'<section id="{anchor}"')
    return visible_text(html[start : html.index("</section>", start)])


# --- about --------------------------------------------------------------------------------------------------


def test_about_says_who_runs_the_site_and_how_corrections_work(db, client):
    response = client.get("/about/")

    assert response.status_code == 200
    text = visible_text(response.content.decode())
    assert "About Displacement and POW Knowledge Base" in text
    assert "Displacement and POW Knowledge Base runs this site." in text
    assert "its reviewers check that work and publish it" in text
    assert "a dated entry in its change log" in text
    assertContains(response, f'href="{METHODOLOGY}"')


def test_about_shows_no_contact_address_unless_one_is_configured(db, client, settings):
    settings.CONTACT_EMAIL = ""

    response = client.get("/about/")

    assertNotContains(response, "mailto:")
    assertNotContains(response, 'id="contact-heading"')


def test_about_gives_the_configured_contact_address(db, client, settings):
    settings.CONTACT_EMAIL = "corrections@kb.example.org"

    response = client.get("/about/")

    assertContains(response, '<a href="mailto:corrections@kb.example.org">corrections@kb.example.org</a>')
    assert "write to the address above" in visible_text(response.content.decode())


def test_the_contact_address_is_escaped(db, client, settings):
    settings.CONTACT_EMAIL = '"><script>x</script>'

    response = client.get("/about/")

    assertNotContains(response, "<script>x")


# --- methodology ------------------------------------------------------------------------------------------------


@pytest.fixture
def methodology(shared_demo_content, client):
    response = client.get(METHODOLOGY)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(
    "anchor",
    [
        "claims",
        "qualifiers",
        "disputed",
        "best-estimate",
        "ranks",
        "reliability",
        "ihl",
        "corrections",
        "charts",
        "population-types",
        "measures",
        "borders",
    ],
)
def test_each_part_has_an_anchor_listed_on_the_page(methodology, anchor):
    assertContains(methodology, f'<section id="{anchor}"')
    assertContains(methodology, f'<a href="#{anchor}">')


def test_the_qualifiers_say_how_each_bounds_the_range(methodology):
    text = section(methodology, "qualifiers")

    for qualifier, reading in [
        ("exactly", "That number"),
        ("more than", "Any number above it, not the number itself"),
        ("at least", "The number or any number above it"),
        ("less than", "Any number below it, not the number itself"),
        ("up to", "The number or any number below it"),
        ("about", "Any number within 10 % of it either way (99 to 121 million"),
    ]:
        assert re.search(rf"\b{qualifier}\b .*? {re.escape(reading)}", text), qualifier


def test_disputed_means_no_number_satisfies_every_claim_and_the_range_is_what_was_stated(methodology):
    text = section(methodology, "disputed")

    assert "no single number could make all of them true" in text
    assert "from the smallest to the largest number that the claims state" in text
    assert "173 to 230" in text


def test_the_best_estimate_is_chosen_as_the_claims_logic_chooses_it(methodology):
    """In the order of sources.claims._preferred: preferred rank, none if disputed, the one exact number, the
    only claim, none."""
    text = section(methodology, "best-estimate")

    steps = [
        "ranked preferred",
        "if the claims are disputed, there is no best estimate",
        "every claim that states an exact number states the same number",
        "if there is only one claim",
        "Otherwise there is no best estimate",
    ]
    positions = [text.index(step) for step in steps]
    assert positions == sorted(positions)
    assert "lowest number claimed" in text


def test_the_reliability_scale_lists_the_admiralty_grades_and_not_graded(methodology):
    text = section(methodology, "reliability")

    grades = [
        "A: completely reliable",
        "B: usually reliable",
        "C: fairly reliable",
        "D: not usually reliable",
        "E: unreliable",
        "F: reliability cannot be judged",
        "not graded: the editors have not assessed this source yet",
    ]
    assert " ".join(grades) in text
    assert "F is not a failing mark" in text


def test_ihl_links_are_editorial_assessments_not_court_findings(methodology):
    text = section(methodology, "ihl")

    assert "editorial assessments" in text
    assert "not the findings of a court" in text
    for status in ("Alleged", "Documented", "Confirmed", "Contested", "Discounted"):
        assert status in text


def test_corrections_and_retractions_are_explained(methodology):
    text = section(methodology, "corrections")

    assert "public change log" in text
    assert "retraction notice" in text


def test_the_glossary_has_every_population_type_with_an_anchor(methodology):
    text = section(methodology, "population-types")

    for code in ("REF", "ASY", "IDP", "OIP", "STA", "RET", "RDP", "FDP"):
        assertContains(methodology, f'<dt id="population-{code.lower()}">')
        assert f"{code}:" in text
    assertContains(methodology, 'href="https://www.unhcr.org/refugee-statistics/methodology/"')


def test_the_glossary_of_measures_lists_the_measures_recorded(methodology):
    text = section(methodology, "measures")

    assert "Stock: people displaced at a date" in text
    assert "People returned to Ukraine People returned to Ukraine in an exchange" in text
    assert "Exchange sequence number" in text


def test_the_borders_section_states_the_boundary_policy(methodology):
    text = section(methodology, "borders")

    assert "68/262" in text
    assert "Crimea" in text


# --- links into the methodology --------------------------------------------------------------------------------


def test_the_footer_links_about_and_methodology_on_every_page(shared_demo_content, client):
    for url in ("/", "/events/", "/displacement/", f"/events/{JAN_2024_EXCHANGE}/"):
        footer = client.get(url).content.decode().split('<footer class="site-footer">')[1]
        assert '<a href="/about/">About</a>' in footer, url
        assert f'<a href="{METHODOLOGY}">Methodology</a>' in footer, url


def test_every_measure_and_every_claim_on_an_event_page_links_to_the_methodology(shared_demo_content, client):
    html = client.get(f"/events/{JAN_2024_EXCHANGE}/").content.decode()
    measures = re.findall(r'<section class="measure.*?</section>', html, re.S)
    claims = re.findall(r'<li class="claim .*?</li>', html, re.S)

    assert len(measures) == 3 and len(claims) == 6
    for block in measures + claims:
        assert f'href="{METHODOLOGY}#' in block
    disputed = next(block for block in measures if "measure-disputed" in block)
    assert f'href="{METHODOLOGY}#disputed"' in disputed
    assert f'href="{METHODOLOGY}#best-estimate"' in disputed  # the best estimate's badge


def test_every_statistic_block_links_its_population_type_to_the_glossary(shared_demo_content, client):
    html = client.get("/briefs/wilson-center-forced-displacement/").content.decode()
    statistics = re.findall(r'<li class="statistic">.*?</li>', html, re.S)

    assert len(statistics) == 2
    for block in statistics:
        assert f'<a href="{METHODOLOGY}#population-fdp">All forcibly displaced people</a>' in block


def test_every_anchor_linked_from_the_site_exists_on_the_methodology_page(shared_demo_content, client):
    methodology = client.get(METHODOLOGY).content.decode()
    linked = set()
    for url in ("/", f"/events/{JAN_2024_EXCHANGE}/", "/pow-exchanges/", "/displacement/", "/briefs/"):
        linked |= set(re.findall(rf'href="{METHODOLOGY}#([a-z-]+)"', client.get(url).content.decode()))

    assert {"best-estimate", "disputed", "reliability", "charts"} <= linked
    for anchor in linked:
        assert f'id="{anchor}"' in methodology, anchor


# --- reliability: not graded, never a failing F --------------------------------------------------------------


PAGES_WITH_SOURCES = [
    "/",
    f"/events/{JAN_2024_EXCHANGE}/",
    "/displacement/",
    "/briefs/isw-russia-ukraine-biggest-pow-exchange/",
    "/briefs/wilson-center-forced-displacement/",
    "/organizations/institute-for-the-study-of-war/",
    "/ihl/gc3-art-13/",
]


@pytest.mark.parametrize("url", PAGES_WITH_SOURCES)
def test_no_page_shows_reliability_f_for_an_ungraded_source(shared_demo_content, client, url):
    response = client.get(url)

    assertNotContains(response, "reliability F")
    assertContains(response, "reliability not graded")


def test_the_seed_sources_are_not_graded(shared_demo_content):
    assert set(Source.objects.values_list("reliability", flat=True)) == {""}


def test_a_new_source_is_not_graded_until_someone_grades_it(db):
    source = factories.SourceFactory()

    source.full_clean()
    assert source.reliability == ""
    assert source.get_reliability_display() == "not graded"


def test_the_migration_turns_the_old_placeholder_f_into_not_graded(db):
    from importlib import import_module

    migration = import_module("knowledgebase.sources.migrations.0004_source_reliability_not_graded")
    kept = factories.SourceFactory(reliability="B")
    placeholder = factories.SourceFactory(reliability="F")

    migration.f_to_not_graded(django_apps, None)

    assert Source.objects.get(pk=placeholder.pk).reliability == ""
    assert Source.objects.get(pk=kept.pk).reliability == "B"


def test_a_graded_source_shows_its_grade_linked_to_the_scale(shared_demo_content, client):
    event = Event.objects.get(public_id=JAN_2024_EXCHANGE)
    factories.CitationFactory(event=event, source=factories.SourceFactory(title="Graded B", reliability="B"))

    response = client.get(f"/events/{JAN_2024_EXCHANGE}/")

    assertContains(
        response,
        f'<a class="grade grade-B" href="{METHODOLOGY}#reliability" title="B: usually reliable">reliability B</a>',
    )


# --- served like every public page ---------------------------------------------------------------------------


def test_both_pages_are_in_the_sitemap(shared_demo_content, client):
    sitemap = client.get("/sitemap-pages.xml").content.decode()

    assert "<loc>http://testserver/about/</loc>" in sitemap
    assert f"<loc>http://testserver{METHODOLOGY}</loc>" in sitemap


@pytest.mark.parametrize("url", ["/about/", METHODOLOGY])
def test_both_pages_are_cached_for_readers(shared_demo_content, client, url):
    client.get(url)

    assert client.get(url)["X-Cache"] == "hit"
