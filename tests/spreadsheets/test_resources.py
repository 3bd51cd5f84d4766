"""Spreadsheet imports in the admin: the review gate on every path, limits, encodings, formulas, errors."""

import csv
import html
import io
import itertools
import random
import re
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from knowledgebase.core.services import publishable_publish, publishable_retract
from knowledgebase.displacement.models import DisplacementStatistic
from knowledgebase.displacement.resources import DisplacementStatisticResource
from knowledgebase.events import derived as events_derived
from knowledgebase.events.models import Event, Figure
from knowledgebase.events.resources import EventResource, FigureResource
from knowledgebase.opendata.formulas import formula_refused
from knowledgebase.serving.content_version import _bump_on_commit, content_version
from knowledgebase.spreadsheets.formats import SpreadsheetError, dataset_from_rows
from tests.conftest import DRAFT_EVENT, JAN_2024_EXCHANGE, SEP_2022_EXCHANGE
from tests.factories import EventFactory

EVENTS = "/admin/events/event/"
FIGURES = "/admin/events/figure/"
STATISTICS = "/admin/displacement/displacementstatistic/"

FIGURE_HEADER = (
    "public_id,event,measure,value,qualifier,low,high,claimant_actor,claimant_organization,source,excerpt,"
    "as_of_date,rank,rank_reason,note"
)
EVENT_HEADER = (
    "public_id,title,slug,event_type,start_date,end_date,date_precision,date_note,countries,region,place_name,"
    "latitude,longitude,geo_precision,summary,body,themes,acled_event_id,glide_number,wikidata_qid"
)
STATISTIC_HEADER = (
    "public_id,title,population_type,cause,measurement,rate_period,value,qualifier,low,high,origin_scope,"
    "origin_country,origin_region,host_scope,host_country,host_region,as_of_date,as_of_note,period_start,"
    "period_end,includes,claimant_actor,claimant_organization,source,excerpt,rank,rank_reason"
)
# A figure of the published January 2024 exchange: 173 returned to Ukraine, say unnamed Russian sources.
PUBLISHED_FIGURE = "jcxe5wv5"
PUBLISHED_STATISTIC = "qa32x3s6"
REVIEWER_ONLY = "only a reviewer"


# --- Helpers ----------------------------------------------------------------------------------------


def csv_upload(header, rows, name="rows.csv", encoding="utf-8"):
    return SimpleUploadedFile(name, ("\n".join([header, *rows]) + "\n").encode(encoding), content_type="text/csv")


def figure_row(public_id, event, value=173, actor="unnamed-russian-sources", measure="people-returned-to-ukraine"):
    return f"{public_id},{event},{measure},{value},exact,,,{actor},,isw-2024-01-03-pow-exchange,,,normal,,"


def event_row(public_id, title="An event", slug="an-imported-event"):
    return f"{public_id},{title},{slug},prisoner-exchange,2024-01-03,,day,,UA;RU,,,,,country,What happened.,,,,,"


def statistic_row(public_id, value=1000):
    return (
        f"{public_id},Refugees from Ukraine in Poland,REF,conflict,stock,,{value},exact,,,country,UA,,country,PL,,"
        "2024-01-01,,,,,,wilson-center,wilson-center-forced-displacement,,normal,"
    )


def dry_run(client, admin_path, upload, fmt="0", **fields):
    return client.post(f"{admin_path}import/", {"import_file": upload, "format": fmt, "resource": "0", **fields})


def confirm(client, admin_path, preview):
    """Post the confirm form of a successful dry run."""
    form = preview.context["confirm_form"]
    return client.post(f"{admin_path}process_import/", {**form.initial, "resource": form.initial.get("resource", "0")})


def import_rows(client, admin_path, upload, fmt="0"):
    """Dry run, then confirm. Fails the test if the dry run refuses the file."""
    preview = dry_run(client, admin_path, upload, fmt)
    assert preview.context.get("confirm_form") is not None, page_text(preview)
    return confirm(client, admin_path, preview)


def page_text(response):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def refused(response):
    """True when a dry run (or a confirm) refused the file: no confirm form, and a message for the editor."""
    return response.status_code == 200 and response.context.get("confirm_form") is None


def snapshot(figure_public_id):
    return Figure.objects.filter(public_id=figure_public_id).values("event__public_id", "value").get()


# --- 1. The review gate: the record, its stored parent and its new parent ----------------------------


