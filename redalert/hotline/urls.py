from django.urls import path

from redalert.hotline import stats_views, views

app_name = "hotline"
urlpatterns = [
    path("", views.desk, name="desk"),
    path("<int:pk>/", views.contact_screen, name="contact"),
    path("<int:pk>/<slug:step>/", views.contact_step, name="step"),
    path("<int:pk>/report/new/", views.contact_report, name="report"),
    path("<int:pk>/report/further/", views.contact_further, name="further"),
    path("<int:pk>/tip/new/", views.contact_tip, name="tip"),
    path("script/", views.script, name="script"),
    path("statistics/", stats_views.statistics, name="statistics"),
]
