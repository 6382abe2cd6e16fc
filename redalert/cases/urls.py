from django.urls import path

from redalert.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.intake, name="intake"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/edit/", views.case_edit, name="edit"),
    path("<int:pk>/status/", views.case_transition, name="transition"),
    path("<int:pk>/notes/", views.note_add, name="note_add"),
    path("<int:pk>/section/<slug:section>/", views.case_section, name="section"),
    path("<int:pk>/photos/", views.photo_upload, name="photo_upload"),
    path("<int:pk>/photos/<int:photo_id>/", views.photo_file, name="photo_file"),
    path("<int:pk>/contacts/new/", views.contact_add, name="contact_add"),
    path("<int:pk>/team/", views.case_team, name="team"),
    path("<int:pk>/audit/", views.case_audit, name="audit"),
]