def test_an_editor_cannot_move_a_figure_away_from_a_published_event(editor_client, shared_demo_content):
    before = snapshot(PUBLISHED_FIGURE)

    preview = dry_run(editor_client, FIGURES, csv_upload(FIGURE_HEADER, [figure_row(PUBLISHED_FIGURE, DRAFT_EVENT)]))

    assert refused(preview)
    assert preview.context["result"].invalid_rows[0].number == 1
    assert (
        f"This row moves the figure away from \u201c{Event.objects.get(public_id=JAN_2024_EXCHANGE)}\u201d "
        f"({JAN_2024_EXCHANGE}), which is published: only a reviewer can change"
    ) in page_text(preview)
    assert snapshot(PUBLISHED_FIGURE) == before


@pytest.mark.parametrize("event", [DRAFT_EVENT, JAN_2024_EXCHANGE], ids=["moved", "kept"])
def test_an_editor_cannot_rewrite_a_figure_of_a_published_event(editor_client, shared_demo_content, event):
    before = snapshot(PUBLISHED_FIGURE)

    preview = dry_run(editor_client, FIGURES, csv_upload(FIGURE_HEADER, [figure_row(PUBLISHED_FIGURE, event, 999)]))

    assert refused(preview)
    assert REVIEWER_ONLY in page_text(preview)
    assert snapshot(PUBLISHED_FIGURE) == before


def test_an_editor_cannot_move_a_figure_away_from_a_retracted_event(editor_client, reviewer, shared_demo_content):
    publishable_retract(obj=Event.objects.get(public_id=JAN_2024_EXCHANGE), by=reviewer, note="Duplicate.")
    before = snapshot(PUBLISHED_FIGURE)

    preview = dry_run(editor_client, FIGURES, csv_upload(FIGURE_HEADER, [figure_row(PUBLISHED_FIGURE, DRAFT_EVENT)]))

    assert refused(preview)
    assert "retracted" in page_text(preview)
    assert snapshot(PUBLISHED_FIGURE) == before


def test_an_editor_cannot_move_a_draft_figure_onto_a_published_event(editor_client, shared_demo_content):
    import_rows(editor_client, FIGURES, csv_upload(FIGURE_HEADER, [figure_row("draft-figure-1", DRAFT_EVENT)]))

    preview = dry_run(
        editor_client, FIGURES, csv_upload(FIGURE_HEADER, [figure_row("draft-figure-1", SEP_2022_EXCHANGE)])
    )

    assert refused(preview)
    assert REVIEWER_ONLY in page_text(preview) and SEP_2022_EXCHANGE in page_text(preview)
    assert snapshot("draft-figure-1")["event__public_id"] == DRAFT_EVENT


@pytest.mark.parametrize("published", ["old parent", "new parent"])
def test_a_confirm_refuses_a_move_when_a_parent_was_published_after_the_dry_run(
    editor_client, reviewer, shared_demo_content, published
):
    other_draft = EventFactory(title="Another draft")
    import_rows(editor_client, FIGURES, csv_upload(FIGURE_HEADER, [figure_row("draft-figure-2", DRAFT_EVENT)]))
    preview = dry_run(
        editor_client, FIGURES, csv_upload(FIGURE_HEADER, [figure_row("draft-figure-2", other_draft.public_id, 7)])
    )
    assert preview.context["confirm_form"] is not None
    parent = Event.objects.get(public_id=DRAFT_EVENT) if published == "old parent" else other_draft
    publishable_publish(obj=parent, by=reviewer)

    response = confirm(editor_client, FIGURES, preview)

    assert refused(response)
    assert REVIEWER_ONLY in page_text(response) and parent.public_id in page_text(response)
    assert snapshot("draft-figure-2") == {"event__public_id": DRAFT_EVENT, "value": 173}


def test_an_editor_cannot_change_a_published_event_by_import(editor_client, shared_demo_content):
    event = Event.objects.get(public_id=JAN_2024_EXCHANGE)
    row = event_row(JAN_2024_EXCHANGE, title="Rewritten", slug=event.slug)

    preview = dry_run(editor_client, EVENTS, csv_upload(EVENT_HEADER, [row]))

    assert refused(preview)
    assert REVIEWER_ONLY in page_text(preview)
    assert Event.objects.get(public_id=JAN_2024_EXCHANGE).title == event.title


def test_a_confirm_refuses_an_event_published_after_the_dry_run(editor_client, reviewer, shared_demo_content):
    import_rows(editor_client, EVENTS, csv_upload(EVENT_HEADER, [event_row("draft-event-1")]))
    preview = dry_run(editor_client, EVENTS, csv_upload(EVENT_HEADER, [event_row("draft-event-1", title="Changed")]))
    publishable_publish(obj=Event.objects.get(public_id="draft-event-1"), by=reviewer)

    response = confirm(editor_client, EVENTS, preview)

    assert refused(response)
    assert Event.objects.get(public_id="draft-event-1").title == "An event"


