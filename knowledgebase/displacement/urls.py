from django.urls import path

from knowledgebase.displacement import views

app_name = "displacement"
urlpatterns = [
    path("", views.explorer, name="explorer"),
    path("export.<str:fmt>", views.statistic_export, name="export"),
]
