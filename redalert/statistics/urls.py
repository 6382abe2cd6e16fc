from django.urls import path

from redalert.statistics import views

app_name = "statistics"
urlpatterns = [
    path("", views.index, name="index"),
    path("organisation/<slug:code>/<int:year>/", views.report, name="report"),
    path("organisation/<slug:code>/<int:year>/report.<slug:fmt>", views.download, name="download"),
    path(
        "organisation/<slug:code>/<int:year>/cases/<slug:table>/<slug:row>/<slug:column>/",
        views.case_list,
        name="cases",
    ),
    path("coalition/<int:year>/", views.report, name="coalition_report"),
    path("coalition/<int:year>/report.<slug:fmt>", views.download, name="coalition_download"),
]
