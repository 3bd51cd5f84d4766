"""The admin's import page as editors use it: a dry run, then a confirm; CSV and XLSX; one bad row imports nothing."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from knowledgebase.displacement.models import DisplacementStatistic

IMPORT_URL = "/admin/displacement/displacementstatistic/import/"


PROCESS_URL = "/admin/displacement/displacementstatistic/process_import/"


HEADER = (
    "public_id,title,population_type,cause,measurement,rate_period,value,qualifier,low,high,origin_scope,"
    "origin_country,origin_region,host_scope,host_country,host_region,as_of_date,as_of_note,period_start,"
    "period_end,includes,claimant_actor,claimant_organization,source,excerpt,rank,rank_reason"
)


GOOD_ROWS = [
    "ua-ref-pl-2024,Refugees from Ukraine in Poland,REF,conflict,stock,,1000,exact,,,country,UA,,country,PL,,"
    "2024-01-01,,,,,,wilson-center,wilson-center-forced-displacement,,normal,",
    "ua-idp-2024,IDPs in Ukraine,IDP,conflict,stock,,500,about,,,country,UA,,country,UA,,2024-01-01,,,,,,"
    "wilson-center,wilson-center-forced-displacement,,normal,",
]


BAD_ROW = (
    "ua-bad-2024,Bad bounds,IDP,conflict,stock,,500,exact,600,,country,UA,,country,UA,,2024-01-01,,,,,,"
    "wilson-center,wilson-center-forced-displacement,,normal,"
)


def csv_file(rows, name="statistics.csv"):
    return SimpleUploadedFile(name, ("\n".join([HEADER, *rows]) + "\n").encode(), content_type="text/csv")


def xlsx_file(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    for row in rows:
        sheet.append([cell or None for cell in row.split(",")])
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("statistics.xlsx", buffer.getvalue())


def import_file(client, upload, fmt="0"):
    """Upload (dry run), then confirm if the preview allows it. Returns (preview response, confirmed)."""
    preview = client.post(IMPORT_URL, {"import_file": upload, "format": fmt, "resource": "0"})
    confirm = preview.context.get("confirm_form") if preview.context else None
    if confirm is None:
        return preview, False
    client.post(PROCESS_URL, {**confirm.initial, "resource": confirm.initial.get("resource", "0")})
    return preview, True


def test_a_dry_run_shows_what_will_be_created_and_changes_nothing(editor_client, demo_content):
    preview = editor_client.post(IMPORT_URL, {"import_file": csv_file(GOOD_ROWS), "format": "0", "resource": "0"})

    assert preview.status_code == 200
    assert preview.context["result"].totals["new"] == 2
    assert not DisplacementStatistic.objects.filter(public_id__startswith="ua-").exists()


def test_importing_creates_drafts_and_a_second_import_changes_nothing(editor_client, demo_content):
    _preview, confirmed = import_file(editor_client, csv_file(GOOD_ROWS))
    imported = DisplacementStatistic.objects.filter(public_id__in=["ua-ref-pl-2024", "ua-idp-2024"])
    snapshot = list(imported.values_list("public_id", "value", "updated_at", "status"))

    second, _ = import_file(editor_client, csv_file(GOOD_ROWS))

    assert confirmed
    assert {status for *_rest, status in snapshot} == {"draft"}
    assert second.context["result"].totals["skip"] == 2
    assert second.context["result"].totals["new"] == 0
    assert list(imported.values_list("public_id", "value", "updated_at", "status")) == snapshot


def test_xlsx_imports_like_csv(reviewer_client, demo_content):
    _preview, confirmed = import_file(reviewer_client, xlsx_file(GOOD_ROWS), fmt="1")

    assert confirmed
    assert DisplacementStatistic.objects.get(public_id="ua-idp-2024").qualifier == "about"


def test_a_file_with_one_bad_row_imports_nothing_and_says_which_row_and_why(editor_client, demo_content):
    before = DisplacementStatistic.objects.count()

    preview, confirmed = import_file(editor_client, csv_file([*GOOD_ROWS, BAD_ROW]))

    assert not confirmed
    assert DisplacementStatistic.objects.count() == before
    html = preview.content.decode()
    assert "The low bound cannot be greater than the value." in html
    assert preview.context["result"].invalid_rows[0].number == 3


def test_a_row_without_public_id_is_refused(editor_client, demo_content):
    preview, confirmed = import_file(editor_client, csv_file(["," + GOOD_ROWS[0].split(",", 1)[1]]))

    assert not confirmed
    assert "public_id" in preview.content.decode()


def test_an_editor_cannot_change_a_published_statistic_by_import(editor_client, demo_content):
    published = DisplacementStatistic.objects.get(public_id="qa32x3s6")
    row = (
        "qa32x3s6,Forcibly displaced people worldwide,FDP,mixed,stock,,120000000,about,,,global,,,global,,,,"
        "Undated,,,,,wilson-center,wilson-center-forced-displacement,,normal,"
    )

    _preview, confirmed = import_file(editor_client, csv_file([row]))

    assert not confirmed
    published.refresh_from_db()
    assert published.value == 110_000_000


@pytest.mark.parametrize("url", ["/admin/events/event/import/", "/admin/events/figure/import/"])
def test_event_and_figure_import_pages_render_for_an_editor(editor_client, db, url):
    assert editor_client.get(url).status_code == 200
