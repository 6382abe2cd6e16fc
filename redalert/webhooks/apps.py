from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "redalert.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks on case events")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The check every queued webhook passes at the moment it leaves (paused, removed, no longer public).
        from redalert.outbox import gates
        from redalert.webhooks.delivery import GATE, check_at_send_time

        gates.register(GATE, check_at_send_time)
