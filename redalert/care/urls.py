from django.urls import path

from redalert.care import views

app_name = "care"
urlpatterns = [
    path("cases/<int:pk>/care/", views.case_page, name="case"),
    path("cases/<int:pk>/care/services/", views.service_add, name="service_add"),
    path("cases/<int:pk>/care/expenses/", views.expense_add, name="expense_add"),
    path("cases/<int:pk>/care/plan/", views.objective_add, name="objective_add"),
    path("cases/<int:pk>/care/plan/<int:objective_id>/", views.objective_edit, name="objective_edit"),
    path("cases/<int:pk>/care/plan/<int:objective_id>/actions/", views.action_add, name="action_add"),
    path("cases/<int:pk>/care/referrals/", views.referral_add, name="referral_add"),
    path("cases/<int:pk>/care/referrals/<int:referral_id>/status/", views.referral_status, name="referral_status"),
    path("consultations/", views.consultations, name="consultations"),
    path("consultations/summary/", views.consultation_summary, name="consultation_summary"),
    path("consultations/<int:consultation_id>/", views.consultation, name="consultation"),
]
