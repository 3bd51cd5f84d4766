from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from two_factor.urls import urlpatterns as two_factor_urls

from knowledgebase.briefs.feeds import BriefFeed
from knowledgebase.opendata.bulk_files import data_file
from knowledgebase.pages.feeds import ActorEventFeed, EventFeed
from knowledgebase.pages.operations import health, security_txt
from knowledgebase.pages.sitemaps import SITEMAPS, sitemap_section
from knowledgebase.pages.views import robots_txt
from knowledgebase.serving.caching import cached_page

# Not translated: the admin's address, the API (``?lang=``), the sitemap (which lists both languages),
# and the machine-read files (a bulk download's name says its language).
urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("knowledgebase.api_urls")),
    path(
        "sitemap.xml", cached_page()(sitemap_views.index), {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"}
    ),
    path("sitemap-<section>.xml", cached_page("p")(sitemap_section), {"sitemaps": SITEMAPS}, name="sitemap-section"),
    path("robots.txt", robots_txt, name="robots"),
    path(".well-known/security.txt", security_txt, name="security-txt"),
    path("health/", health, name="health"),
    path("data/files/<str:name>", data_file, name="data-file"),
    path("", include(two_factor_urls)),
]

# Every public page, in English at its address and in Ukrainian under /uk/.
urlpatterns += i18n_patterns(
    path("", include("knowledgebase.pages.event_urls")),
    path("briefs/", include("knowledgebase.briefs.urls")),
    path("", include("knowledgebase.pages.actor_urls")),
    path("", include("knowledgebase.pages.country_urls")),
    path("ihl/", include("knowledgebase.ihl.urls")),
    path("displacement/", include("knowledgebase.displacement.urls")),
    path("feeds/events/", EventFeed(), name="feed-events"),
    path("feeds/briefs/", BriefFeed(), name="feed-briefs"),
    path("feeds/actors/<slug:slug>/", ActorEventFeed(), name="feed-actor"),
    path("", include("knowledgebase.pages.urls")),
    prefix_default_language=False,
)

handler400 = "knowledgebase.core.views.bad_request"
handler404 = "knowledgebase.pages.views.not_found"
handler500 = "knowledgebase.serving.outage.server_error"
