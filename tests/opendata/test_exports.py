"""Downloads follow the page's filters exactly, carry HXL hashtags and stream."""

import csv
import datetime
import io
import json
from decimal import Decimal

import hxl
import pytest
from django.db import DatabaseError, connection
from django.http import StreamingHttpResponse

from knowledgebase.core.models import Country
from tests.conftest import DRAFT_EVENT, JAN_2024_EXCHANGE, SEP_2022_EXCHANGE
from tests.factories import (
    ActorFactory,
    CitationFactory,
    EventFactory,
    EventTypeFactory,
    FigureFactory,
    MeasureFactory,
    OrganizationFactory,
    ParticipationFactory,
    SourceFactory,
    StatisticFactory,
)

# Text a spreadsheet program would run as a formula (OWASP, "CSV Injection").
FORMULA_TITLE = '=HYPERLINK("http://x","y")'
FORMULA_SUMMARY = "+cmd|' /C calc'!A0"


def read_csv(response):
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(text))), text


def test_events_csv_of_a_filter_has_exactly_the_filtered_rows_and_the_hxl_row(client, demo_content):
    page = client.get("/events/?country=UA")
    response = client.get("/events/export.csv?country=UA")

    rows, _text = read_csv(response)
    header, hashtags, data = rows[0], rows[1], rows[2:]
    assert response["Content-Type"].startswith("text/csv")
    assert header[0] == "id" and hashtags[0] == "#event+id"
    assert "#country+code" in hashtags and "#date+start" in hashtags and "#meta+source" in hashtags
    ids = {row[0] for row in data}
    assert len(ids) == page.context["page_obj"].paginator.count
    assert {JAN_2024_EXCHANGE, SEP_2022_EXCHANGE} <= ids
    assert DRAFT_EVENT not in ids
    assert all("UA" in row[header.index("country_codes")].split("; ") for row in data)


def test_libhxl_reads_the_export_and_recognises_the_hashtags(client, demo_content):
    _rows, text = read_csv(client.get("/events/export.csv?country=UA&type=prisoner-exchange"))

    source = hxl.data(io.BytesIO(text.encode()), hxl.InputOptions(allow_local=True))
    tags = [column.tag for column in source.columns]
    rows = list(source)

    assert "#event" in tags and "#country" in tags and "#date" in tags
    assert sorted(row.get("#event+id") for row in rows) == sorted([JAN_2024_EXCHANGE, SEP_2022_EXCHANGE])
    assert rows[0].get("#date+start") == "2024-01-03"


def test_figures_csv_carries_claimant_source_and_qualifier(client, demo_content):
    rows, _text = read_csv(client.get("/events/figures.csv?country=UA&type=prisoner-exchange"))
    header, data = rows[0], rows[2:]
    by_claim = {(r[header.index("claimant")], r[header.index("value")], r[header.index("qualifier")]) for r in data}

    assert ("Dmytro Lubinets", "230", "exact") in by_claim
    assert ("Volodymyr Zelensky", "200", "more-than") in by_claim
    assert ("Unnamed Russian sources", "230", "up-to") in by_claim
    assert ("Russian Ministry of Defense", "248", "exact") in by_claim
    assert all(r[header.index("source")] for r in data)


def test_month_precision_is_a_column_beside_the_iso_date(client, demo_content):
    rows, _text = read_csv(client.get("/events/export.csv?actor=viktor-medvedchuk"))
    header, data = rows[0], rows[2:]

    assert len(data) == 1
    assert data[0][header.index("date_start")] == "2022-09-01"
    assert data[0][header.index("date_precision")] == "month"


def test_json_export_matches_the_csv(client, demo_content):
    response = client.get("/events/export.json?type=prisoner-exchange")
    records = json.loads(b"".join(response.streaming_content))

    assert sorted(r["id"] for r in records) == sorted([JAN_2024_EXCHANGE, SEP_2022_EXCHANGE])
    assert set(records[0]["country_codes"]) == {"UA", "RU"}
    assert records[0]["disputed"] in (True, False)


