"""Public site URLs (Spanish paths: the public is in Latin America). Every view here is marked @public."""

from django.urls import path

from redalert.public import bulletin, cap, feeds, views

app_name = "public"
urlpatterns = [
    path("", views.missing_list, name="missing"),
    path("localizadas/", views.located_list, name="located"),
    path("acerca/", views.about, name="about"),
    path("idioma/", views.language, name="language"),  # the public pages' language form, without a CSRF token
    path("favicon.ico", views.favicon, name="favicon"),
    path("se-busca/<slug:public_id>/", views.case_page, name="case"),
    path("se-busca/<slug:public_id>/foto-<int:size>.jpg", views.photo, name="photo"),
    path("se-busca/<slug:public_id>/compartir.png", views.share_image, name="share_image"),
    path("se-busca/<slug:public_id>/ficha.pdf", bulletin.bulletin_pdf, name="bulletin"),
    path("se-busca/<slug:public_id>/cap.xml", cap.cap_message, name="cap"),
    path("feeds/se-busca.atom", feeds.MissingFeed(), name="feed"),
]
