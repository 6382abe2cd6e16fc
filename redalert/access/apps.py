from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    """The permission layer has no models; as an app it loads every app's navigation entries once at start-up."""

    name = "redalert.access"
    label = "access"
    verbose_name = _("Permissions")

    def ready(self) -> None:
        # Each app's navigation.py registers its menu flags in redalert.lib.navigation (see that module).
        autodiscover_modules("navigation")
