"""Generated hostile requests to every public list, page, download, feed and API route.

Query strings (each list's own filter parameters with real values and hostile ones, repeated and
unknown parameters, broken percent-escapes), headers (Accept, Accept-Language, the fragment header,
conditional headers, allowed and refused hosts) and path segments of detail routes, on the demo
content. Whatever is sent:

* no answer is a server error, and nothing is logged at ERROR by ``django.request``;
* a client error is one of the expected kinds (``EXPECTED_CLIENT_ERRORS``), and a refused Host is 400;
* a download that answers 200 is a whole file: every CSV row has the header's width under the header
  and HXL rows, and a JSON download is one array of records.

``tests/opendata/test_schemathesis.py`` checks the API against its OpenAPI schema; here the API gets
the hostile values a schema does not describe. Examples are drawn from a fixed seed, so a run is
reproducible (``FUZZ_EXPLORE=1`` draws new ones, for a local session). Each request runs in a
savepoint rolled back after it: on PostgreSQL a failed query would otherwise abort the test's
transaction and every later example with it.
"""

import csv
import dataclasses
import io
import json
import logging
import os
import traceback
from functools import cache
from pathlib import Path
from urllib.parse import quote, urlencode

from django.conf import settings
from django.db import transaction
from django.http.request import split_domain_port, validate_host
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from knowledgebase.actors.models import ActorKind, OrganizationKind
from knowledgebase.displacement.charts import LATEST_CHART, YEARS_CHART
from knowledgebase.displacement.exports import STATISTICS
from knowledgebase.displacement.models import Cause, Measurement, PopulationType
from knowledgebase.events.exports import EVENTS, EXCHANGES, FIGURES
from knowledgebase.events.filters import SORT_CHOICES

EXPECTED_CLIENT_ERRORS = {400, 404, 405, 406, 414, 429}
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def fuzz(max_examples):
    """A bounded, reproducible run: ``max_examples`` requests, examples from a fixed seed."""
    return hypothesis_settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=not os.environ.get("FUZZ_EXPLORE"),
        database=None,
        # The demo is loaded once for the module, and each request is rolled back: the function-scoped
        # fixtures hold nothing an example could change for the next.
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )


@cache
def _fixture_objects():
    return [obj for name in ("reference.json", "demo.json") for obj in json.loads((FIXTURES / name).read_text())]


def fixture_values(model, field, **where):
    """Values of ``field`` in the fixtures' rows of ``model``: filters and paths that name real rows."""
    return sorted(
        {
            obj["fields"][field]
            for obj in _fixture_objects()
            if obj["model"] == model and all(obj["fields"].get(k) == v for k, v in where.items())
        }
    )


EVENT_IDS = fixture_values("events.event", "public_id")  # the draft too: it must answer 404
EVENT_SLUGS = fixture_values("events.event", "slug")
ACTORS = fixture_values("actors.actor", "slug")
ORGANIZATIONS = fixture_values("actors.organization", "slug")
BRIEFS = fixture_values("briefs.brief", "slug")
PROVISIONS = fixture_values("ihl.provision", "slug")
FIGURE_IDS = fixture_values("events.figure", "public_id")
STATISTIC_IDS = fixture_values("displacement.displacementstatistic", "public_id")
COUNTRIES = ["UA", "RU", "KZ", "ua", "XX"]
DATES = ["2022-09-01", "2023-06-30", "2024-01-03", "2024-01", "2024-02-30", "0001-01-01", "9999-12-31"]
PAGES = ["1", "2", "last", "0", "-1", "99999", "1.5"]

# Text that has broken web applications: quoting, traversal, markup, template and format syntax,
# numbers out of range, impossible dates, scripts a database or a case fold may mishandle.
HOSTILE = [
    "",
    " ",
    "%",
    "%%",
    "\x00",
    "Medv\x00chuk",
    "'",
    '"',
    "' OR '1'='1",
    '");--',
    "\\",
    "../",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "{{7*7}}",
    "${jndi:ldap://x}",
    "%(name)s",
    "*",
    "&",
    "=",
    "+",
    "-",
    "!",
    ":*",
    "a | b & !c",
    '"unterminated',
    "NULL",
    "-1",
    "0",
    "1e309",
    "NaN",
    "9" * 40,
    "-" + "9" * 40,
    "0x10",
    "Харків",
    "МЕДВЕДЧУК",
    "日本語",
    "🇺🇦",
    "\u202eevil",
    "\ufeffbom",
    "İstanbul",
    "ß",
]
# Raw query-string pieces urlencode would never write: broken escapes, invalid UTF-8, odd separators.
RAW_QUERY = ["%", "%zz", "%ff%fe", "%C0%AF", "%E2%80", "&&", "=", "==x", ";", "q[]=1", "page=%00", "%2e%2e%2f"]

