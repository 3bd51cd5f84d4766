"""Bulk downloads: build_downloads writes the whole published dataset as files, /data/files/ serves them whole,
and an unfiltered CSV download is sent to its file while the file is current."""

import datetime
import gzip
import hashlib
import io
import json
import threading
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import StreamingHttpResponse
from django.test import Client
from django.utils import translation

from knowledgebase.events.models import Event
from knowledgebase.opendata import bulk, bulk_files, exports
from knowledgebase.pages.data import BULK_DATASETS
from knowledgebase.serving.content_version import content_version
from tests.conftest import DRAFT_EVENT, JAN_2024_EXCHANGE
from tests.factories import (
    ActorFactory,
    CitationFactory,
    EventFactory,
    FigureFactory,
    OrganizationFactory,
    ParticipationFactory,
    SourceFactory,
    StatisticFactory,
)

# Each dataset's download, whose unfiltered bytes its files hold.
DOWNLOAD_URLS = {
    "events": "/events/export",
    "figures": "/events/figures",
    "displacement-statistics": "/displacement/export",
}
LANGUAGES = ["en", "uk"]


@pytest.fixture
def downloads(settings, tmp_path):
    settings.DOWNLOADS_ROOT = tmp_path / "downloads"
    return settings.DOWNLOADS_ROOT


def build(datasets=BULK_DATASETS):
    """A build as the timer runs it, in a process that shares the site's content version (Redis, or here
    this process's cache, which the requests read too)."""
    content_version()
    return bulk.build(datasets)


EVENTS_ONLY = [dataset for dataset in BULK_DATASETS if dataset.slug == "events"]
EVENTS_AND_STATISTICS = [dataset for dataset in BULK_DATASETS if dataset.slug != "figures"]


def entry(manifest, name):
    (found,) = [item for item in manifest["files"] if item["name"] == name]
    return found


def stored(downloads, manifest, name):
    return (downloads / entry(manifest, name)["file"]).read_bytes()


def body(response):
    if isinstance(response, StreamingHttpResponse):
        return b"".join(response.streaming_content)
    return response.content


def dynamic(client, slug, fmt, language):
    """The download of the whole list, streamed (no current file stands in for it)."""
    prefix = "" if language == "en" else f"/{language}"
    response = client.get(f"{prefix}{DOWNLOAD_URLS[slug]}.{fmt}")
    assert response.status_code == 200 and response.streaming
    return body(response)


# --- The files -------------------------------------------------------------------------------------


