"""Staff pages of the public site: publishing a case, the organisation's public texts."""

from django.urls import path

from redalert.public import staff_views

app_name = "publishing"
urlpatterns = [
    path("cases/<int:pk>/publication/", staff_views.publication, name="case"),
    path("public-texts/", staff_views.public_texts, name="texts"),
]
