"""The public PFIF 1.4 export (Spanish paths, as the rest of the public site). Every view here is @public."""

from django.urls import path

from redalert.pfif import views

app_name = "pfif"
urlpatterns = [
    path("pfif/personas.xml", views.pfif_xml, name="xml"),
    path("pfif/personas.atom", views.pfif_atom, name="atom"),
]
