from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "redalert.identity"
    label = "identity"
    verbose_name = _("Sign-in through the organisation's identity provider")
