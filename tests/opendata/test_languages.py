"""The open data in the reader's language: ``?lang=`` on the API and the downloads, ``Accept-Language`` on the
API, a 400 for a language the site does not have, the same columns, identifiers and figures in every
language, and the page cache kept apart per language (knowledgebase.opendata.language)."""

import json
import re

import pytest
from django.db import connection
from django.utils import translation

from knowledgebase.events.models import Event
from knowledgebase.opendata import exports
from tests.conftest import JAN_2024_EXCHANGE
from tests.factories import EventFactory

CYRILLIC = re.compile("[А-Яа-яІіЇїЄєҐґ]")


def body(response):
    return b"".join(response.streaming_content).decode()


def in_ukrainian(message):
    with translation.override("uk"):
        text = translation.gettext(message)
    assert text != message, f"no Ukrainian for {message!r}"
    return text


BAD_DATE = "Enter a valid date."


@pytest.mark.parametrize(
    ("url", "headers", "language"),
    [
        ("/api/v1/events/?date_after=soon&lang=uk", {}, "uk"),
        ("/api/v1/events/?date_after=soon", {"HTTP_ACCEPT_LANGUAGE": "uk-UA,uk;q=0.9,en;q=0.5"}, "uk"),
        ("/api/v1/events/?date_after=soon&lang=en", {"HTTP_ACCEPT_LANGUAGE": "uk"}, "en"),
        ("/api/v1/events/?date_after=soon", {"HTTP_ACCEPT_LANGUAGE": "de, fr;q=0.5"}, "en"),
        ("/api/v1/events/?date_after=soon", {}, "en"),
        ("/events/export.csv?date_after=soon&lang=uk", {}, "uk"),
        ("/uk/events/export.json?date_after=soon", {}, "uk"),
        ("/events/export.json?date_after=soon", {"HTTP_ACCEPT_LANGUAGE": "uk"}, "en"),
        ("/uk/events/export.csv?date_after=soon&lang=en", {}, "en"),
    ],
)
def test_the_open_data_speaks_the_language_asked_for(client, db, url, headers, language):
    response = client.get(url, **headers)

    assert response.status_code == 400
    assert response["Content-Language"] == language
    message = in_ukrainian(BAD_DATE) if language == "uk" else BAD_DATE
    assert response.json() == {"date": [message]}


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/events/?lang=fr",
        "/api/v1/events/?lang=",
        "/api/v1/events/?lang=uk&lang=en",
        f"/api/v1/events/{JAN_2024_EXCHANGE}/?lang=UK",
        "/api/v1/schema/?lang=xx",
        "/events/export.csv?lang=ru",
        "/uk/displacement/export.json?lang=%00",
    ],
)
def test_a_language_the_site_does_not_have_is_a_clear_400(client, db, url):
    response = client.get(url)

    assert response.status_code == 400
    (message,) = response.json()["lang"]
    assert "en, uk" in message
    assert response["Cache-Control"] == "no-store"


def test_an_unknown_accept_language_is_english_not_an_error(client, db):
    response = client.get("/api/v1/events/", HTTP_ACCEPT_LANGUAGE="x" * 600)

    assert response.status_code == 200 and response["Content-Language"] == "en"


def test_the_next_page_keeps_the_language(client, demo_content):
    body = client.get("/api/v1/events/?lang=uk&page_size=1").json()

    assert "lang=uk" in body["next"]


def test_the_api_cache_keeps_each_language_apart(client, db):
    """The key holds the language the middleware chose, from ?lang or Accept-Language: a Ukrainian copy is never
    served to a reader who asked for nothing, nor the reverse (the schema's descriptions tell them apart)."""
    url = "/api/v1/schema/?format=json"
    for _ in range(2):
        asked = client.get(url, HTTP_ACCEPT_LANGUAGE="uk")
        plain = client.get(url)
        by_parameter = client.get(url + "&lang=uk")

    assert asked["X-Cache"] == plain["X-Cache"] == by_parameter["X-Cache"] == "hit"
    assert CYRILLIC.search(asked.content.decode()) and CYRILLIC.search(by_parameter.content.decode())
    assert not CYRILLIC.search(plain.content.decode())
    assert "Accept-Language" in asked["Vary"]
    assert asked["Content-Language"] == "uk" and plain["Content-Language"] == "en"


@pytest.mark.parametrize("path", ["/events/export", "/events/figures", "/pow-exchanges/export", "/displacement/export"])
def test_columns_hxl_tags_identifiers_and_figures_never_change_with_the_language(client, demo_content, path):
    english = body(client.get(f"{path}.csv")).splitlines()
    other = client.get(f"{path}.csv?lang=uk")
    prefixed = body(client.get(f"/uk{path}.csv")).splitlines()

    assert other["Content-Language"] == "uk"
    other = body(other).splitlines()
    assert english[:2] == other[:2] == prefixed[:2]  # the header and the HXL row
    assert len(english) == len(other) == len(prefixed) > 2

    english_rows = json.loads(body(client.get(f"{path}.json")))
    other_rows = json.loads(body(client.get(f"{path}.json?lang=uk")))
    assert [list(row) for row in english_rows] == [list(row) for row in other_rows]
    for key in english_rows[0]:
        if key in {"id", "public_id", "event_id"} or key.endswith(("_date", "value", "low", "high", "count")):
            assert [row[key] for row in english_rows] == [row[key] for row in other_rows], key


