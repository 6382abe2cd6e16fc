from django.urls import path

from redalert.opendata import views

app_name = "opendata"
urlpatterns = [
    path("", views.index, name="index"),
    path("htcds/", views.htcds_download, name="htcds_download"),
    path("open-data/", views.open_data, name="open_data"),
    path("open-data.csv", views.open_data_download, name="open_data_download"),
]