def test_an_editor_cannot_change_a_retracted_statistic_by_import(editor_client, reviewer, shared_demo_content):
    statistic = DisplacementStatistic.objects.get(public_id=PUBLISHED_STATISTIC)
    publishable_retract(obj=statistic, by=reviewer, note="Superseded.")
    row = statistic_row(PUBLISHED_STATISTIC)

    preview = dry_run(editor_client, STATISTICS, csv_upload(STATISTIC_HEADER, [row]))

    assert refused(preview)
    assert "retracted" in page_text(preview)
    assert DisplacementStatistic.objects.get(public_id=PUBLISHED_STATISTIC).value == statistic.value


def test_a_confirm_refuses_a_statistic_published_after_the_dry_run(editor_client, reviewer, shared_demo_content):
    import_rows(editor_client, STATISTICS, csv_upload(STATISTIC_HEADER, [statistic_row("draft-stat-1")]))
    preview = dry_run(editor_client, STATISTICS, csv_upload(STATISTIC_HEADER, [statistic_row("draft-stat-1", 5)]))
    publishable_publish(obj=DisplacementStatistic.objects.get(public_id="draft-stat-1"), by=reviewer)

    response = confirm(editor_client, STATISTICS, preview)

    assert refused(response)
    assert DisplacementStatistic.objects.get(public_id="draft-stat-1").value == 1000


def test_a_reviewer_may_import_a_correction_and_it_shows_in_the_public_change_log(reviewer_client, shared_demo_content):
    import_rows(
        reviewer_client, FIGURES, csv_upload(FIGURE_HEADER, [figure_row(PUBLISHED_FIGURE, JAN_2024_EXCHANGE, 180)])
    )

    text = page_text(Client().get(f"/events/{JAN_2024_EXCHANGE}/"))

    assert "Figure corrected: People returned to Ukraine according to Unnamed Russian sources, from 173 to 180" in text


def test_a_figure_a_reviewer_moves_leaves_its_old_events_log_and_joins_the_new_one(
    reviewer_client, shared_demo_content
):
    import_rows(reviewer_client, FIGURES, csv_upload(FIGURE_HEADER, [figure_row(PUBLISHED_FIGURE, SEP_2022_EXCHANGE)]))

    old = page_text(Client().get(f"/events/{JAN_2024_EXCHANGE}/"))
    new = page_text(Client().get(f"/events/{SEP_2022_EXCHANGE}/"))

    what = "People returned to Ukraine according to Unnamed Russian sources, 173"
    assert f"Figure moved to another event: {what}" in old
    assert f"Figure added: {what}" in new


def test_an_editor_may_import_the_sites_own_export_of_published_records_and_nothing_changes(
    editor_client, shared_demo_content
):
    _type, data = export(editor_client, STATISTICS, DisplacementStatisticResource, "0")

    preview = dry_run(editor_client, STATISTICS, SimpleUploadedFile("export.csv", data))

    assert preview.context["result"].totals["skip"] == DisplacementStatistic.objects.count()
    assert preview.context["confirm_form"] is not None


# --- Row errors in the model's own words -------------------------------------------------------------


@pytest.mark.parametrize(
    ("admin_path", "header", "rows", "message"),
    [
        (
            FIGURES,
            FIGURE_HEADER,
            [figure_row("unknown-1", DRAFT_EVENT, measure="nope")],
            "no measure whose slug is \u201cnope\u201d",
        ),
        (FIGURES, FIGURE_HEADER, [figure_row("unknown-2", "nope")], "no event whose public_id is \u201cnope\u201d"),
        (
            EVENTS,
            EVENT_HEADER,
            [event_row("unknown-3").replace("UA;RU", "UA;XX")],
            "no country whose code is \u201cXX\u201d",
        ),
        (
            EVENTS,
            EVENT_HEADER,
            [event_row("slug-1", slug="same"), event_row("slug-2", slug="same")],
            "Event with this Slug already exists.",
        ),
        (
            FIGURES,
            FIGURE_HEADER,
            [
                figure_row("pref-2", DRAFT_EVENT).replace(",normal,", ",preferred,Best."),
                figure_row("pref-3", DRAFT_EVENT, 5).replace(",normal,", ",preferred,Also best."),
            ],
            "Another figure for this measure is already preferred.",
        ),
        (
            FIGURES,
            FIGURE_HEADER,
            [figure_row("twice-1", DRAFT_EVENT), figure_row("twice-1", DRAFT_EVENT)],
            "Row 1 has the same public_id",
        ),
    ],
    ids=[
        "unknown measure",
        "unknown event",
        "unknown country",
        "slug taken",
        "two preferred",
        "twice",
    ],
)
def test_a_row_the_database_would_refuse_is_explained_in_the_models_words(
    editor_client, shared_demo_content, admin_path, header, rows, message
):
    response = dry_run(editor_client, admin_path, csv_upload(header, rows))

    assert refused(response)
    assert message in page_text(response)
    assert not response.context["result"].has_errors(), "a validation error, not a crash of the row"


