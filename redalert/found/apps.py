from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FoundConfig(AppConfig):
    name = "redalert.found"
    verbose_name = _("Register of people found")
