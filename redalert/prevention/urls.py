from django.urls import path

from redalert.prevention import views

app_name = "prevention"
urlpatterns = [
    path("", views.activity_list, name="list"),
    path("new/", views.activity_add, name="add"),
    path("<int:pk>/", views.activity_edit, name="edit"),
    path("<int:pk>/delete/", views.activity_delete, name="delete"),
    path("summary/", views.summary, name="summary"),
    path("export.csv", views.export, name="export"),
]
