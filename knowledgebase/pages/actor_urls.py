"""Actors and organisations (namespace ``actors``): the lists are the actors app's, the profiles join the
apps above it (``pages.profiles``)."""

from django.urls import path

from knowledgebase.actors import views as lists
from knowledgebase.pages import profiles

app_name = "actors"
urlpatterns = [
    path("actors/", lists.actor_list, name="actor-list"),
    path("actors/<slug:slug>/", profiles.actor_detail, name="actor-detail"),
    path("organizations/", lists.organization_list, name="organization-list"),
    path("organizations/<slug:slug>/", profiles.organization_detail, name="organization-detail"),
]
