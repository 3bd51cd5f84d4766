from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("knowledgebase.events.urls")),
    path("briefs/", include("knowledgebase.briefs.urls")),
    path("", include("knowledgebase.actors.urls")),
    path("ihl/", include("knowledgebase.ihl.urls")),
    path("displacement/", include("knowledgebase.displacement.urls")),
    path("", include("knowledgebase.pages.urls")),
]
