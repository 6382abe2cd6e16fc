"""The administrator's form for her organisation's provider, and the work address typed on the sign-in page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from redalert.identity.models import IdentityProvider


def _https_by_default(field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class ProviderForm(forms.ModelForm):
    client_secret = forms.CharField(
        label=_("Client secret"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Stored encrypted. Leave empty to keep the one stored."),
    )

    class Meta:
        model = IdentityProvider
        formfield_callback = _https_by_default
        fields = ["name", "issuer", "discovery_url", "client_id", "email_domain", "mfa_acr_values", "enabled"]

    def clean_email_domain(self) -> str:
        value = (self.cleaned_data.get("email_domain") or "").strip().lower().lstrip("@").rstrip(".")
        if "." not in value or "@" in value or " " in value:
            raise forms.ValidationError(_("Write a domain, e.g. redbusqueda.org."))
        return value

    def clean_issuer(self) -> str:
        value: str = self.cleaned_data.get("issuer") or ""
        if value and not value.startswith("https://"):
            raise forms.ValidationError(_("The issuer must be an https:// address."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("client_secret") and not (self.instance.pk and self.instance.client_secret):
            self.add_error("client_secret", _("Give the client secret."))
        return data

    def save(self, commit: bool = True) -> IdentityProvider:
        provider: IdentityProvider = super().save(commit=False)
        if self.cleaned_data.get("client_secret"):
            provider.client_secret = self.cleaned_data["client_secret"]
        if commit:
            provider.save()
        return provider


class WorkEmailForm(forms.Form):
    email = forms.EmailField(
        label=_("Work e-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("If your organisation signs in with its own provider, its button appears."),
    )
