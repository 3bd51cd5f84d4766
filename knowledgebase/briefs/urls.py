from django.urls import path

from knowledgebase.briefs import views

app_name = "briefs"
urlpatterns = [
    path("", views.brief_list, name="list"),
    path("<slug:slug>/", views.brief_detail, name="detail"),
]
