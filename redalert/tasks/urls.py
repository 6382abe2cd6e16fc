from django.urls import path

from redalert.tasks import views

app_name = "tasks"
urlpatterns = [
    path("mine/", views.my_tasks, name="mine"),
    path("case/<int:pk>/", views.case_tasks, name="case"),
    path("case/<int:pk>/<int:task_id>/done/", views.complete, name="complete"),
]
