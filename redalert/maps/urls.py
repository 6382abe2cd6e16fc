from django.urls import path

from redalert.maps import views

app_name = "maps"
urlpatterns = [
    path("", views.index, name="index"),
    path("layers/subdivisions.geojson", views.subdivisions, name="subdivisions"),
    path("layers/hexagons.geojson", views.hexagons, name="hexagons"),
    path("layers/routes.geojson", views.routes, name="routes"),
]
