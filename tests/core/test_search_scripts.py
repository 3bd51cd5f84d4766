"""Search across scripts and languages, over HTTP and in units: Cyrillic names and text are found in any case
from the English and the Ukrainian pages, on SQLite as on PostgreSQL (run with DATABASE_URL for the latter);
PostgreSQL keeps stemming English and serves the search from the stored vector's index."""

import pytest
from django.db import connection
from django.utils import translation

from knowledgebase.actors.models import Actor, folded_names
from knowledgebase.core import derived
from knowledgebase.core.search import (
    SIMPLE_CONFIG,
    document_text,
    every_language,
    language_columns,
    query_terms,
    reading_columns,
    search_queryset,
)
from knowledgebase.core.services import record_delete, record_save
from knowledgebase.events.models import Event
from tests import factories
from tests.conftest import JAN_2024_EXCHANGE

ON_POSTGRESQL = connection.vendor == "postgresql"
only_on_postgresql = pytest.mark.skipif(not ON_POSTGRESQL, reason="PostgreSQL's full-text search")

LUBINETS = "dmytro-lubinets"
CYRILLIC_SPELLINGS = ["Лубінець", "лубінець", "ЛУБІНЕЦЬ", "Дмитро Лубінець"]

# A Ukrainian passage, written for these tests, and an English one; the word looked for is only in the first.
UKRAINIAN_BODY = (
    "Сторони домовилися про подальші кроки після зустрічі в Стамбулі. "
    "Представники обох делегацій обговорили списки осіб і порядок їхнього повернення. "
    "Кожна сторона перевірила документи та погодила дату наступного етапу переговорів. "
    "Після цього Координаційний штаб повідомив, що звільнених чекає медичне обстеження та реабілітація. "
    "Родини отримали інформацію через гарячу лінію, а журналістів поінформували пізніше того ж дня."
)
ENGLISH_BODY = "The parties agreed on further steps after the meeting. " * 6


def found(response):
    """(kind of record, its id) of each result of the site search, best first."""
    return [(type(result.object).__name__, result.object.pk) for result in response.context["results"]]


def snippet_of(response, row):
    """The passage the site search shows for ``row``, its words marked."""
    return next(str(result.snippet) for result in response.context["results"] if result.object == row)


def listed(response):
    """The ids of the rows of a list page."""
    return [row.pk for row in response.context["page_obj"]]


@pytest.fixture
def lubinets(shared_demo_content):
    return Actor.objects.get(slug=LUBINETS)


@pytest.fixture
def negotiation(db):
    """A published event with an English and a Ukrainian body."""
    return factories.EventFactory(
        published=True,
        title="Talks on the return of detainees",
        title_uk="Переговори про повернення затриманих",
        summary="Delegations met.",
        summary_uk="Делегації зустрілися.",
        body=ENGLISH_BODY,
        body_uk=UKRAINIAN_BODY,
    )


# --- The demo's Dmytro Lubinets, by either spelling, from either language --------------------------


def test_the_demo_knows_lubinets_in_cyrillic(lubinets):
    assert "дмитро лубінець" in lubinets.search_names.split("\n")
    assert "dmytro lubinets" in lubinets.search_names.split("\n")


@pytest.mark.parametrize("query", CYRILLIC_SPELLINGS)
@pytest.mark.parametrize("prefix", ["", "/uk"])
def test_a_cyrillic_search_in_any_case_finds_lubinets_from_either_language(client, lubinets, prefix, query):
    response = client.get(f"{prefix}/search/", {"q": query})

    assert response.status_code == 200
    assert found(response)[0] == ("Actor", lubinets.pk)


@pytest.mark.parametrize("query", ["Lubinets", "lubinets", "LUBINETS"])
def test_the_latin_spelling_finds_lubinets_from_the_ukrainian_page(client, lubinets, query):
    response = client.get("/uk/search/", {"q": query})

    assert found(response)[0] == ("Actor", lubinets.pk)
    assert 'href="/uk/actors/dmytro-lubinets/"' in response.content.decode()


@pytest.mark.parametrize("query", ["лубінець", "ЛУБІНЕЦЬ"])
@pytest.mark.parametrize("prefix", ["", "/uk"])
def test_the_actor_list_finds_lubinets_by_his_cyrillic_name_in_any_case(client, lubinets, prefix, query):
    response = client.get(f"{prefix}/actors/", {"q": query})

    assert response.status_code == 200
    assert listed(response) == [lubinets.pk]


