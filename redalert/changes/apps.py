from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class ChangesConfig(AppConfig):
    name = "redalert.changes"
    label = "changes"
    verbose_name = _("Case changes and their followers")

    def ready(self) -> None:
        # Each app registers what follows a change to a case in its own `followers` module.
        autodiscover_modules("followers")
