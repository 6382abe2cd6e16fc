from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "redalert.outbox"
    verbose_name = _("Outgoing messages")

    def ready(self) -> None:
        # Each channel package registers its send function with redalert.outbox.channels when imported. Imported
        # here rather than at the top: apps.py is loaded before the app registry is ready, and the channels use models.
        # Apps below the outbox (accounts' security notices) queue e-mail through redalert.lib.mail.
        from redalert.lib.mail import register_sender
        from redalert.outbox.channels import email, messaging, webhook  # noqa: F401
        from redalert.outbox.enqueue import enqueue_email

        register_sender(enqueue_email)
