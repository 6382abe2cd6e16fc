from django.urls import path

from redalert.coalition import views

app_name = "coalition"
urlpatterns = [
    path("", views.match_list, name="list"),
    path("<int:pk>/", views.match_page, name="match"),
    path("<int:pk>/accept/", views.accept_view, name="accept"),
    path("<int:pk>/decline/", views.decline_view, name="decline"),
]