def test_pow_exchange_export_gives_each_side(client, demo_content):
    rows, _text = read_csv(client.get("/pow-exchanges/export.csv"))
    header, data = rows[0], rows[2:]
    sides = {(r[header.index("event_id")], r[header.index("returned_to")]): r for r in data}

    jan_ua = sides[(JAN_2024_EXCHANGE, "UA")]
    assert jan_ua[header.index("returned")] == "230"
    assert jan_ua[header.index("disputed")] == "true"
    assert (jan_ua[header.index("claims_low")], jan_ua[header.index("claims_high")]) == ("173", "230")
    assert sides[(JAN_2024_EXCHANGE, "RU")][header.index("returned")] == "248"
    assert sides[(SEP_2022_EXCHANGE, "UA")][header.index("returned")] == "215"
    assert sides[(SEP_2022_EXCHANGE, "RU")][header.index("returned")] == "55"


def test_displacement_export_follows_its_filters(client, demo_content):
    rows, _text = read_csv(client.get("/displacement/export.csv?measurement=stock"))
    header, data = rows[0], rows[2:]

    assert [r[header.index("value")] for r in data] == ["110000000"]
    assert "#affected+num" in rows[1] and "#group+code" in rows[1]


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/events/export.csv?date_after=nope", "date"),
        ("/events/figures.json?country=XX", "country"),
        ("/pow-exchanges/export.csv?sort=alphabetical", "sort"),
        ("/displacement/export.json?period_after=x", "period"),
    ],
)
def test_a_bad_filter_is_a_400_with_the_reason(client, db, url, parameter):
    response = client.get(url)

    assert response.status_code == 400
    reasons = response.json()[parameter]
    assert reasons and all(isinstance(reason, str) and reason for reason in reasons)


def test_an_unknown_format_is_a_404(client, db):
    assert client.get("/events/export.xml").status_code == 404


def test_retracted_and_draft_events_never_reach_an_export(client, db):
    EventFactory(published=True, title="Visible")
    EventFactory(title="Draft")
    EventFactory(status="retracted", title="Retracted", retraction_note="Wrong")

    rows, _text = read_csv(client.get("/events/export.csv"))

    assert [row[2] for row in rows[2:]] == ["Visible"]


def test_export_queries_do_not_grow_with_rows(client, db, django_assert_max_num_queries):
    for _ in range(30):
        EventFactory(published=True, countries=["UA"])

    with django_assert_max_num_queries(12):
        response = client.get("/events/export.csv")
        rows, _text = read_csv(response)

    assert len(rows) == 32


def dictionary_sections():
    """(section id on /data/, download) of every download and chart's data the data dictionary documents."""
    from knowledgebase.pages.data import CATALOGUE, CHART_DOWNLOADS

    return [(f"export-{d.export.slug}", d) for d in CATALOGUE] + [
        (f"chart-{d.export.slug}", d) for d in CHART_DOWNLOADS
    ]


def test_data_dictionary_documents_every_column(client, db):
    html = client.get("/data/").content.decode()

    for _section, download in dictionary_sections():
        for column in download.export.columns:
            assert f"<code>{column.name}</code>" in html
            assert f"<code>{column.hxl}</code>" in html


def test_the_data_dictionary_lists_the_columns_each_download_writes_in_their_order(client, demo_content):
    import re

    html = client.get("/data/").content.decode()

    for section_id, download in dictionary_sections():
        section = html[html.index(f'id="{section_id}"') :]
        section = section[: section.index("</table>")]
        documented = re.findall(r'<th scope="row"><code>([^<]+)</code></th><td><code>([^<]+)</code>', section)
        csv_url = download.links()[0][1]
        assert f'href="{csv_url}"' in section
        rows, _text = read_csv(client.get(csv_url))
        assert documented == list(zip(rows[0], rows[1], strict=True))


POSTGRESQL_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="COPY is PostgreSQL's; SQLite always uses the Python writer"
)


