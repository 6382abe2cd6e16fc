from django.urls import path

from redalert.places import views

app_name = "places"
urlpatterns = [
    path("search/", views.search, name="search"),
]
