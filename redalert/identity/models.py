"""An organisation's OpenID Connect identity provider (issue 16 part 6; docs/sign-in.md).

One provider per organisation, optional. The client secret is encrypted at rest with the project's field
encryption (redalert.lib.crypto), as every other secret of an organisation.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from redalert.accounts.models import Organisation
from redalert.lib.crypto import EncryptedTextField


class IdentityProvider(models.Model):
    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="identity_provider", verbose_name=_("organisation")
    )
    name = models.CharField(
        _("name shown"), max_length=60, help_text=_("Shown on the sign-in button: “Sign in with <name>”.")
    )
    issuer = models.URLField(
        _("issuer"), max_length=300, help_text=_("The provider's issuer URL, exactly as its discovery document says.")
    )
    discovery_url = models.URLField(
        _("discovery URL"),
        max_length=300,
        blank=True,
        help_text=_("Empty: the issuer followed by /.well-known/openid-configuration."),
    )
    client_id = models.CharField(_("client id"), max_length=200)
    client_secret = EncryptedTextField(_("client secret"))
    email_domain = models.CharField(
        _("allowed e-mail domain"),
        max_length=200,
        unique=True,
        help_text=_("Only verified addresses of this domain sign in, e.g. redbusqueda.org."),
    )
    mfa_acr_values = models.CharField(
        _("acr values that mean multi-factor"),
        max_length=500,
        blank=True,
        help_text=_("Separated by spaces; asked of the provider. Empty: only the amr claim counts."),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("identity provider")
        verbose_name_plural = _("identity providers")

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation_id})"

    @property
    def metadata_url(self) -> str:
        return self.discovery_url or self.issuer.rstrip("/") + "/.well-known/openid-configuration"

    @property
    def acr_list(self) -> list[str]:
        return self.mfa_acr_values.split()
