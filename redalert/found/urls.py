from django.urls import path

from redalert.found import views

app_name = "found"
urlpatterns = [
    path("", views.register, name="list"),
    path("new/", views.add, name="add"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/photos/", views.photo_upload, name="photo_upload"),
    path("<int:pk>/photos/<int:photo_id>/", views.photo_file, name="photo"),
    path("<int:pk>/pairs/<int:candidate_id>/", views.candidate, name="candidate"),
    path("<int:pk>/pairs/<int:candidate_id>/decide/", views.decide, name="decide"),
    path("cases/<int:case_id>/", views.case_pairs, name="case"),
]
