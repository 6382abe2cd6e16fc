from django.urls import path

from redalert.alerts import views

app_name = "alerts"
urlpatterns = [
    path("cases/<int:pk>/alerts/", views.case_alerts, name="case"),
    path("cases/<int:pk>/alerts/issue/", views.issue, name="issue"),
    path("alerta/acuse/<str:token>/", views.ack, name="ack"),
    path("alerts/authorities/", views.directory, name="directory"),
    path("alerts/authorities/new/", views.authority_edit, name="authority_new"),
    path("alerts/authorities/<int:authority_id>/", views.authority_edit, name="authority"),
    path("alerts/authorities/<int:authority_id>/contacts/new/", views.contact_edit, name="contact_new"),
    path("alerts/authorities/<int:authority_id>/contacts/<int:contact_id>/", views.contact_edit, name="contact"),
    path("alerts/due-diligence/", views.due_diligence, name="diligence"),
]