# --- 2. Limits ---------------------------------------------------------------------------------------


def xlsx_upload(rows, name="rows.xlsx"):
    """A workbook whose first sheet holds ``rows`` (lists of cells; a cell beginning with '=' is a formula)."""
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def statistic_cells(public_id, value=1000, title="Refugees from Ukraine in Poland"):
    cells = statistic_row(public_id, value).split(",")
    cells[1] = title
    return [cell if cell != "" else None for cell in cells]


def rezipped(data, replace=None, add=()):
    """``data`` (an XLSX archive) with members replaced ({name: bytes}) or added ((name, bytes, method))."""
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            target.writestr(member.filename, replace.get(member.filename, source.read(member.filename)))
        for name, content, method in add:
            target.writestr(name, content, compress_type=method)
    return out.getvalue()


def form_errors(response):
    return " ".join(str(error) for errors in response.context["form"].errors.values() for error in errors)


@override_settings(IMPORT_MAX_BYTES=2_000)
def test_a_file_over_the_size_limit_is_refused_before_it_is_read(editor_client, shared_demo_content):
    rows = [statistic_row(f"big-{n}") for n in range(20)]

    response = dry_run(editor_client, STATISTICS, csv_upload(STATISTIC_HEADER, rows))

    assert refused(response)
    assert "an import takes at most 2.0\xa0KB" in form_errors(response)
    assert not DisplacementStatistic.objects.filter(public_id__startswith="big-").exists()


@override_settings(IMPORT_MAX_ROWS=3)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_file_with_more_rows_than_the_limit_is_refused(editor_client, shared_demo_content, fmt):
    rows = [statistic_row(f"many-{n}") for n in range(4)]
    if fmt == "csv":
        upload, index = csv_upload(STATISTIC_HEADER, rows), "0"
    else:
        upload, index = xlsx_upload([STATISTIC_HEADER.split(","), *[row.split(",") for row in rows]]), "1"

    response = dry_run(editor_client, STATISTICS, upload, index)

    assert refused(response)
    assert "more than 3 rows" in form_errors(response)


@override_settings(IMPORT_MAX_ROWS=3)
def test_the_row_limit_counts_the_rows_an_xlsx_holds_not_the_size_it_declares(editor_client, shared_demo_content):
    rows = [STATISTIC_HEADER.split(","), *[statistic_row(f"many-{n}").split(",") for n in range(4)]]
    data = xlsx_upload(rows).read()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    lying = re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:B2"/>', sheet)
    assert lying != sheet

    response = dry_run(
        editor_client,
        STATISTICS,
        SimpleUploadedFile("lying.xlsx", rezipped(data, {"xl/worksheets/sheet1.xml": lying})),
        "1",
    )

    assert "more than 3 rows" in form_errors(response)


def test_reading_stops_at_the_first_row_over_the_limit():
    def endless():
        yield ["public_id"]
        for n in itertools.count():
            yield [f"row-{n}"]

    with override_settings(IMPORT_MAX_ROWS=10), pytest.raises(SpreadsheetError, match="more than 10 rows"):
        dataset_from_rows(endless())


def _no_openpyxl(*args, **kwargs):
    raise AssertionError("openpyxl opened an archive that should have been refused first")


@override_settings(IMPORT_MAX_UNPACKED_BYTES=1_000_000)
def test_an_xlsx_that_unpacks_over_the_limit_is_refused_before_openpyxl_opens_it(
    editor_client, shared_demo_content, monkeypatch
):
    data = xlsx_upload([STATISTIC_HEADER.split(",")]).read()
    noise = random.Random(0).randbytes(1_100_000)  # incompressible: the ratio stays normal
    big = rezipped(data, add=[("xl/media/noise.bin", noise, zipfile.ZIP_DEFLATED)])
    monkeypatch.setattr(openpyxl, "load_workbook", _no_openpyxl)

    response = dry_run(editor_client, STATISTICS, SimpleUploadedFile("big.xlsx", big), "1")

    assert refused(response)
    assert "an import takes at most 976.6\xa0KB unpacked" in form_errors(response)


def test_an_xlsx_that_unpacks_out_of_proportion_is_refused_before_openpyxl_opens_it(
    editor_client, shared_demo_content, monkeypatch
):
    data = xlsx_upload([STATISTIC_HEADER.split(","), statistic_row("bomb-1").split(",")]).read()
    filler = b"<row/>" * 2_000_000  # 12 MB that packs into some 12 KB
    bomb = rezipped(data, add=[("xl/media/filler.xml", filler, zipfile.ZIP_DEFLATED)])
    assert len(bomb) < 100_000
    monkeypatch.setattr(openpyxl, "load_workbook", _no_openpyxl)

    response = dry_run(editor_client, STATISTICS, SimpleUploadedFile("bomb.xlsx", bomb), "1")

    assert refused(response)
    assert "times its size" in form_errors(response)


