from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SheltersConfig(AppConfig):
    name = "redalert.shelters"
    verbose_name = _("Shelters and transitional homes")
