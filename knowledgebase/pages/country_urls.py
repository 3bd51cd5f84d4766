"""Country profiles (namespace ``countries``), served by ``pages.countries``. A code is two ASCII letters
(ISO 3166-1 alpha-2); in lowercase it redirects to the capitals, anything else is not found."""

from django.urls import path, re_path

from knowledgebase.pages import countries

app_name = "countries"
urlpatterns = [
    path("countries/", countries.country_list, name="list"),
    re_path(r"^countries/(?P<code>[A-Za-z]{2})/$", countries.country_detail, name="detail"),
]
