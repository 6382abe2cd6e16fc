from django.urls import path

from redalert.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.job_page, name="job"),
    path("<int:pk>/progress/", views.job_progress, name="progress"),
    path("<int:pk>/rejected/", views.job_rejects, name="rejects"),
    path("<int:pk>/report.csv", views.job_report, name="report"),
    path("<int:pk>/delete/", views.job_delete, name="delete"),
    path("sample.<str:file_format>", views.sample, name="sample"),
]
