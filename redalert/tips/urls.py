from django.urls import path

from redalert.tips import views

app_name = "tips"
urlpatterns = [
    path("se-busca/<slug:public_id>/pista/", views.send_tip, name="send"),
    path("se-busca/<slug:public_id>/pista/gracias/", views.thanks, name="thanks"),
    # Under the tip form's path: "se-busca/lugares/" would be taken by the public case page (se-busca/<id>/).
    path("se-busca/<slug:public_id>/pista/lugares/", views.places, name="places"),
    path("tips/", views.queue, name="queue"),
    path("cases/<int:pk>/tips/", views.case_tips, name="case"),
    path("cases/<int:pk>/tips/<int:tip_id>/triage/", views.triage_tip, name="triage"),
    path("cases/<int:pk>/tips/<int:tip_id>/photo/", views.tip_photo, name="photo"),
]
