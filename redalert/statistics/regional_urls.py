from django.urls import path

from redalert.statistics import regional_views

app_name = "regional"
urlpatterns = [
    path("", regional_views.index, name="index"),
    path("<int:year>/", regional_views.report, name="report"),
    path("<int:year>/regional.<slug:fmt>", regional_views.download, name="download"),
]