any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)  # lone surrogates cannot be sent
long_text = st.builds(lambda seed, times: (seed or "x") * times, st.text(max_size=3), st.integers(300, 3000))


def values(real, hostile):
    if not hostile:
        return st.sampled_from(real)
    return st.one_of(st.sampled_from(real), st.sampled_from(HOSTILE), any_text, long_text)


EVENT_PARAMETERS = {
    "q": ["exchange", "prisoner exchange", "POW", "Lubinets", "Medvedchuk", "Медведчук", '"human shields"', "-x"],
    "type": fixture_values("events.eventtype", "slug"),
    "category": fixture_values("events.eventcategory", "slug"),
    "theme": fixture_values("core.theme", "slug"),
    "country": COUNTRIES,
    "actor": ACTORS,
    "organization": ORGANIZATIONS,
    "provision": PROVISIONS,
    "date_after": DATES,
    "date_before": DATES,
    "disputed": ["true", "false", "1", "unknown"],
    "sort": [value for value, _label in SORT_CHOICES],
    "page": PAGES,
}
STATISTIC_PARAMETERS = {
    "population_type": PopulationType.values,
    "cause": Cause.values,
    "measurement": Measurement.values,
    "origin": ["global", *COUNTRIES],
    "host": ["global", *COUNTRIES],
    "period_after": DATES,
    "period_before": DATES,
    "page": PAGES,
}
ACTOR_PARAMETERS = {"q": ["ukr", "Zelensky", "Зеленський", "Medvechuk"], "kind": ActorKind.values, "country": COUNTRIES}
ORGANIZATION_PARAMETERS = {"q": ["war", "NATO"], "kind": OrganizationKind.values, "country": COUNTRIES}
API = {"page": PAGES, "page_size": ["1", "50", "500", "501", "0", "-5", "x"], "format": ["json", "api", "xml", "csv"]}
PAGE_ONLY = {"page": PAGES}

LISTS = [
    ("/", {}),
    ("/events/", EVENT_PARAMETERS),
    ("/pow-exchanges/", EVENT_PARAMETERS),
    ("/displacement/", {**STATISTIC_PARAMETERS, "map": ["origin", "host"]}),
    ("/countries/", PAGE_ONLY),
    ("/actors/", {**ACTOR_PARAMETERS, **PAGE_ONLY}),
    ("/organizations/", {**ORGANIZATION_PARAMETERS, **PAGE_ONLY}),
    ("/briefs/", PAGE_ONLY),
    ("/ihl/", {}),
    ("/search/", {"q": EVENT_PARAMETERS["q"] + ACTOR_PARAMETERS["q"], **PAGE_ONLY}),
    ("/data/", {}),
    ("/about/", {}),
    ("/about/methodology/", {}),
    ("/feeds/events/", EVENT_PARAMETERS),
    ("/feeds/briefs/", {}),
    ("/api/v1/", {"format": API["format"]}),
    ("/api/v1/events/", {**EVENT_PARAMETERS, **API}),
    ("/api/v1/figures/", {"event": EVENT_IDS, "measure": fixture_values("events.measure", "slug"), **API}),
    ("/api/v1/statistics/", {**STATISTIC_PARAMETERS, **API}),
    ("/api/v1/actors/", {**ACTOR_PARAMETERS, **API}),
    ("/api/v1/organizations/", {**ORGANIZATION_PARAMETERS, **API}),
    ("/api/v1/briefs/", API),
    ("/api/v1/provisions/", API),
]
EXPORTS = {
    "/events/export.": (EVENTS, EVENT_PARAMETERS),
    "/events/figures.": (FIGURES, EVENT_PARAMETERS),
    "/pow-exchanges/export.": (EXCHANGES, EVENT_PARAMETERS),
    "/displacement/export.": (STATISTICS, STATISTIC_PARAMETERS),
    # The charts' data: CSV only, so a JSON request is a 404.
    "/pow-exchanges/chart.": (EXCHANGES, EVENT_PARAMETERS),
    "/displacement/chart-years.": (YEARS_CHART, STATISTIC_PARAMETERS),
    "/displacement/chart-latest.": (LATEST_CHART, STATISTIC_PARAMETERS),
}
DOWNLOAD_FORMATS = ["csv", "json"]
DETAILS = [
    ("/events/{}/", EVENT_IDS + EVENT_SLUGS),
    ("/countries/{}/", COUNTRIES),
    ("/actors/{}/", ACTORS),
    ("/organizations/{}/", ORGANIZATIONS),
    ("/briefs/{}/", BRIEFS),
    ("/ihl/{}/", PROVISIONS),
    ("/feeds/actors/{}/", ACTORS),
    ("/api/v1/events/{}/", EVENT_IDS),
    ("/api/v1/figures/{}/", FIGURE_IDS),
    ("/api/v1/statistics/{}/", STATISTIC_IDS),
    ("/api/v1/actors/{}/", ACTORS),
    ("/api/v1/organizations/{}/", ORGANIZATIONS),
    ("/api/v1/briefs/{}/", BRIEFS),
    ("/api/v1/provisions/{}/", PROVISIONS),
]

