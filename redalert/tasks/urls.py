from django.urls import path

from redalert.tasks import views

app_name = "tasks"
urlpatterns = [
    path("mine/", views.my_tasks, name="mine"),
]