def test_the_schema_documents_the_language_parameter_and_its_400(client, db):
    schema = client.get("/api/v1/schema/?format=json").json()

    operations = [item["get"] for item in schema["paths"].values() if "get" in item]
    assert operations
    for operation in operations:
        (lang,) = [p for p in operation["parameters"] if p["name"] == "lang" and p["in"] == "query"]
        assert lang["schema"]["enum"] == ["en", "uk"]
        assert any(p["name"] == "Accept-Language" and p["in"] == "header" for p in operation["parameters"])
        assert "400" in operation["responses"]


# Content translated with modeltranslation: the same records, identifiers and figures, the text of the language.
TRANSLATED_KEYS = {
    *("title", "summary", "body", "name", "description", "page", "standfirst", "publisher"),
    *("date_note", "place_name", "note", "rank_reason", "as_of_note"),
}


def without_text(value):
    """The value with every translatable text blanked, to compare what must never change with the language."""
    if isinstance(value, dict):
        return {key: None if key in TRANSLATED_KEYS else without_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [without_text(item) for item in value]
    return value


def test_the_api_in_ukrainian_gives_ukrainian_titles_with_the_same_ids_and_figures(client, demo_content):
    event = Event.objects.get(public_id=JAN_2024_EXCHANGE)
    assert event.title_uk and event.title_uk != event.title_en

    english = client.get("/api/v1/events/?page_size=500").json()["results"]
    other = client.get("/api/v1/events/?lang=uk&page_size=500").json()["results"]
    by_header = client.get("/api/v1/events/?page_size=500", HTTP_ACCEPT_LANGUAGE="uk").json()["results"]

    assert without_text(english) == without_text(other) == without_text(by_header)
    assert {row["id"]: row["title"] for row in other}[JAN_2024_EXCHANGE] == event.title_uk
    assert {row["id"]: row["title"] for row in by_header}[JAN_2024_EXCHANGE] == event.title_uk
    assert {row["id"]: row["title"] for row in english}[JAN_2024_EXCHANGE] == event.title_en
    detail = client.get(f"/api/v1/events/{JAN_2024_EXCHANGE}/?lang=uk").json()
    assert detail["title"] == event.title_uk


def test_every_block_of_a_ukrainian_download_is_in_ukrainian(client, demo_content, monkeypatch):
    """The server reads a download's blocks after the view has returned: each block is written in the language
    the request chose (one line per block here), on SQLite and PostgreSQL (where English is written by COPY)."""
    event = Event.objects.get(public_id=JAN_2024_EXCHANGE)
    original = exports.buffered
    monkeypatch.setattr(exports, "buffered", lambda pieces, size=0: original(pieces, 1))

    english = body(client.get("/events/export.csv")).splitlines()
    other = body(client.get("/events/export.csv?lang=uk")).splitlines()

    assert english[:2] == other[:2] and len(english) == len(other)
    (row,) = [line for line in other if JAN_2024_EXCHANGE in line]
    assert event.title_uk in row and event.title_en not in row
    assert other.index(row) >= 2  # not in the first block (the header), which the view itself reads
    assert any(event.title_en in line for line in english)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
@pytest.mark.parametrize("export_name", ["events", "statistics"])
def test_postgresql_copy_writes_the_same_ukrainian_bytes_as_the_python_writer(rf, demo_content, export_name):
    from knowledgebase.core.filtering import bind_filters
    from knowledgebase.displacement.exports import STATISTICS
    from knowledgebase.displacement.filters import StatisticFilter
    from knowledgebase.displacement.models import DisplacementStatistic
    from knowledgebase.events.exports import EVENTS
    from knowledgebase.pages.events import published_events
    from knowledgebase.pages.filters import EventListFilter

    EventFactory(published=True, title="Formula", title_uk="=HYPERLINK(1)", countries=["UA"])
    export, filters, rows = {
        "events": (EVENTS, EventListFilter, published_events()),
        "statistics": (STATISTICS, StatisticFilter, DisplacementStatistic.objects.published()),
    }[export_name]
    queryset = bind_filters(rf.get("/"), filters, rows).rows

    with translation.override("uk"):
        assert exports.uses_copy(export, queryset)
        copied = b"".join(exports.copy_csv_blocks(export, queryset)).decode()
        written = "".join(exports.buffered(exports.csv_lines(export, queryset)))

    assert copied == written
    assert CYRILLIC.search(written)
    if export_name == "events":
        assert Event.objects.get(public_id=JAN_2024_EXCHANGE).title_uk in written
        assert "'=HYPERLINK(1)" in written
