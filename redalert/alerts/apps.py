from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "redalert.alerts"
    label = "alerts"
    verbose_name = _("Red Alert")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # In ready(), not at the top: the gates module imports models, which need the app registry loaded first.
        from redalert.alerts.permissions import register_gates

        register_gates()
