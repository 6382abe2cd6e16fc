from django.urls import path

from redalert.transfers import views

app_name = "transfers"
urlpatterns = [
    path("", views.index, name="index"),
    path("case/<int:pk>/offer/", views.new_offer, name="new"),
    path("<int:pk>/", views.offer_page, name="offer"),
    path("<int:pk>/<slug:answer>/", views.decide, name="decide"),
]
