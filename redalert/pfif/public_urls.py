"""PFIF 1.4 URLs: the public export (Spanish paths, as the rest of the public site; those views are @public) and
the coordinators' review area of imported records (staff pages)."""

from django.urls import path

from redalert.pfif import views

app_name = "pfif"
urlpatterns = [
    path("pfif/personas.xml", views.pfif_xml, name="xml"),
    path("pfif/personas.atom", views.pfif_atom, name="atom"),
    path("pfif/revision/", views.review_list, name="review"),
    path("pfif/revision/<int:pk>/", views.review_detail, name="detail"),
    path("pfif/revision/<int:pk>/abrir-caso/", views.open_case, name="open_case"),
    path("pfif/revision/<int:pk>/descartar/", views.dismiss, name="dismiss"),
]