@pytest.mark.parametrize("query", ["лубінець", "ЛУБІНЕЦЬ", "Дмитро ЛУБІНЕЦЬ"])
def test_the_event_list_finds_the_events_lubinets_takes_part_in_by_his_cyrillic_name(client, lubinets, query):
    response = client.get("/events/", {"q": query})

    assert Event.objects.get(public_id=JAN_2024_EXCHANGE).pk in listed(response)


@pytest.mark.parametrize("prefix", ["", "/uk"])
def test_the_actor_filter_of_the_event_list_takes_his_slug_in_either_language(client, lubinets, prefix):
    response = client.get(f"{prefix}/events/", {"actor": LUBINETS})

    assert response.status_code == 200
    assert listed(response) == list(
        Event.objects.published()
        .filter(participations__actor=lubinets)
        .order_by("-start_date", "-id")
        .values_list("pk", flat=True)
    )


def test_an_alias_added_in_cyrillic_is_found_in_any_case_at_once(client, reviewer, shared_demo_content):
    actor = Actor.objects.get(slug="petro-yatsenko")
    alias = factories.ActorAliasFactory.build(actor=actor, name="Петро ЯЦЕНКО-Тест", language="uk")
    record_save(obj=alias, by=reviewer)

    assert listed(client.get("/actors/", {"q": "яценко-тест"})) == [actor.pk]

    record_delete(obj=alias, by=reviewer)

    assert listed(client.get("/actors/", {"q": "яценко-тест"})) == []


def test_a_name_entered_in_ukrainian_finds_the_actor_and_its_events_at_once(client, reviewer, shared_demo_content):
    actor = Actor.objects.get(slug="petro-yatsenko")
    actor.name_uk = "Петро ТЕСТЕНКО"
    record_save(obj=actor, by=reviewer)

    assert listed(client.get("/uk/actors/", {"q": "тестенко"})) == [actor.pk]
    events = set(Event.objects.published().filter(participations__actor=actor).values_list("pk", flat=True))
    assert events
    assert events <= set(listed(client.get("/events/", {"q": "Тестенко"})))


# --- Text in Ukrainian: found from either page, its passage marked ----------------------------------


@pytest.mark.parametrize("query", ["звільнених", "ЗВІЛЬНЕНИХ", "Звільнених"])
def test_a_word_only_in_the_ukrainian_body_is_found_with_its_passage_marked(client, negotiation, query):
    response = client.get("/uk/search/", {"q": query})

    assert ("Event", negotiation.pk) in found(response)
    snippet = snippet_of(response, negotiation)
    assert "<mark>звільнених</mark>" in snippet
    assert "медичне обстеження" in snippet  # the passage around the word, not the start of the body


def test_a_ukrainian_word_is_found_from_the_english_page_too(client, negotiation):
    response = client.get("/search/", {"q": "ЗВІЛЬНЕНИХ"})

    assert ("Event", negotiation.pk) in found(response)
    assert "<mark>звільнених</mark>" in snippet_of(response, negotiation)


def test_the_ukrainian_title_is_found_in_any_case_and_ranks_above_a_mention_in_a_body(client, negotiation):
    mention = factories.EventFactory(published=True, title="Another meeting", body_uk="Про затриманих згадали.")

    ranked = found(client.get("/uk/search/", {"q": "ЗАТРИМАНИХ"}))

    assert ranked.index(("Event", negotiation.pk)) < ranked.index(("Event", mention.pk))


def test_the_event_list_searches_the_ukrainian_text_in_any_case(client, negotiation):
    assert negotiation.pk in listed(client.get("/uk/events/", {"q": "Переговори ЗАТРИМАНИХ"}))
    assert negotiation.pk in listed(client.get("/events/", {"q": "стамбулі"}))


@pytest.mark.parametrize(("prefix", "first"), [("", "Delegations met"), ("/uk", "Делегації зустрілися")])
def test_the_passage_is_read_in_the_readers_language_first(client, db, prefix, first):
    event = factories.EventFactory(
        published=True,
        summary="Delegations met with the ICRC.",
        summary_uk="Делегації зустрілися з ICRC.",
        body=ENGLISH_BODY,
        body_uk=UKRAINIAN_BODY,
    )

    response = client.get(f"{prefix}/search/", {"q": "icrc"})

    snippet = snippet_of(response, event)
    assert snippet.startswith(first)
    assert "<mark>ICRC</mark>" in snippet


