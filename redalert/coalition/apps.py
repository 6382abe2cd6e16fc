from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoalitionConfig(AppConfig):
    name = "redalert.coalition"
    verbose_name = _("Coalition matching")
