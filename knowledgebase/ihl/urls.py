from django.urls import path

from knowledgebase.ihl import views

app_name = "ihl"
urlpatterns = [
    path("", views.provision_list, name="list"),
    path("<slug:slug>/", views.provision_detail, name="detail"),
]
