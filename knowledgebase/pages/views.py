"""The home page and the site search."""

from django.http import HttpResponse, JsonResponse
from django.template.response import TemplateResponse

from knowledgebase.briefs.models import Brief
from knowledgebase.displacement.models import DisplacementStatistic
from knowledgebase.events.models import Event, MeasureKind
from knowledgebase.events.selectors import exchange_queryset, exchange_rows
from knowledgebase.pages.data import CATALOGUE, CONVENTIONS
from knowledgebase.pages.search import site_search
from knowledgebase.serving.caching import cached_page
from knowledgebase.serving.ratelimits import SEARCH, limited_as

LATEST_EVENTS = 6
SEARCH_RESULTS = 50


@cached_page()
def home(request):
    latest_exchange = exchange_rows(exchange_queryset(Event.objects.published()).reverse()[:1])
    context = {
        "latest_events": Event.objects.published().for_list().order_by("-start_date", "-id")[:LATEST_EVENTS],
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
    results = site_search(query)[:SEARCH_RESULTS]
    context = {"query": query.strip()[:200], "results": results, "too_long": len(query) > 200}
    return TemplateResponse(request, "pages/search.html", context)


@cached_page()
def data_dictionary(request):
    """Every download and every column: name, HXL hashtag and meaning."""
    context = {"catalogue": CATALOGUE, "conventions": CONVENTIONS}
    return TemplateResponse(request, "pages/data.html", context)


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
