from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineConfig(AppConfig):
    name = "redalert.hotline"
    verbose_name = _("Hotline")

    def ready(self) -> None:
        # Erasing a case, and the retention period for contacts linked to no case, reach the hotline's contacts.
        from redalert.hotline import erasure

        erasure.register()