def test_the_build_writes_every_file_and_then_a_manifest_that_describes_each(shared_demo_content, downloads):
    manifest = build()

    names = {item["name"] for item in manifest["files"]}
    assert names == {
        f"{slug}.{lang}.{fmt}.gz" for slug in DOWNLOAD_URLS for lang in LANGUAGES for fmt in ("csv", "jsonl")
    }
    assert json.loads((downloads / "manifest.json").read_text()) == manifest
    for item in manifest["files"]:
        data = (downloads / item["file"]).read_bytes()
        content = gzip.decompress(data)
        assert (item["bytes"], item["sha256"]) == (len(data), hashlib.sha256(data).hexdigest())
        assert (item["content_bytes"], item["content_sha256"]) == (len(content), hashlib.sha256(content).hexdigest())
        assert item["file"] == f"{item['dataset']}.{item['language']}.{item['sha256'][:16]}.{item['format']}.gz"
        lines = content.decode().splitlines() if item["format"] == "jsonl" else None
        assert item["rows"] > 0 and (lines is None or len(lines) == item["rows"])
        assert datetime.datetime.fromisoformat(item["built_at"]).tzinfo is not None
    events = entry(manifest, "events.en.csv.gz")
    assert events["rows"] == Event.objects.published().count()
    assert sorted(path.name for path in downloads.iterdir()) == sorted(
        [".build.lock", "manifest.json", *(item["file"] for item in manifest["files"])]
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("slug", DOWNLOAD_URLS)
def test_a_csv_file_is_the_unfiltered_download_byte_for_byte(shared_demo_content, downloads, client, slug, language):
    live = dynamic(client, slug, "csv", language)

    manifest = build()

    content = gzip.decompress(stored(downloads, manifest, f"{slug}.{language}.csv.gz"))
    assert content == live
    assert content.split(b"\n")[1].startswith(b"#")  # the HXL row under the header
    assert (
        entry(manifest, f"{slug}.{language}.csv.gz")["rows"] == entry(manifest, f"{slug}.{language}.jsonl.gz")["rows"]
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("slug", DOWNLOAD_URLS)
def test_a_json_lines_file_is_the_json_download_an_object_a_line(
    shared_demo_content, downloads, client, slug, language
):
    live = dynamic(client, slug, "json", language)

    manifest = build()

    lines = gzip.decompress(stored(downloads, manifest, f"{slug}.{language}.jsonl.gz")).split(b"\n")
    assert lines[-1] == b""  # every line ends with a line break
    assert b"[\n" + b",\n".join(lines[:-1]) + b"\n]\n" == live
    assert [json.loads(line) for line in lines[:-1]] == json.loads(live)


def test_the_ukrainian_files_carry_the_ukrainian_text_and_the_same_identifiers(shared_demo_content, downloads):
    event = Event.objects.get(public_id=JAN_2024_EXCHANGE)

    manifest = build()

    english = gzip.decompress(stored(downloads, manifest, "events.en.csv.gz")).decode()
    ukrainian = gzip.decompress(stored(downloads, manifest, "events.uk.csv.gz")).decode()
    assert event.title_uk in ukrainian and event.title_en in english
    assert f"/uk/events/{JAN_2024_EXCHANGE}/" in ukrainian
    assert english.splitlines()[:2] == ukrainian.splitlines()[:2]


def test_drafts_and_retracted_records_never_reach_a_file(shared_demo_content, downloads):
    EventFactory(title="Unpublished draft event", countries=["UA"])
    StatisticFactory(title="Unpublished draft statistic")
    FigureFactory(event=EventFactory(status="retracted", retraction_note="Wrong", title="Retracted event"))

    manifest = build()

    for item in manifest["files"]:
        content = gzip.decompress((downloads / item["file"]).read_bytes()).decode()
        assert DRAFT_EVENT not in content
        assert "Unpublished draft" not in content and "Retracted event" not in content


def test_a_build_that_fails_leaves_the_last_files_and_no_partial_file(shared_demo_content, downloads, monkeypatch):
    first = build()

    def broken(export, queryset, fmt, whole=False):
        head, rows = original(export, queryset, fmt, whole)

        def failing():
            yield from rows
            raise OSError("disk full")

        return head, failing()

    original = exports.file_rows
    monkeypatch.setattr(bulk, "file_rows", broken)
    EventFactory(published=True, title="Published after the first build")
    with pytest.raises(OSError, match="disk full"):
        build()

    assert json.loads((downloads / "manifest.json").read_text()) == first
    assert sorted(path.name for path in downloads.iterdir()) == sorted(
        [".build.lock", "manifest.json", *(item["file"] for item in first["files"])]
    )


def test_a_compression_that_fails_stops_the_build_and_leaves_no_partial_file(
    shared_demo_content, downloads, monkeypatch
):
    """The blocks are compressed in a second thread: its error reaches the build, which stops."""
    first = build()
    written = []

    def failing(self, data):
        written.append(len(data))
        raise OSError("no space left")

    monkeypatch.setattr(bulk._GzipWriter, "write", failing)
    EventFactory(published=True, title="Published after the first build")
    with pytest.raises(OSError, match="no space left"):
        build()

    assert len(written) == 1  # the first error stops the thread: no block is written after it
    assert json.loads((downloads / "manifest.json").read_text()) == first
    assert sorted(path.name for path in downloads.iterdir()) == sorted(
        [".build.lock", "manifest.json", *(item["file"] for item in first["files"])]
    )


def test_the_blocks_of_a_file_are_its_rows_in_order_and_counted():
    counted = bulk._Counted(iter([b"a,1\n", b"b,2\n", b"c,3\n"]))

    blocks = list(counted.blocks(b"head\n", size=8))

    assert blocks == [b"head\na,1\n", b"b,2\nc,3\n"]
    assert counted.count == 3
    text = bulk._Counted(iter(["é,1\n"]))
    assert list(text.blocks("", size=1024)) == ["é,1\n".encode()]


def test_files_of_a_previous_build_stay_until_the_build_after_next(shared_demo_content, downloads):
    event = EventFactory(published=True, title="First title", countries=["UA"])
    first = build(EVENTS_AND_STATISTICS)
    event.title = "Second title"
    event.save()
    second = build(EVENTS_AND_STATISTICS)
    event.title = "Third title"
    event.save()
    third = build(EVENTS_AND_STATISTICS)

    on_disk = {path.name for path in downloads.iterdir()}
    assert entry(first, "events.en.csv.gz")["file"] not in on_disk
    assert {entry(second, "events.en.csv.gz")["file"], entry(third, "events.en.csv.gz")["file"]} <= on_disk
    # Files whose content did not change keep their name: statistics are the same in all three builds.
    assert (
        entry(first, "displacement-statistics.en.csv.gz")["file"]
        == entry(third, "displacement-statistics.en.csv.gz")["file"]
    )


# --- Serving them ----------------------------------------------------------------------------------


@pytest.fixture
def built(shared_demo_content, downloads):
    return build()


def test_a_file_is_served_whole_with_its_etag_length_type_and_name(client, built):
    item = entry(built, "events.en.csv.gz")

    response = client.get("/data/files/events.en.csv.gz")
    data = body(response)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/gzip"
    assert int(response["Content-Length"]) == len(data) == item["bytes"]
    assert response["ETag"] == f'"{hashlib.sha256(data).hexdigest()}"' == f'"{item["sha256"]}"'
    assert response["Content-Disposition"] == 'attachment; filename="events.en.csv.gz"'
    assert response["Last-Modified"] and "public" in response["Cache-Control"]
    assert "Content-Encoding" not in response
    assert gzip.decompress(data).startswith(b"id,url,title,")


def test_head_gives_the_headers_of_get_without_a_body(client, built):
    get = client.get("/data/files/figures.uk.jsonl.gz")
    data = body(get)
    head = client.head("/data/files/figures.uk.jsonl.gz")

    assert head.status_code == 200 and body(head) == b"" and int(head["Content-Length"]) == len(data)
    for header in ("ETag", "Content-Length", "Content-Type", "Last-Modified", "Content-Disposition"):
        assert head[header] == get[header]
    assert head["Content-Language"] == "uk"


def test_a_conditional_request_for_an_unchanged_file_is_answered_304(client, built):
    first = client.get("/data/files/events.en.jsonl.gz")

    by_etag = client.get("/data/files/events.en.jsonl.gz", HTTP_IF_NONE_MATCH=first["ETag"])
    by_date = client.get("/data/files/events.en.jsonl.gz", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    head = client.head("/data/files/events.en.jsonl.gz", HTTP_IF_NONE_MATCH=f'"other", {first["ETag"]}')
    other = client.get("/data/files/events.en.jsonl.gz", HTTP_IF_NONE_MATCH='"another-version"')

    assert by_etag.status_code == by_date.status_code == head.status_code == 304
    assert by_etag["ETag"] == first["ETag"] and body(by_etag) == b""
    assert other.status_code == 200 and body(other) == body(first)


def test_without_gz_a_file_is_its_csv_compressed_in_transit_or_not_as_the_client_accepts(client, built):
    item = entry(built, "events.en.csv.gz")

    encoded = client.get("/data/files/events.en.csv", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    plain = client.get("/data/files/events.en.csv")
    refused = client.get("/data/files/events.en.csv", HTTP_ACCEPT_ENCODING="gzip;q=0, identity")

    compressed = body(encoded)
    assert encoded["Content-Encoding"] == "gzip" and encoded["Content-Type"] == "text/csv; charset=utf-8"
    assert hashlib.sha256(compressed).hexdigest() == item["sha256"]
    assert encoded["ETag"] == f'"{item["sha256"]}"' and int(encoded["Content-Length"]) == item["bytes"]
    for response in (plain, refused):
        data = body(response)
        assert "Content-Encoding" not in response
        assert int(response["Content-Length"]) == len(data) == item["content_bytes"]
        assert response["ETag"] == f'"{hashlib.sha256(data).hexdigest()}"' == f'"{item["content_sha256"]}"'
        assert data == gzip.decompress(compressed)
    assert "Accept-Encoding" in encoded["Vary"] and "Accept-Encoding" in plain["Vary"]


@pytest.mark.parametrize(
    "name",
    [
        "nothing.en.csv.gz",
        "events.fr.csv.gz",
        "events.en.xml",
        ".build.lock",
        "..%2Fmanifest.json",
        "%2E%2E%2F%2E%2E%2Fknowledgebase%2Fsettings.py",
        "events.en.csv.gz%00",
    ],
)
def test_an_unknown_name_is_a_404_and_no_path_reaches_the_disk(client, built, name):
    assert client.get(f"/data/files/{name}").status_code in (400, 404)  # a NUL is refused before routing


def test_a_stored_name_is_not_an_address(client, built):
    assert client.get(f"/data/files/{entry(built, 'events.en.csv.gz')['file']}").status_code == 404
    assert client.get("/data/files/../../manifest.json").status_code == 404


def test_only_get_and_head_are_allowed(client, built):
    assert client.post("/data/files/events.en.csv.gz").status_code == 405


def test_the_public_manifest_lists_each_file_with_its_checksum_and_address(client, built):
    response = client.get("/data/files/manifest.json")

    listed = {item["name"]: item for item in response.json()["files"]}
    assert response.status_code == 200 and response.json()["current"] is True
    assert listed["events.uk.csv.gz"]["sha256"] == entry(built, "events.uk.csv.gz")["sha256"]
    assert listed["events.uk.csv.gz"]["url"] == "/data/files/events.uk.csv.gz"
    assert "file" not in listed["events.uk.csv.gz"] and "content_version" not in response.json()


def test_no_file_before_the_first_build(client, downloads, db):
    assert client.get("/data/files/events.en.csv.gz").status_code == 404
    assert client.get("/data/files/manifest.json").status_code == 404


# --- The unfiltered download is sent to its file ---------------------------------------------------


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("/events/export.csv", "/data/files/events.en.csv"),
        ("/uk/events/export.csv", "/data/files/events.uk.csv"),
        ("/events/export.csv?lang=uk", "/data/files/events.uk.csv"),
        ("/events/figures.csv", "/data/files/figures.en.csv"),
        ("/uk/displacement/export.csv", "/data/files/displacement-statistics.uk.csv"),
        ("/events/export.csv?utm_source=newsletter&q=", "/data/files/events.en.csv"),
    ],
)
def test_an_unfiltered_csv_download_is_redirected_to_its_current_file_in_its_language(client, built, url, target):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == target
    served = client.get(target)
    assert served.status_code == 200 and b"#date+start" in body(served)


@pytest.mark.parametrize(
    "url",
    [
        "/events/export.csv?country=UA",
        "/events/export.csv?sort=oldest",
        "/events/export.json",
        "/pow-exchanges/export.csv",
    ],
)
def test_filtered_downloads_and_json_still_stream(client, built, url):
    response = client.get(url)

    assert response.status_code == 200 and response.streaming


def test_once_content_changes_the_download_streams_again_until_the_next_build(client, built):
    EventFactory(published=True, title="Published after the build", countries=["UA"])

    response = client.get("/events/export.csv")

    assert response.status_code == 200
    assert b"Published after the build" in body(response)
    stale = client.get("/data/files/events.en.csv.gz")
    assert stale.status_code == 200 and b"Published after the build" not in gzip.decompress(body(stale))
    build()
    assert client.get("/events/export.csv").status_code == 302


def test_a_file_written_for_another_site_address_is_not_sent_for_this_one(client, built, settings):
    settings.SITE_URL = "https://kb.example.org"

    assert client.get("/events/export.csv").status_code == 200
    assert bulk.stale_reason(BULK_DATASETS) == bulk.REDEFINED


def test_a_manifest_built_without_a_shared_content_version_is_never_taken_as_current(
    shared_demo_content, downloads, client
):
    bulk.build(BULK_DATASETS)  # this cache holds no version yet: as a build in a process with a cache of its own

    assert json.loads((downloads / "manifest.json").read_text())["content_version"] is None
    assert client.get("/events/export.csv").status_code == 200
    assert bulk.stale_reason(BULK_DATASETS) == bulk.NOT_SHARED


# --- /data/ ----------------------------------------------------------------------------------------


def test_the_data_page_says_when_no_file_has_been_built(client, downloads, db, django_assert_max_num_queries):
    with django_assert_max_num_queries(0):
        html = client.get("/data/").content.decode()

    assert 'id="bulk"' in html and "No file has been built yet" in html


def test_the_data_page_lists_each_file_with_its_rows_and_build_time(client, built, django_assert_max_num_queries):
    with django_assert_max_num_queries(0):
        html = client.get("/data/").content.decode()

    section = html[html.index('id="bulk"') : html.index('id="languages"')]
    events = entry(built, "events.en.csv.gz")
    assert 'href="/data/files/events.en.csv.gz"' in section and 'href="/data/files/figures.uk.jsonl.gz"' in section
    assert f'<td class="num">{events["rows"]}</td>' in section
    assert f'datetime="{events["built_at"]}"' in section
    assert 'href="/data/files/manifest.json"' in section
    assert "has changed since these files were built" not in section


def test_the_data_page_says_when_the_files_are_older_than_the_content(client, built):
    EventFactory(published=True)

    html = client.get("/data/").content.decode()

    assert "has changed since these files were built" in html


# --- The command -----------------------------------------------------------------------------------


def run(*args):
    out = io.StringIO()
    call_command("build_downloads", *args, stdout=out)
    return out.getvalue()


def test_the_command_builds_and_reports_each_file(shared_demo_content, downloads):
    content_version()

    output = run()

    assert "events.en.csv.gz:" in output and "Built 12 files" in output
    assert (downloads / "manifest.json").is_file()


def test_if_stale_builds_nothing_while_the_files_are_current(built, downloads):
    before = (downloads / "manifest.json").stat().st_mtime_ns

    output = run("--if-stale")

    assert "nothing to build" in output
    assert (downloads / "manifest.json").stat().st_mtime_ns == before


def test_the_debounce_waits_for_the_last_change_to_be_old_enough(built, downloads):
    EventFactory(published=True)

    waiting = run("--if-stale", "--debounce", "60")
    assert "building once it is 60 s old" in waiting
    assert bulk.stale_reason(BULK_DATASETS) == bulk.CONTENT_CHANGED

    building = run("--if-stale", "--debounce", "0")
    assert "Built 12 files" in building
    assert bulk.stale_reason(BULK_DATASETS) is None


def test_a_dry_run_writes_nothing(shared_demo_content, downloads):
    output = run("--dry-run")

    assert "Would write events.en.csv.gz" in output
    assert not downloads.exists() or not any(downloads.iterdir())


def test_a_second_build_while_one_runs_does_nothing(built, downloads):
    with bulk._locked(downloads):
        output = run()

    assert "Another build is running" in output


# --- Never half a file -----------------------------------------------------------------------------


def test_a_reader_that_opened_a_file_reads_it_whole_whatever_builds_follow(client, built, monkeypatch):
    monkeypatch.setattr(bulk_files.FileResponse, "block_size", 64)
    event = Event.objects.get(public_id=JAN_2024_EXCHANGE)
    response = client.get("/data/files/events.en.csv.gz")
    chunks = iter(response.streaming_content)
    first = next(chunks)

    for title in ("Changed once", "Changed twice"):  # the second build deletes the file the reader holds
        event.title = title
        event.save()
        build(EVENTS_ONLY)
    data = first + b"".join(chunks)

    assert entry(built, "events.en.csv.gz")["file"] not in {path.name for path in bulk_files.downloads_root().iterdir()}
    assert hashlib.sha256(data).hexdigest() == entry(built, "events.en.csv.gz")["sha256"] == response["ETag"][1:-1]
    assert b"Changed" not in gzip.decompress(data)


def test_a_reader_fetching_while_builds_run_always_receives_a_complete_file(built):
    """One thread fetches the file again and again while builds of changing content run in a loop: every
    response is whole (its length as announced, a gzip file that decompresses, the SHA-256 of its ETag)."""
    event = Event.objects.get(public_id=JAN_2024_EXCHANGE)
    stop = threading.Event()
    seen, problems = [], []

    def read():
        reader = Client()
        while not stop.is_set():
            response = reader.get("/data/files/events.en.csv.gz")
            data = body(response)
            try:
                assert response.status_code == 200
                assert int(response["Content-Length"]) == len(data)
                assert hashlib.sha256(data).hexdigest() == response["ETag"][1:-1]
                assert gzip.decompress(data).startswith(b"id,url,title")
            except Exception as error:  # noqa: BLE001 - reported by the test's own thread
                problems.append(repr(error))
            seen.append(response["ETag"])

    thread = threading.Thread(target=read)
    thread.start()
    try:
        for number in range(4):
            event.title = f"Title of build {number}"
            event.save()
            build(EVENTS_ONLY)
    finally:
        stop.set()
        thread.join()

    assert not problems
    assert len(seen) > 4 and len(set(seen)) > 1  # it read while the files changed


# --- COPY writes the Python writer's bytes (PostgreSQL) -----------------------------------------------

POSTGRESQL_ONLY = pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")


def awkward_rows():
    """Rows with every kind of cell a writer can get wrong."""
    event = EventFactory(
        published=True,
        title='=HYPERLINK("x"), "quoted"',
        summary="Line\nbreak\r\ttab \\ backslash \x01 control; é ✓ 🙂",
        date_note="",
        countries=["UA", "RU"],
        latitude=Decimal("30.00000"),
        longitude=Decimal("-0.00005"),
        geo_precision="exact",
    )
    ParticipationFactory(event=event, actor=ActorFactory(name='Actor; with "semicolon"'), role="party")
    ParticipationFactory(event=event, actor=None, organization=OrganizationFactory(name="+Org"), role="mediator")
    CitationFactory(event=event, source=SourceFactory(title="-Source\nwith a break"))
    FigureFactory(event=event, value=230, low=200, high=248, excerpt='"230" = said', source=SourceFactory(url=""))
    EventFactory(published=True, title="Zero", latitude=Decimal("0"), longitude=Decimal("48.13945"), countries=[])
    EventFactory(published=True, title="Tiny", latitude=Decimal("0.00010"), longitude=Decimal("-179.99999"))
    StatisticFactory(published=True, title="@statistic", includes="", low=None, high=None)


@POSTGRESQL_ONLY
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
@pytest.mark.parametrize("dataset", BULK_DATASETS, ids=lambda dataset: dataset.slug)
def test_copy_writes_the_python_writers_bytes_for_every_dataset(shared_demo_content, dataset, fmt, language):
    awkward_rows()

    with translation.override(language):
        queryset = dataset.rows()
        assert exports.uses_copy(dataset.export, queryset)
        copied = b"".join(exports.copy_rows(dataset.export, queryset, fmt, whole=True))
        filtered = b"".join(exports.copy_rows(dataset.export, queryset, fmt))
        python = (exports.csv_rows if fmt == "csv" else exports.json_rows)(dataset.export, queryset)
        written = "".join(python).encode()

    assert copied == filtered == written
    assert copied.count(b"\n") >= 3
    if fmt == "jsonl" and dataset.slug == "events":
        assert b'"latitude": 30.0, "longitude": -5e-05' in copied
        assert b'"latitude": 0.0001,' in copied and b'"latitude": 0.0, "longitude": 48.13945' in copied
        assert b"\\n" in copied and b"\\u0001" in copied and "🙂".encode() in copied
