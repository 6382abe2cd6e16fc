from django.urls import path

from redalert.matching import views

app_name = "matching"
urlpatterns = [
    path("intake-check/", views.intake_check, name="intake_check"),
    path("<int:pk>/add-report/", views.add_report, name="add_report"),
]
