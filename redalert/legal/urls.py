from django.urls import path

from redalert.legal import views

app_name = "legal"
urlpatterns = [
    path("cases/<int:pk>/legal/", views.case_page, name="case"),
    path("cases/<int:pk>/legal/proceedings/", views.proceeding_add, name="proceeding_add"),
    path("cases/<int:pk>/legal/proceedings/<int:proceeding_id>/", views.proceeding_detail, name="proceeding"),
    path("cases/<int:pk>/legal/proceedings/<int:proceeding_id>/status/", views.status_change, name="status"),
    path("cases/<int:pk>/legal/proceedings/<int:proceeding_id>/<slug:kind>/", views.record_add, name="record_add"),
    path(
        "cases/<int:pk>/legal/proceedings/<int:proceeding_id>/<slug:kind>/<int:obj_id>/",
        views.record_edit,
        name="record_edit",
    ),
    path("cases/<int:pk>/legal/estimates/", views.estimate_add, name="estimate_add"),
    path("legal/mine/", views.mine, name="mine"),
    path("reparation-rates/", views.rates, name="rates"),
    path("reparation-rates/new/", views.rate_edit, name="rate_add"),
    path("reparation-rates/<int:rate_id>/", views.rate_edit, name="rate_edit"),
]
