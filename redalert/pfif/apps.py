from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PfifConfig(AppConfig):
    name = "redalert.pfif"
    verbose_name = _("PFIF interchange")
