from django.urls import path

from redalert.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("verify/", views.verify, name="verify"),
    path("two-factor/setup/", views.enrol, name="enrol"),
    path("logout/", views.logout_view, name="logout"),
]
