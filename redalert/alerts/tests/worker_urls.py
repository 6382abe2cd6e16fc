"""The project's URLs, plus the alerts app's if the project does not include them yet."""

from django.urls import include, path

from redalert.urls import urlpatterns as project_urlpatterns

urlpatterns = list(project_urlpatterns)
if not any(getattr(p, "namespace", None) == "alerts" for p in urlpatterns):
    urlpatterns.append(path("", include("redalert.alerts.urls")))
