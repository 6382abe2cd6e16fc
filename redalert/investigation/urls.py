from django.urls import path

from redalert.investigation import views

app_name = "investigation"
urlpatterns = [
    path("<int:pk>/investigation/", views.overview, name="overview"),
    path("<int:pk>/investigation/sources/", views.source_add, name="source_add"),
    path("<int:pk>/investigation/findings/", views.finding_add, name="finding_add"),
    path("<int:pk>/investigation/evidence/", views.evidence_add, name="evidence_add"),
    path("<int:pk>/investigation/evidence/<int:item_id>/", views.evidence_detail, name="evidence"),
    path("<int:pk>/investigation/evidence/<int:item_id>/file/", views.evidence_file, name="evidence_file"),
    path("<int:pk>/investigation/evidence/<int:item_id>/custody/", views.custody_add, name="custody_add"),
    path("<int:pk>/investigation/people/", views.person_add, name="person_add"),
    path("<int:pk>/investigation/route/", views.event_add, name="event_add"),
    path("<int:pk>/investigation/facts/", views.facts_edit, name="facts"),
    path("<int:pk>/outcome/", views.outcome, name="outcome"),
]
