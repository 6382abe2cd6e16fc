from django.urls import path

from redalert.identity import views

app_name = "identity"
urlpatterns = [
    path("", views.choose, name="choose"),
    path("<int:pk>/start/", views.start, name="start"),
    path("callback/", views.callback, name="callback"),
    path("provider/", views.settings_page, name="settings"),
]