def bumps_during(action):
    """How many times ``action`` bumped the content version (on-commit bumps included)."""
    before = content_version()
    action()
    return content_version() - before


def forget_pending_bumps():
    """A test's setup runs in the test's transaction, which never commits, and leaves a bump pending
    there (one per transaction). Its commit would have run it: drop it, so that what follows is
    measured alone."""
    connection.run_on_commit[:] = [entry for entry in connection.run_on_commit if entry[1] is not _bump_on_commit]


def test_a_dry_run_never_touches_the_page_cache(editor_client, shared_demo_content):
    rows = [statistic_row(f"cache-{n}") for n in range(5)]
    content_version()
    forget_pending_bumps()

    assert bumps_during(lambda: dry_run(editor_client, STATISTICS, csv_upload(STATISTIC_HEADER, rows))) == 0
    assert not [entry for entry in connection.run_on_commit if entry[1] is _bump_on_commit]


def test_a_committed_import_bumps_the_content_version_exactly_once(
    editor_client, shared_demo_content, django_capture_on_commit_callbacks
):
    rows = [statistic_row(f"cache-{n}") for n in range(5)]
    preview = dry_run(editor_client, STATISTICS, csv_upload(STATISTIC_HEADER, rows))
    content_version()
    forget_pending_bumps()

    def confirm_and_commit():
        with django_capture_on_commit_callbacks(execute=True):
            confirm(editor_client, STATISTICS, preview)

    assert bumps_during(confirm_and_commit) == 1
    assert DisplacementStatistic.objects.filter(public_id__startswith="cache-").count() == 5


def test_a_failed_confirm_bumps_nothing_and_writes_nothing(
    editor_client, reviewer, shared_demo_content, django_capture_on_commit_callbacks
):
    rows = [statistic_row("cache-ok"), statistic_row(PUBLISHED_STATISTIC)]
    DisplacementStatistic.objects.filter(public_id=PUBLISHED_STATISTIC).update(status="draft")
    preview = dry_run(editor_client, STATISTICS, csv_upload(STATISTIC_HEADER, rows))
    DisplacementStatistic.objects.filter(public_id=PUBLISHED_STATISTIC).update(status="published")
    content_version()
    forget_pending_bumps()

    def confirm_and_commit():
        with django_capture_on_commit_callbacks(execute=True):
            assert refused(confirm(editor_client, STATISTICS, preview))

    assert bumps_during(confirm_and_commit) == 0
    assert not DisplacementStatistic.objects.filter(public_id="cache-ok").exists()


def contradicting_rows(event):
    """Two claims about the same measure of ``event`` that cannot both be true."""
    return [
        figure_row("claim-a", event, 100, actor="dmytro-lubinets"),
        figure_row("claim-b", event, 200, actor="volodymyr-zelensky"),
    ]


def test_derived_fields_are_refreshed_once_after_a_confirmed_import_and_never_by_a_dry_run(
    editor_client, shared_demo_content, monkeypatch
):
    calls = []
    real = events_derived.events_refresh_dispute_flags
    monkeypatch.setattr(
        events_derived, "events_refresh_dispute_flags", lambda **kw: calls.append(set(kw["event_ids"])) or real(**kw)
    )
    upload = csv_upload(FIGURE_HEADER, contradicting_rows(DRAFT_EVENT))

    preview = dry_run(editor_client, FIGURES, upload)
    after_dry_run = list(calls)
    confirm(editor_client, FIGURES, preview)

    draft = Event.objects.get(public_id=DRAFT_EVENT)
    assert after_dry_run == []
    assert calls == [{draft.pk}]
    assert draft.has_disputed_figures


def test_a_figure_moved_by_import_refreshes_the_event_it_leaves(editor_client, shared_demo_content):
    other = EventFactory(title="Another draft")
    import_rows(editor_client, FIGURES, csv_upload(FIGURE_HEADER, contradicting_rows(DRAFT_EVENT)))
    assert Event.objects.get(public_id=DRAFT_EVENT).has_disputed_figures

    import_rows(
        editor_client,
        FIGURES,
        csv_upload(FIGURE_HEADER, [figure_row("claim-b", other.public_id, 200, actor="volodymyr-zelensky")]),
    )

    assert not Event.objects.get(public_id=DRAFT_EVENT).has_disputed_figures


