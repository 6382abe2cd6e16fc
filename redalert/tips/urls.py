from django.urls import path

from redalert.tips import views

app_name = "tips"
urlpatterns = [
    path("se-busca/<slug:public_id>/pista/", views.send_tip, name="send"),
    path("se-busca/<slug:public_id>/pista/gracias/", views.thanks, name="thanks"),
    path("tips/", views.queue, name="queue"),
    path("cases/<int:pk>/tips/", views.case_tips, name="case"),
]
