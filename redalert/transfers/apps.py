from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransfersConfig(AppConfig):
    name = "redalert.transfers"
    verbose_name = _("Transfers and referrals between organisations")