def test_an_event_import_refreshes_search_documents_once_after_its_rows(
    editor_client, shared_demo_content, monkeypatch
):
    calls = []
    real = events_derived.events_refresh_search_documents
    monkeypatch.setattr(
        events_derived,
        "events_refresh_search_documents",
        lambda **kw: calls.append(sorted(kw["events"].values_list("public_id", flat=True))) or real(**kw),
    )
    rows = [event_row("search-1", "Zaporizhzhia exchange", "search-1"), event_row("search-2", "Kherson", "search-2")]

    import_rows(editor_client, EVENTS, csv_upload(EVENT_HEADER, rows))

    assert calls == [["search-1", "search-2"]]
    assert "zaporizhzhia" in Event.objects.get(public_id="search-1").search_document


def queries_of_import(client, admin_path, header, rows):
    with CaptureQueriesContext(connection) as queries:
        preview = dry_run(client, admin_path, csv_upload(header, rows))
        confirm(client, admin_path, preview)
    assert preview.context["result"].totals["new"] + preview.context["result"].totals["update"] == len(rows)
    return len(queries)


# Queries per row and phase (dry run or confirm): a new figure or statistic costs two savepoints (its
# row's and its save's), the insert and its revision; an update also reads the figure's stored event
# and its breakdowns; an event also sets its countries and themes and shows them in the preview.
@pytest.mark.parametrize(
    ("admin_path", "header", "row", "per_row"),
    [
        (FIGURES, FIGURE_HEADER, lambda n: figure_row(f"count-{n}", DRAFT_EVENT, n), 6),
        (STATISTICS, STATISTIC_HEADER, lambda n: statistic_row(f"count-{n}", n), 6),
        (EVENTS, EVENT_HEADER, lambda n: event_row(f"count-{n}", f"Event {n}", f"count-{n}"), 12),
    ],
    ids=["figures", "statistics", "events"],
)
def test_the_queries_of_an_import_grow_by_a_small_constant_per_row(
    editor_client, shared_demo_content, admin_path, header, row, per_row
):
    twenty = queries_of_import(editor_client, admin_path, header, [row(n) for n in range(20)])
    forty = queries_of_import(editor_client, admin_path, header, [row(n) for n in range(100, 140)])

    assert forty - twenty <= 20 * 2 * per_row


def test_the_queries_of_an_update_grow_by_a_small_constant_per_row(editor_client, shared_demo_content):
    import_rows(
        editor_client, FIGURES, csv_upload(FIGURE_HEADER, [figure_row(f"count-{n}", DRAFT_EVENT, n) for n in range(60)])
    )
    changed = [figure_row(f"count-{n}", DRAFT_EVENT, n + 1000) for n in range(60)]

    twenty = queries_of_import(editor_client, FIGURES, FIGURE_HEADER, changed[:20])
    forty = queries_of_import(editor_client, FIGURES, FIGURE_HEADER, changed[20:])

    assert forty - twenty <= 20 * 2 * 8


# --- 3. Formulas -------------------------------------------------------------------------------------

FORMULA_TITLE = '=HYPERLINK("http://x","y")'


def csv_cells(header, rows, encoding="utf-8", name="rows.csv"):
    """A CSV upload written by the csv module (quotes, commas and line breaks in cells)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header.split(","))
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding), content_type="text/csv")


def test_a_text_cell_a_spreadsheet_would_run_is_refused_and_its_column_named(editor_client, shared_demo_content):
    upload = csv_cells(STATISTIC_HEADER, [statistic_cells("formula-1", title=FORMULA_TITLE)])

    preview = dry_run(editor_client, STATISTICS, upload)

    assert refused(preview)
    assert preview.context["result"].invalid_rows[0].field_specific_errors["title"] == [
        formula_refused("title", FORMULA_TITLE)
    ]
    assert "title begins with \u201c=\u201d, which spreadsheet programs run as a formula" in page_text(preview)


def test_an_escaped_formula_is_imported_as_the_text_it_stands_for(editor_client, shared_demo_content):
    import_rows(
        editor_client,
        STATISTICS,
        csv_cells(STATISTIC_HEADER, [statistic_cells("formula-2", title="'" + FORMULA_TITLE)]),
    )

    assert DisplacementStatistic.objects.get(public_id="formula-2").title == FORMULA_TITLE


def test_xlsx_formula_cells_are_seen_as_formulas_not_as_their_cached_values(editor_client, shared_demo_content):
    cells = statistic_cells("formula-3", title=FORMULA_TITLE)
    cells[STATISTIC_HEADER.split(",").index("value")] = "=1+1"

    preview = dry_run(editor_client, STATISTICS, xlsx_upload([STATISTIC_HEADER.split(","), cells]), "1")

    assert refused(preview)
    errors = preview.context["result"].invalid_rows[0].field_specific_errors
    assert errors["title"] == [formula_refused("title", FORMULA_TITLE)]
    assert errors["value"] == [formula_refused("value", "=1+1")]
    assert not DisplacementStatistic.objects.filter(public_id="formula-3").exists()


def export(client, admin_path, resource, fmt):
    """The admin's export of every row with every column: (content type, bytes)."""
    form = client.get(f"{admin_path}export/").context["form"]
    selected = {name: "on" for name in form.fields if name.startswith(resource.__name__.lower() + "_")}
    response = client.post(f"{admin_path}export/", {"format": fmt, "resource": "0", **selected})
    assert response.status_code == 200, page_text(response)
    return response["Content-Type"], response.content