# Header values as a server hands them on (latin-1 text without control characters: RFC 9110's
# field-value; a server refuses anything else before Django sees it).
header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"), max_size=40)
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1", "testserver:80", "localhost:8000", "127.0.0.1."]
REFUSED_HOSTS = [
    "evil.example",
    "",
    "testserver.evil.example",
    "127.0.0.1:abc",
    "[::1]",
    "a b",
    "localhost@evil",
    "x" * 300,
]
HEADERS = st.fixed_dictionaries(
    {},
    optional={
        "Accept": st.one_of(
            st.sampled_from(
                [
                    "text/html",
                    "application/json",
                    "application/xml",
                    "application/atom+xml",
                    "text/csv",
                    "*/*",
                    "",
                    "garbage",
                    "text/*;q=0",
                    "application/json;q=0, text/html;q=0",
                    "text/html;q=abc",
                    "application/json; version=2",
                    "application/vnd.oai.openapi+json",
                    "*/*;q=0.1, application/json",
                ]
            ),
            header_text,
        ),
        "Accept-Language": st.one_of(
            st.sampled_from(["en", "uk", "ru", "fr-CA,fr;q=0.9", "*", "", "xx-invalid", "en;q=abc", "uk-" * 200]),
            header_text,
        ),
        "X-Requested-With": st.sampled_from(["fetch", "XMLHttpRequest", "", "FETCH"]),
        "If-None-Match": st.one_of(
            st.sampled_from(["*", '"abc"', 'W/"x"', '""', "garbage", '"a", W/"b"']), header_text
        ),
        "If-Modified-Since": st.one_of(
            st.sampled_from(
                [
                    "Mon, 01 Jan 2024 00:00:00 GMT",
                    "Sun, 06 Nov 1994 08:49:37 GMT",
                    "Thu, 31 Dec 9999 23:59:59 GMT",
                    "garbage",
                    "0",
                    "-1",
                    "",
                ]
            ),
            header_text,
        ),
        "Host": st.sampled_from(ALLOWED_HOSTS + REFUSED_HOSTS),
    },
)


@dataclasses.dataclass(frozen=True)
class Call:
    """One generated request; its repr is what Hypothesis prints for a falsifying example."""

    method: str
    url: str
    headers: dict

    @property
    def host_is_refused(self):
        host = self.headers.get("Host")
        if host is None:
            return False
        domain, _port = split_domain_port(host)
        return not (domain and validate_host(domain, settings.ALLOWED_HOSTS))


@st.composite
def query_strings(draw, parameters):
    """Some of ``parameters``, each once or repeated, with real values only (so that filters select rows
    and downloads answer 200) or with hostile ones too; maybe unknown names and raw pieces."""
    names = draw(st.lists(st.sampled_from(sorted(parameters)), max_size=4, unique=True)) if parameters else []
    hostile = draw(st.booleans())
    pairs = []
    for name in names:
        repeated = st.lists(values(parameters[name], hostile), min_size=1, max_size=3)
        pairs += [(name, value) for value in draw(repeated)]
    pairs += draw(
        st.lists(st.tuples(st.one_of(any_text, st.sampled_from(["utm_source", "_", "page "])), any_text), max_size=2)
    )
    query = urlencode(draw(st.permutations(pairs)))
    if draw(st.integers(0, 4)) == 0:
        query = "&".join(filter(None, [query, draw(st.sampled_from(RAW_QUERY))]))
    return query


