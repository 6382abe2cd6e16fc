from django.urls import path

from redalert.care import views

app_name = "care"
urlpatterns = [
    path("cases/<int:pk>/care/", views.case_page, name="case"),
]
