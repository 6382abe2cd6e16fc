from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from redalert.api.clients import parse_networks
from redalert.api.scopes import Scope

MAX_DAYS = 366


class ClientForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("What the program is, e.g. “Hotline KoBo”."))
    scopes = forms.MultipleChoiceField(
        label=_("What it may do"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("At most one year from today."),
    )
    allowed_addresses = forms.CharField(
        label=_("Allowed addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One address or network per line (e.g. 203.0.113.7 or 203.0.113.0/24). Empty: any address."),
    )
    rate_per_minute = forms.IntegerField(label=_("Calls per minute"), min_value=1, max_value=6000, initial=120)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("expires_on", (timezone.localdate() + timedelta(days=90)).isoformat())

    def clean_expires_on(self) -> Any:
        value = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if value <= today:
            raise forms.ValidationError(_("Choose a date after today."))
        if value > today + timedelta(days=MAX_DAYS):
            raise forms.ValidationError(_("A client lasts at most one year: create a new one then."))
        return value

    def clean_allowed_addresses(self) -> str:
        text = self.cleaned_data.get("allowed_addresses") or ""
        for line in text.splitlines():
            try:
                parse_networks(line)
            except ValueError:
                raise forms.ValidationError(
                    _("“%(value)s” is not an address or a network."), params={"value": line.strip()}
                ) from None
        return text