def test_a_brief_is_found_by_its_ukrainian_standfirst_and_body(client, db):
    brief = factories.BriefFactory(
        published=True, standfirst_uk="Коротко про головне.", body_uk="Докладний аналіз ПОВЕРНЕННЯ полонених."
    )

    assert ("Brief", brief.pk) in found(client.get("/search/", {"q": "ГОЛОВНЕ"}))
    assert ("Brief", brief.pk) in found(client.get("/uk/search/", {"q": "повернення полонених"}))


def test_an_organisation_is_found_by_its_ukrainian_name_in_any_case(client, db):
    organization = factories.OrganizationFactory(name="Test Monitoring Group", name_uk="Тестова група моніторингу")

    assert ("Organization", organization.pk) in found(client.get("/uk/search/", {"q": "ТЕСТОВА ГРУПА"}))
    assert listed(client.get("/organizations/", {"q": "група моніторингу"})) == [organization.pk]


# --- English stemming, and the index, on PostgreSQL ------------------------------------------------


@only_on_postgresql
def test_english_words_are_still_stemmed(client, db):
    event = factories.EventFactory(published=True, title="A negotiated handover", body="Each side mediated.")

    # Neither query word is written in the event: only their stems match.
    assert ("Event", event.pk) in found(client.get("/search/", {"q": "handovers negotiations"}))
    assert ("Event", event.pk) in found(client.get("/uk/search/", {"q": "mediating"}))


@only_on_postgresql
def test_the_search_reads_the_indexed_stored_vector(db):
    sql, params = search_queryset(Event.objects.all(), "Лубінець exchange").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "event_stored_vector_idx" in plan


@only_on_postgresql
def test_the_simple_configuration_keeps_ukrainian_letters_and_drops_accents_where_it_can(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsvector(%s, %s)::text", [SIMPLE_CONFIG, "Київ ЇЖАК Médecins"])
        vector = cursor.fetchone()[0]
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'unaccent'")
        unaccent = cursor.fetchone() is not None

    assert "'київ'" in vector
    assert "'їжак'" in vector
    assert ("'medecins'" if unaccent else "'médecins'") in vector


# --- Units --------------------------------------------------------------------------------------------


def test_stored_text_and_query_words_are_folded_alike():
    assert document_text("Дмитро  ЛУБІНЕЦЬ", None, "Straße") == "дмитро лубінець strasse"
    assert query_terms("ЛУБІНЕЦЬ, Straße") == ["лубінець", "strasse"]


def test_names_are_folded_one_a_line_each_once():
    assert folded_names("Dmytro Lubinets", "", "Дмитро  Лубінець", "DMYTRO LUBINETS") == (
        "dmytro lubinets\nдмитро лубінець"
    )


def test_a_translated_field_has_a_column_per_language_and_an_untranslated_one_its_own():
    assert language_columns(Event, "body") == [("en", "body_en"), ("uk", "body_uk")]
    assert language_columns(Event, "region") == [("en", "region")]


def test_every_language_gives_each_text_once_without_fallbacks(db):
    event = factories.EventFactory.build(title="Same", title_uk="Same", summary="English only.")

    assert every_language(event, "title") == ["Same"]
    assert every_language(event, "summary") == ["English only."]


def test_a_passage_is_looked_for_in_the_readers_language_first():
    with translation.override("uk"):
        assert reading_columns(Event, "summary", "body") == ["summary_uk", "body_uk", "summary_en", "body_en"]
    with translation.override("en"):
        assert reading_columns(Event, "summary", "body") == ["summary_en", "body_en", "summary_uk", "body_uk"]


def test_a_search_column_changes_only_through_derived_data(db):
    event = factories.EventFactory(title="Plain", body_uk="Текст")
    Event.objects.filter(pk=event.pk).update(body_uk="Інший")

    assert Event.objects.get(pk=event.pk).search_body == "текст"  # until what changed is noted
    derived.changed(Event.objects.get(pk=event.pk))
    assert Event.objects.get(pk=event.pk).search_body == "інший"
