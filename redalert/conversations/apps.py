from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    name = "redalert.conversations"
    label = "conversations"
    verbose_name = _("Conversations: SMS, WhatsApp and e-mail")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Media of inbound messages is fetched from the provider by the outbox's workers (retries with back-off).
        from redalert.conversations import media

        media.register()
        # Erasing a case, and the retention period for conversations linked to no case, reach the inbox.
        from redalert.conversations import erasure

        erasure.register()
