"""The public statistics pages (Spanish paths, as the rest of the public site). Every view here is @public."""

from django.urls import path

from redalert.opendata import public_views

app_name = "public_statistics"
urlpatterns = [
    path("estadisticas/", public_views.index, name="index"),
    path("estadisticas/<slug:code>/", public_views.organisation_statistics, name="organisation"),
]
