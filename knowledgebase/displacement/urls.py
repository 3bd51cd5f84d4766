from django.urls import path

from knowledgebase.displacement import views

app_name = "displacement"
urlpatterns = [
    path("", views.explorer, name="explorer"),
    path("export.<str:fmt>", views.statistic_export, name="export"),
    path("chart-<slug:chart>.csv", views.chart_export, name="chart-export"),
]
