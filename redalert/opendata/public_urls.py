from django.urls import path  # noqa: F401

app_name = "public_statistics"
urlpatterns: list = []