@POSTGRESQL_ONLY
@pytest.mark.parametrize("query", ["", "country=UA", "q=exchange", "sort=oldest", "type=prisoner-exchange"])
def test_postgresql_copy_writes_the_same_bytes_as_the_python_writer(rf, demo_content, query):
    from knowledgebase.core.filtering import bind_filters
    from knowledgebase.events.exports import EVENTS
    from knowledgebase.opendata.exports import buffered, copy_csv_blocks, csv_lines, uses_copy
    from knowledgebase.pages.events import published_events
    from knowledgebase.pages.filters import EventListFilter

    awkward = EventFactory(
        published=True,
        title='A "quoted" title, with a comma',
        summary="Two lines\nand a semicolon; é ü ✓",
        date_note="",
        place_name="",
        countries=["UA", "RU", "PL"],
        end_date=datetime.date(2024, 1, 9),
        latitude=Decimal("50.45010"),
        longitude=Decimal("-30.5"),
        geo_precision="exact",
    )
    ParticipationFactory(event=awkward, actor=ActorFactory(name="Second, actor"), role="mediator")
    ParticipationFactory(event=awkward, role="party")
    CitationFactory(event=awkward)
    # Text a spreadsheet would run, and numbers that begin with a minus sign.
    formulas = EventFactory(
        published=True,
        title=FORMULA_TITLE,
        summary=FORMULA_SUMMARY,
        place_name="-Kherson",
        region="\r@region",
        date_note="\tnote",
        countries=["UA"],
        latitude=Decimal("-33.5"),
        longitude=Decimal("-70.25"),
        geo_precision="exact",
    )
    ParticipationFactory(event=formulas, actor=ActorFactory(name="=Actor, with a comma"), role="party")
    ParticipationFactory(event=formulas, actor=ActorFactory(name="+Second"), role="mediator")
    ParticipationFactory(event=formulas, actor=None, organization=OrganizationFactory(name="@Org"), role="mediator")
    CitationFactory(event=formulas, source=SourceFactory(title='-Source "quoted"'))
    CitationFactory(event=formulas, source=SourceFactory(title="=Second source"))
    EventFactory(published=True, title="'=Already escaped by an editor", summary="''+Twice", countries=["UA"])
    request = rf.get("/events/export.csv", dict(pair.split("=") for pair in query.split("&") if pair))
    queryset = bind_filters(request, EventListFilter, published_events()).rows

    assert uses_copy(EVENTS, queryset)
    copied = b"".join(copy_csv_blocks(EVENTS, queryset))
    written = "".join(buffered(csv_lines(EVENTS, queryset))).encode()

    assert copied == written
    assert len(copied.splitlines()) >= 3
    if not query:
        assert "'=HYPERLINK" in written.decode() and ",-33.50000,-70.25000," in written.decode()


@POSTGRESQL_ONLY
@pytest.mark.parametrize("query", ["", "population_type=REF", "measurement=stock&origin=global"])
def test_postgresql_copy_writes_the_same_statistics_bytes_as_the_python_writer(rf, demo_content, query):
    from knowledgebase.core.filtering import bind_filters
    from knowledgebase.displacement.exports import STATISTICS
    from knowledgebase.displacement.filters import StatisticFilter
    from knowledgebase.displacement.models import DisplacementStatistic
    from knowledgebase.opendata.exports import buffered, copy_csv_blocks, csv_lines, uses_copy

    StatisticFactory(
        published=True,
        title=FORMULA_SUMMARY,
        includes='-refugees, "registered"\nonly',
        low=900,
        high=1100,
        claimant_organization=OrganizationFactory(name="@UNHCR"),
        source=SourceFactory(title="=Source", url="https://example.org/a,b"),
    )
    StatisticFactory(
        published=True,
        title="Undated flow",
        measurement="flow",
        as_of_date=None,
        as_of_note="\tover the winter",
        period_start=datetime.date(2023, 1, 1),
        period_end=datetime.date(2023, 3, 31),
        origin_scope="country",
        origin_country=Country.objects.get(code="UA"),
        claimant_organization=None,
        claimant_actor=ActorFactory(name="+Ministry"),
    )
    request = rf.get("/displacement/export.csv", dict(pair.split("=") for pair in query.split("&") if pair))
    queryset = bind_filters(request, StatisticFilter, DisplacementStatistic.objects.published()).rows

    assert uses_copy(STATISTICS, queryset)
    copied = b"".join(copy_csv_blocks(STATISTICS, queryset))
    written = "".join(buffered(csv_lines(STATISTICS, queryset))).encode()

    assert copied == written
    assert len(copied.splitlines()) >= 3
    if not query:
        assert "'+Ministry" in written.decode() and ",900,1100," in written.decode()