def calls(path, query):
    return st.builds(
        lambda method, query, headers: Call(method, f"{path}?{query}" if query else path, headers),
        st.sampled_from(["GET", "GET", "HEAD"]),
        query,
        HEADERS,
    )


@st.composite
def list_calls(draw):
    path, parameters = draw(st.sampled_from(LISTS))
    return draw(calls(path, query_strings(parameters)))


@st.composite
def export_calls(draw):
    """(call, export, format asked for)."""
    prefix = draw(st.sampled_from(sorted(EXPORTS)))
    export, parameters = EXPORTS[prefix]
    odd_format = st.one_of(st.sampled_from(["CSV", "xlsx", "csv.", "json%00"]), any_text)
    fmt = draw(odd_format if draw(st.integers(0, 4)) == 0 else st.sampled_from(DOWNLOAD_FORMATS))
    return draw(calls(prefix + quote(fmt, safe="%"), query_strings(parameters))), export, fmt


segments = st.one_of(st.sampled_from(HOSTILE), any_text, long_text)


@st.composite
def detail_calls(draw):
    pattern, real = draw(st.sampled_from(DETAILS))
    segment = draw(st.one_of(st.sampled_from(real), segments))
    # Mostly escaped as a browser sends it; sometimes raw, so that "../" and "%" reach the resolver.
    segment = draw(st.sampled_from([quote(segment, safe=""), quote(segment, safe="/%.")]))
    path = pattern.format(segment)
    if pattern.startswith("/api/"):
        path = path[:-1] + draw(st.sampled_from(["/", "", ".json", ".api", ".xml"]))
    elif draw(st.integers(0, 5)) == 0:
        path = path[:-1]  # no trailing slash: CommonMiddleware redirects, or 404
    return draw(calls(path, query_strings(PAGE_ONLY)))


class ErrorRecords(logging.Handler):
    """Collects what a logger records at ERROR and above (Django logs every 5xx to django.request)."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.records = []

    def emit(self, record):
        self.records.append(record)


def send(call):
    """(response, body, ERROR records of django.request): one request, in a savepoint rolled back after it."""
    client = Client(raise_request_exception=False)
    errors = ErrorRecords()
    logger = logging.getLogger("django.request")
    logger.addHandler(errors)
    try:
        with transaction.atomic():
            response = client.generic(call.method, call.url, headers=call.headers)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            transaction.set_rollback(True)
    finally:
        logger.removeHandler(errors)
    return response, body, errors.records


def what_failed(response, errors):
    lines = [f"status {response.status_code}"]
    if getattr(response, "exc_info", None):
        lines += traceback.format_exception(*response.exc_info)[-4:]
    lines += [record.getMessage() for record in errors]
    return "\n".join(lines)


def answered_calmly(call):
    response, body, errors = send(call)
    status = response.status_code
    assert status < 500 and not errors, what_failed(response, errors)
    assert status < 400 or status in EXPECTED_CLIENT_ERRORS, what_failed(response, errors)
    if call.host_is_refused:
        assert status == 400, f"Host {call.headers['Host']!r} is refused, yet the answer is {status}"
    if status == 200 and call.method == "GET" and response["Content-Type"].startswith("application/json"):
        json.loads(body)
    return response, body


def assert_complete(export, fmt, response, body):
    """The whole file: the CSV's header and HXL rows, then rows of the header's width; a JSON array."""
    names = [column.name for column in export.columns]
    text = body.decode("utf-8")
    if fmt == "csv":
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
        assert rows[:2] == [names, [column.hxl for column in export.columns]]
        assert all(len(row) == len(names) for row in rows), "a row is not as wide as the header"
        assert text.endswith("\n")
    else:
        assert response["Content-Type"].startswith("application/json")
        records = json.loads(text)
        assert isinstance(records, list)
        assert all(list(record) == names for record in records)


@fuzz(max_examples=250)
@given(call=list_calls())
def test_lists_feeds_and_api_lists_answer_hostile_queries_and_headers_calmly(shared_demo_content, call):
    answered_calmly(call)


@fuzz(max_examples=200)
@given(download=export_calls())
def test_downloads_are_refused_or_complete(shared_demo_content, download):
    call, export, fmt = download
    response, body = answered_calmly(call)
    if response.status_code == 200 and call.method == "GET":
        assert fmt in DOWNLOAD_FORMATS
        assert_complete(export, fmt, response, body)


@fuzz(max_examples=150)
@given(call=detail_calls())
def test_detail_pages_answer_any_path_segment_calmly(shared_demo_content, call):
    answered_calmly(call)
