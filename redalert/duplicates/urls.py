from django.urls import path

from redalert.duplicates import views

app_name = "duplicates"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.pair_page, name="pair"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("merges/<int:pk>/", views.merge_page, name="merge"),
    path("merges/<int:pk>/undo/", views.undo_merge, name="undo"),
]