def test_the_permalink_is_one_address_in_every_download_and_in_the_api(client, db, settings):
    settings.SITE_URL = "https://kb.example.org"
    event = EventFactory(published=True)
    path = event.get_absolute_url()

    (row,) = by_column(read_csv(client.get("/events/export.csv"))[0])
    (record,) = json.loads(b"".join(client.get("/events/export.json").streaming_content))
    api = client.get("/api/v1/events/", HTTP_ACCEPT="application/json").json()["results"][0]

    assert row["url"] == record["url"] == f"https://kb.example.org{path}"
    assert api["page"] == f"http://testserver{path}"  # the API answers under the host it is asked at


def test_the_figures_download_runs_as_few_queries_with_more_events(client, db, django_assert_max_num_queries):
    for _ in range(30):
        FigureFactory(event=EventFactory(published=True, countries=["UA", "RU"]))

    with django_assert_max_num_queries(12):
        rows, _text = read_csv(client.get("/events/figures.csv?q=event&sort=relevance"))

    assert len(rows) == 32


@POSTGRESQL_ONLY
def test_the_events_download_on_postgresql_is_written_by_copy(client, demo_content, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        rows, text = read_csv(client.get("/events/export.csv?country=UA"))

    assert rows[1][0] == "#event+id"
    assert {JAN_2024_EXCHANGE, SEP_2022_EXCHANGE} <= {row[0] for row in rows[2:]}
    assert "\r" not in text


# --- Spreadsheet formulas ------------------------------------------------------------------------
# A text cell a spreadsheet would run as a formula is written with an apostrophe in front
# (knowledgebase.opendata.formulas); numbers stay numbers. The same on SQLite and PostgreSQL (COPY).


def by_column(rows):
    header = rows[0]
    return [dict(zip(header, row, strict=True)) for row in rows[2:]]


def test_the_events_csv_escapes_formulas_in_text_and_keeps_negative_coordinates(client, db):
    event = EventFactory(
        published=True,
        title=FORMULA_TITLE,
        summary=FORMULA_SUMMARY,
        place_name="-Kherson",
        date_note="@SUM(A1)",
        region="\tRegion",
        latitude=Decimal("-33.5"),
        longitude=Decimal("-70.25"),
        geo_precision="exact",
    )
    ParticipationFactory(event=event, actor=ActorFactory(name="=Actor"), role="party")
    CitationFactory(event=event, source=SourceFactory(title="-Source"))

    (row,) = by_column(read_csv(client.get("/events/export.csv"))[0])

    assert row["title"] == "'" + FORMULA_TITLE
    assert row["summary"] == "'" + FORMULA_SUMMARY
    assert row["place"] == "'-Kherson"
    assert row["date_note"] == "'@SUM(A1)"
    assert row["region"] == "'\tRegion"
    assert row["actors"] == "'=Actor (party)"
    assert row["sources"] == "'-Source"
    assert (row["latitude"], row["longitude"]) == ("-33.50000", "-70.25000")


def test_the_figures_csv_escapes_formulas_and_keeps_numbers(client, db):
    event = EventFactory(published=True, title=FORMULA_TITLE)
    FigureFactory(
        event=event,
        value=230,
        claimant_actor=ActorFactory(name="@Claimant"),
        source=SourceFactory(title="+Source"),
        excerpt="-230 said",
    )

    (row,) = by_column(read_csv(client.get("/events/figures.csv"))[0])

    assert row["event_title"] == "'" + FORMULA_TITLE
    assert row["claimant"] == "'@Claimant"
    assert row["source"] == "'+Source"
    assert row["excerpt"] == "'-230 said"
    assert row["value"] == "230"


def test_the_pow_exchange_csv_escapes_formulas_and_keeps_numbers(client, db):
    exchange = EventFactory(published=True, title=FORMULA_TITLE, event_type=EventTypeFactory(slug="prisoner-exchange"))
    returned = MeasureFactory(slug="returned-to-ua", kind="returned", country=Country.objects.get(code="UA"))
    FigureFactory(event=exchange, measure=returned, value=230)
    ParticipationFactory(
        event=exchange, actor=None, organization=OrganizationFactory(name="=Mediator"), role="mediator"
    )

    (row,) = by_column(read_csv(client.get("/pow-exchanges/export.csv"))[0])

    assert row["title"] == "'" + FORMULA_TITLE
    assert row["mediators"] == "'=Mediator"
    assert row["returned"] == "230"


def test_the_displacement_csv_escapes_formulas_and_keeps_numbers(client, db):
    StatisticFactory(
        published=True,
        title=FORMULA_SUMMARY,
        includes="-refugees only",
        value=1000,
        claimant_organization=OrganizationFactory(name="@UNHCR"),
        source=SourceFactory(title="=Source"),
    )

    (row,) = by_column(read_csv(client.get("/displacement/export.csv"))[0])

    assert row["label"] == "'" + FORMULA_SUMMARY
    assert row["includes"] == "'-refugees only"
    assert row["claimant"] == "'@UNHCR"
    assert row["source"] == "'=Source"
    assert row["value"] == "1000"


def test_json_downloads_keep_the_raw_text(client, db):
    EventFactory(published=True, title=FORMULA_TITLE, latitude=Decimal("-33.5"), longitude=Decimal("1"))

    (record,) = json.loads(b"".join(client.get("/events/export.json").streaming_content))

    assert record["title"] == FORMULA_TITLE
    assert record["latitude"] == -33.5


def test_the_data_dictionary_states_the_formula_rule(client, db):
    html = client.get("/data/").content.decode()

    assert "apostrophe" in html


# --- A download is complete or it is an error ----------------------------------------------------

DOWNLOADS = ["/events/export.csv", "/events/figures.csv", "/pow-exchanges/export.csv", "/displacement/export.csv"]


@pytest.mark.parametrize("url", DOWNLOADS)
@pytest.mark.parametrize(("query", "rows"), [("q=!", 0), ("q=%20", 1), ("q=%3F%21%E2%80%A6%20--%20%2F", 0)])
def test_a_search_without_a_word_gives_a_complete_file(client, db, url, query, rows):
    exchange = EventFactory(published=True, title="Exchange", event_type=EventTypeFactory(slug="prisoner-exchange"))
    returned = MeasureFactory(slug="returned-to-ua", kind="returned", country=Country.objects.get(code="UA"))
    FigureFactory(event=exchange, measure=returned, value=230)
    StatisticFactory(published=True)
    if url.startswith("/displacement/"):
        rows = 1  # the explorer has no search: the parameter is not one of its filters

    response = client.get(f"{url}?{query}")
    table, text = read_csv(response)

    assert response.status_code == 200
    assert len(table) == 2 + rows
    assert text.endswith("\n")


def test_a_download_that_fails_before_its_first_row_is_an_error_response_not_a_truncated_file(client, db, monkeypatch):
    from knowledgebase.opendata import exports

    def broken(*args, **kwargs):
        raise DatabaseError("the database went away")

    # The Python writer's rows and the COPY writer's query (PostgreSQL) both fail.
    monkeypatch.setattr(exports, "table_rows", broken)
    monkeypatch.setattr(exports, "copy_select", broken)
    EventFactory(published=True)
    client.raise_request_exception = False

    response = client.get("/events/export.csv")

    assert response.status_code == 500
    assert not response.streaming


def test_a_carriage_return_in_a_text_is_quoted_so_the_row_reads_back_whole(client, db):
    EventFactory(published=True, summary="First line\rsecond line", date_note="\r=note")

    (row,) = by_column(read_csv(client.get("/events/export.csv"))[0])

    assert row["summary"] == "First line\rsecond line"
    assert row["date_note"] == "'\r=note"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("-Kherson", "'-Kherson"),
        ("\t@x", "'\t@x"),
        ("Plain, text", "Plain, text"),
        (["=a", "b"], "'=a; b"),
        (["a", "=b"], "a; =b"),
        (Decimal("-33.50000"), "-33.50000"),
        (-5, "-5"),
        (datetime.date(2024, 1, 3), "2024-01-03"),
        (True, "true"),
        (None, ""),
    ],
)
def test_csv_cells_neutralise_text_and_keep_numbers(value, cell):
    from knowledgebase.opendata.exports import csv_cell

    assert csv_cell(value) == cell