def test_the_csv_export_neutralises_formula_text_and_keeps_numbers(reviewer_client, shared_demo_content):
    DisplacementStatistic.objects.filter(public_id=PUBLISHED_STATISTIC).update(title=FORMULA_TITLE)
    EventFactory(public_id="south-1", latitude=Decimal("-33.5"), longitude=Decimal("18.4"), title="+1 more")

    _type, statistics = export(reviewer_client, STATISTICS, DisplacementStatisticResource, "0")
    _type, events = export(reviewer_client, EVENTS, EventResource, "0")

    statistic = next(
        row for row in csv.DictReader(io.StringIO(statistics.decode())) if row["public_id"] == PUBLISHED_STATISTIC
    )
    event = next(row for row in csv.DictReader(io.StringIO(events.decode())) if row["public_id"] == "south-1")
    assert statistic["title"] == "'" + FORMULA_TITLE
    assert statistic["value"] == "110000000"
    assert (event["title"], event["latitude"], event["longitude"]) == ("'+1 more", "-33.50000", "18.40000")


def test_the_xlsx_export_writes_text_as_text_and_numbers_as_numbers_and_never_a_formula(
    reviewer_client, shared_demo_content
):
    DisplacementStatistic.objects.filter(public_id=PUBLISHED_STATISTIC).update(title=FORMULA_TITLE)

    _type, data = export(reviewer_client, STATISTICS, DisplacementStatisticResource, "1")

    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    header = [cell.value for cell in sheet[1]]
    row = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == PUBLISHED_STATISTIC)
    title, value = row[header.index("title")], row[header.index("value")]
    assert (title.data_type, title.value) == ("s", "'" + FORMULA_TITLE)
    assert (value.data_type, value.value) == ("n", 110_000_000)
    assert all(cell.data_type != "f" for line in sheet.iter_rows() for cell in line)


@pytest.mark.parametrize("fmt", ["0", "1"], ids=["csv", "xlsx"])
@pytest.mark.parametrize(
    ("admin_path", "resource"),
    [(STATISTICS, DisplacementStatisticResource), (EVENTS, EventResource), (FIGURES, FigureResource)],
    ids=["statistics", "events", "figures"],
)
def test_the_sites_own_export_imports_unchanged(reviewer_client, shared_demo_content, admin_path, resource, fmt):
    DisplacementStatistic.objects.filter(public_id=PUBLISHED_STATISTIC).update(title=FORMULA_TITLE, excerpt="'-x")
    EventFactory(
        public_id="south-2", latitude=Decimal("-33.5"), longitude=Decimal("18.4"), title="=1+1", countries=["UA"]
    )
    _type, data = export(reviewer_client, admin_path, resource, fmt)
    before = list(resource._meta.model.objects.order_by("pk").values())

    preview = dry_run(reviewer_client, admin_path, SimpleUploadedFile("export." + ("csv", "xlsx")[int(fmt)], data), fmt)

    totals = preview.context["result"].totals
    assert totals["skip"] == resource._meta.model.objects.count() > 0, page_text(preview)
    assert totals["new"] == totals["update"] == totals["invalid"] == totals["error"] == 0
    assert list(resource._meta.model.objects.order_by("pk").values()) == before


# --- 4. Malformed files and encodings ----------------------------------------------------------------


def assert_no_traceback(response):
    content = response.content.decode()
    assert "Traceback" not in content
    assert "/work/" not in content and "site-packages" not in content


@pytest.mark.parametrize(
    ("name", "content", "fmt", "message"),
    [
        ("no-key.csv", b"title,value\nA,1\n", "0", "The first row must name the column public_id"),
        ("twice.csv", b"public_id,title,title\nx,A,B\n", "0", "names the column title twice"),
        ("unknown.csv", b"public_id,titel\nx,A\n", "0", "does not know: titel"),
        ("unnamed.csv", b"public_id,,title\nx,1,A\n", "0", "Column 2 has no name"),
        ("header-only.csv", b"public_id,title\n", "0", "has no rows below them"),
        ("blank.csv", b"\n\n", "0", "This file is empty"),
        ("empty.csv", b"", "0", "The submitted file is empty"),
        ("binary.csv", bytes(range(256)) * 8, "0", "This file is not CSV text"),
        ("book.csv", b"PK\x03\x04" + b"\x01" * 200, "0", "it looks like an XLSX workbook"),
        ("ragged.csv", b"public_id,title\nx,A,extra\n", "0", "Row 2 of the file has more cells than the first row"),
        ("garbage.xlsx", b"not a workbook at all", "1", "could not be read as an XLSX workbook"),
    ],
)
def test_a_malformed_file_gets_a_clear_message_and_never_a_traceback(
    editor_client, shared_demo_content, name, content, fmt, message
):
    response = dry_run(editor_client, STATISTICS, SimpleUploadedFile(name, content), fmt)

    assert refused(response)
    assert message in page_text(response)
    assert_no_traceback(response)


