"""The events' public pages and downloads (namespace ``events``), served by ``pages.events``."""

from django.urls import path

from knowledgebase.pages import events

app_name = "events"
urlpatterns = [
    path("events/", events.event_list, name="list"),
    path("events/export.<str:fmt>", events.event_export, name="export"),
    path("events/figures.<str:fmt>", events.figure_export, name="figure-export"),
    path("pow-exchanges/export.<str:fmt>", events.exchange_export, name="exchange-export"),
    path("pow-exchanges/chart.csv", events.exchange_chart_export, name="exchange-chart-export"),
    path("events/<slug:key>/", events.event_detail, name="detail"),
    path("pow-exchanges/", events.pow_exchanges, name="pow-exchanges"),
]
