from django.urls import path

from redalert.api import views

app_name = "api_clients"

urlpatterns = [
    path("", views.client_list, name="list"),
    path("new/", views.client_add, name="add"),
    path("<int:pk>/revoke/", views.client_revoke, name="revoke"),
]