@pytest.mark.parametrize(
    "forged",
    [{"import_file_name": "../../etc/passwd"}, {"format": "9"}, {"format": "csv"}, {"encoding": "rot13"}],
    ids=["file name", "format index", "format name", "encoding"],
)
def test_a_forged_or_stale_confirm_gets_a_message_and_imports_nothing(editor_client, shared_demo_content, forged):
    preview = dry_run(editor_client, STATISTICS, csv_upload(STATISTIC_HEADER, [statistic_row("forged-1")]))
    form = preview.context["confirm_form"]

    response = editor_client.post(f"{STATISTICS}process_import/", {**form.initial, **forged})

    assert refused(response)
    assert "upload the file again" in page_text(response)
    assert_no_traceback(response)
    assert not DisplacementStatistic.objects.filter(public_id="forged-1").exists()


def test_a_truncated_xlsx_gets_a_clear_message(editor_client, shared_demo_content):
    data = xlsx_upload([STATISTIC_HEADER.split(","), statistic_cells("cut-1")]).read()

    response = dry_run(editor_client, STATISTICS, SimpleUploadedFile("cut.xlsx", data[: len(data) // 2]), "1")

    assert "could not be read as an XLSX workbook" in page_text(response)
    assert_no_traceback(response)


def test_a_windows_1252_file_is_detected_and_the_preview_says_so(editor_client, shared_demo_content):
    title = "Zaporizhzhia \u2013 caf\u00e9"
    upload = csv_cells(STATISTIC_HEADER, [statistic_cells("cp1252-1", title=title)], encoding="cp1252")

    preview = dry_run(editor_client, STATISTICS, upload)
    confirm(editor_client, STATISTICS, preview)

    assert "The file was read as Windows-1252 text" in page_text(preview)
    assert DisplacementStatistic.objects.get(public_id="cp1252-1").title == title


def test_a_latin_1_file_imports_as_windows_1252(editor_client, shared_demo_content):
    title = "Caf\u00e9 de la gare, \u00c5land"
    import_rows(
        editor_client,
        STATISTICS,
        csv_cells(STATISTIC_HEADER, [statistic_cells("latin1-1", title=title)], encoding="latin-1"),
    )

    assert DisplacementStatistic.objects.get(public_id="latin1-1").title == title


def test_a_windows_1251_file_imports_when_the_editor_chooses_its_encoding(editor_client, shared_demo_content):
    title = "\u0417\u0430\u043f\u043e\u0440\u0456\u0436\u0436\u044f"  # Запоріжжя
    upload = csv_cells(STATISTIC_HEADER, [statistic_cells("cp1251-1", title=title)], encoding="cp1251")

    preview = dry_run(editor_client, STATISTICS, upload, encoding="cp1251")
    confirm(editor_client, STATISTICS, preview)

    assert "The file was read as Windows-1251 text" in page_text(preview)
    assert DisplacementStatistic.objects.get(public_id="cp1251-1").title == title


def test_a_utf8_file_with_a_byte_order_mark_imports(editor_client, shared_demo_content):
    title = "\u0417\u0430\u043f\u043e\u0440\u0456\u0436\u0436\u044f \u2013 caf\u00e9"
    upload = csv_cells(STATISTIC_HEADER, [statistic_cells("bom-1", title=title)], encoding="utf-8-sig")

    preview = dry_run(editor_client, STATISTICS, upload)
    confirm(editor_client, STATISTICS, preview)

    assert "The file was read as UTF-8 text" in page_text(preview)
    assert DisplacementStatistic.objects.get(public_id="bom-1").title == title


def test_a_file_that_is_not_in_the_chosen_encoding_gets_a_clear_message(editor_client, shared_demo_content):
    upload = csv_cells(STATISTIC_HEADER, [statistic_cells("cp1252-2", title="caf\u00e9")], encoding="cp1252")

    response = dry_run(editor_client, STATISTICS, upload, encoding="utf-8-sig")

    assert refused(response)
    assert "This file is not valid UTF-8 text" in form_errors(response)
