from django.urls import path

from redalert.shelters import views

app_name = "shelters"
urlpatterns = [
    path("cases/<int:pk>/shelters/", views.case_page, name="case"),
    path("cases/<int:pk>/shelters/check-in/", views.check_in, name="check_in"),
    path("shelters/", views.facilities, name="list"),
    path("shelters/new/", views.facility_edit, name="facility_add"),
    path("shelters/<int:facility_id>/", views.facility, name="facility"),
    path("shelters/<int:facility_id>/edit/", views.facility_edit, name="facility_edit"),
    path("shelters/stays/<int:stay_id>/check-out/", views.check_out, name="check_out"),
]
