"""The subscription form: a name, an HTTPS endpoint, the events and the scope."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from redalert.webhooks.models import EventKind, Scope


def http_allowed() -> bool:
    """Plain http:// only where private addresses are allowed too (tests, a local receiver); https:// elsewhere."""
    return bool(getattr(settings, "WEBHOOK_ALLOW_PRIVATE", False)) and not getattr(
        settings, "WEBHOOK_REQUIRE_HTTPS", False
    )


class SubscriptionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("For you: e.g. “Hotline system”."))
    url = forms.URLField(
        label=_("Endpoint URL"),
        max_length=2000,
        assume_scheme="https",
        help_text=_("An https:// address of your organisation's system that receives the POSTs."),
    )
    kinds = forms.MultipleChoiceField(label=_("Events"), choices=EventKind.choices, widget=forms.CheckboxSelectMultiple)
    scope = forms.ChoiceField(
        label=_("What the payloads carry"),
        choices=Scope.choices,
        initial=Scope.IDS,
        widget=forms.RadioSelect,
        help_text=_(
            "Identifiers only is enough to fetch the case through the API. Public fields are added only for cases "
            "published with consent, and only while they are."
        ),
    )

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"]
        parts = urlsplit(url)
        if parts.scheme != "https" and not (parts.scheme == "http" and http_allowed()):
            raise forms.ValidationError(_("The endpoint must be an https:// address."))
        if parts.username or parts.password:
            raise forms.ValidationError(_("Do not put a user name or password in the address."))
        return url

    def initial_from(self, sub: Any) -> None:
        self.initial.update({"name": sub.name, "url": sub.url, "kinds": sub.kinds, "scope": sub.scope})
