from django.urls import path

from redalert.shelters import views

app_name = "shelters"
urlpatterns = [
    path("cases/<int:pk>/shelters/", views.case_page, name="case"),
]
