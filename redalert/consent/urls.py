from django.urls import path

from redalert.consent import views

app_name = "consent"
urlpatterns = [
    path("<int:pk>/consent/", views.consent_page, name="page"),
    path("<int:pk>/consent/<int:record_id>/scan/", views.consent_scan, name="scan"),
]
