from django.urls import path

from redalert.legal import views

app_name = "legal"
urlpatterns = [
    path("cases/<int:pk>/legal/", views.case_page, name="case"),
]
