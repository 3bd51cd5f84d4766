from django.urls import path

from knowledgebase.events import views

app_name = "events"
urlpatterns = [
    path("events/", views.event_list, name="list"),
    path("events/export.<str:fmt>", views.event_export, name="export"),
    path("events/figures.<str:fmt>", views.figure_export, name="figure-export"),
    path("pow-exchanges/export.<str:fmt>", views.exchange_export, name="exchange-export"),
    path("events/<slug:key>/", views.event_detail, name="detail"),
    path("pow-exchanges/", views.pow_exchanges, name="pow-exchanges"),
]
