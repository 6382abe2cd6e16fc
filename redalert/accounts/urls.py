from django.urls import path

from redalert.accounts import member_views, own_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("home/", views.home, name="home"),
    path("verify/", views.verify, name="verify"),
    path("two-factor/setup/", views.enrol, name="enrol"),
    path("logout/", views.logout_view, name="logout"),
    path("members/", member_views.member_list, name="members"),
    path("members/new/", member_views.member_add, name="member_add"),
    path("members/<int:pk>/", member_views.member_detail, name="member"),
    path("account/", own_views.account, name="password"),
    path("requests/", own_views.request_list, name="requests"),
    path("requests/<int:pk>/", own_views.request_decide, name="request_decide"),
]
