from django.urls import path

from redalert.investigation import views

app_name = "investigation"
urlpatterns = [
    path("<int:pk>/investigation/", views.overview, name="overview"),
]
