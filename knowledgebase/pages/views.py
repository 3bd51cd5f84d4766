"""The home page, the site search, the data dictionary, and the about and methodology pages."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.response import TemplateResponse

from knowledgebase.briefs.models import Brief
from knowledgebase.displacement.models import Cause, DisplacementStatistic, Measurement, PopulationType
from knowledgebase.events.models import Event, Measure, MeasureKind
from knowledgebase.events.selectors import exchange_queryset, exchange_rows
from knowledgebase.ihl.models import AllegationStatus
from knowledgebase.pages.data import CATALOGUE, CHART_DOWNLOADS, CONVENTIONS, bulk_listing
from knowledgebase.pages.search import site_search
from knowledgebase.serving.caching import cached_page
from knowledgebase.serving.ratelimits import SEARCH, limited_as
from knowledgebase.sources.claims import ABOUT_TOLERANCE
from knowledgebase.sources.models import Reliability

LATEST_EVENTS = 6
PINNED_EVENTS = 3
SEARCH_RESULTS = 50


def featured_and_latest_events():
    """The events a reviewer pinned (newest first, at most PINNED_EVENTS) and the latest events, as list rows
    (``for_list``: their type; their countries from their own codes): two queries whatever the number of events."""
    events = Event.objects.published().for_list().order_by("-start_date", "-id")
    return list(events.filter(is_pinned=True)[:PINNED_EVENTS]), list(events[:LATEST_EVENTS])


@cached_page()
def home(request):
    latest_exchange = exchange_rows(exchange_queryset(Event.objects.published()).reverse()[:1])
    pinned_events, latest_events = featured_and_latest_events()
    context = {
        "pinned_events": pinned_events,
        "latest_events": latest_events,
        "featured_briefs": Brief.objects.published()
        .filter(is_featured=True)
        .select_related("organization")
        .order_by("-published_date")[:3],
        "headline_statistics": DisplacementStatistic.objects.published().with_attribution().order_by("-value")[:2],
        "latest_exchange": latest_exchange[0] if latest_exchange else None,
        "returned_kind": MeasureKind.RETURNED,
    }
    return TemplateResponse(request, "pages/home.html", context)


@cached_page("q")
@limited_as(SEARCH)
def search(request):
    query = request.GET.get("q", "")
    found = site_search(query)
    context = {
        "query": query.strip()[:200],
        "results": found.results[:SEARCH_RESULTS],
        "events_ranked_among": found.events_ranked_among,
        "too_long": len(query) > 200,
    }
    return TemplateResponse(request, "pages/search.html", context)


@cached_page()
def data_dictionary(request):
    """Every download and every column: name, HXL hashtag and meaning; and the bulk files of the whole
    dataset, with their build time and rows (from their manifest: no query)."""
    context = {
        "catalogue": CATALOGUE,
        "chart_downloads": CHART_DOWNLOADS,
        "conventions": CONVENTIONS,
        "bulk": bulk_listing(),
    }
    return TemplateResponse(request, "pages/data.html", context)


@cached_page()
def about(request):
    """Who runs the site, how to reach them, and how a record is corrected."""
    return TemplateResponse(request, "pages/about.html", {"contact_email": settings.CONTACT_EMAIL})


@cached_page()
def methodology(request):
    """How figures, disputes, best estimates, reliability grades, IHL links, corrections and charts work, with
    a glossary of population types and measures (the measures recorded for events, in one query)."""
    context = {
        "about_tolerance": int(ABOUT_TOLERANCE * 100),
        "about_example": [int(110 * (1 - ABOUT_TOLERANCE)), int(110 * (1 + ABOUT_TOLERANCE))],
        "grades": [(value, label) for value, label in Reliability.choices if value],
        "population_types": PopulationType.choices,
        "measurements": Measurement.choices,
        "causes": Cause.choices,
        "allegation_statuses": AllegationStatus.choices,
        "event_measures": Measure.objects.order_by("position", "name"),
    }
    return TemplateResponse(request, "pages/methodology.html", context)


@cached_page()
def robots_txt(request):
    sitemap = request.build_absolute_uri("/sitemap.xml")
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /search/", f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def not_found(request, exception=None):
    """404: JSON under /api/ (what API clients parse), the site's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return TemplateResponse(request, "404.html", status=404)
