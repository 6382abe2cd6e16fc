from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    """The permission layer: its one model is the shared access another organisation holds (CaseGrant); as an app
    it also loads every app's navigation entries once at start-up."""

    name = "redalert.access"
    label = "access"
    verbose_name = _("Permissions")

    def ready(self) -> None:
        # Each app's navigation.py registers its menu flags in redalert.lib.navigation (see that module).
        autodiscover_modules("navigation")
