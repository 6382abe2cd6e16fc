from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackupsConfig(AppConfig):
    """Encrypted backups and their restore (`manage.py backup`, `manage.py restore`). No models."""

    name = "redalert.backups"
    verbose_name = _("Backups")
