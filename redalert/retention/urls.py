from django.urls import path

from redalert.retention import views

app_name = "retention"
urlpatterns = [
    path("retention/", views.policy, name="policy"),
    path("retention/requests/", views.requests_list, name="requests"),
    path("retention/requests/<int:pk>/approve/", views.approve, name="approve"),
    path("cases/<int:pk>/erasure/", views.case_erasure, name="case"),
]
