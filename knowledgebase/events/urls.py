from django.urls import path

from knowledgebase.events import views

app_name = "events"
urlpatterns = [
    path("events/", views.event_list, name="list"),
    path("events/<slug:key>/", views.event_detail, name="detail"),
    path("pow-exchanges/", views.pow_exchanges, name="pow-exchanges"),
]
