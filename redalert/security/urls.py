from django.urls import path

from redalert.security import views

app_name = "security"

urlpatterns = [
    path("events/", views.events, name="events"),
    path("unlock/", views.unlock_request, name="unlock_request"),
    path("unlock/<str:token>/", views.unlock, name="unlock"),
]
