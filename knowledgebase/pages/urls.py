from django.urls import path

from knowledgebase.pages import views

app_name = "pages"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("data/", views.data_dictionary, name="data"),
    path("about/", views.about, name="about"),
    path("about/methodology/", views.methodology, name="methodology"),
]
