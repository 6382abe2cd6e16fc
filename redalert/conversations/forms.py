"""The inbox's forms (reply, tip) and the administrator's channel account form (secrets never shown back)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from redalert.access.policy import visible_cases
from redalert.cases.models import Case
from redalert.conversations.models import ChannelAccount, Provider
from redalert.conversations.senders import SenderError, e164

SECRET_FIELDS = ("auth_token", "app_secret", "verify_token", "access_token")


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("Reply"), max_length=1500, widget=forms.Textarea(attrs={"rows": 3}))


class CaseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.reference)


class TipForm(forms.Form):
    case = CaseChoiceField(label=_("Case"), queryset=Case.objects.none())
    description = forms.CharField(
        label=_("What she said"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Left empty, the tip carries the whole conversation."),
    )
    may_contact = forms.BooleanField(
        label=_("She agreed to be contacted again (her number or address goes with the tip)"), required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cases = visible_cases(user).filter(organisation_id=user.organisation_id).order_by("-reported_at")
        self.fields["case"].queryset = cases  # type: ignore[attr-defined]


class AccountForm(forms.ModelForm):
    """A provider account. A secret left empty keeps the stored one; none is ever written back into the page."""

    api_base_url = forms.URLField(
        label=_("API address"),
        required=False,
        assume_scheme="https",
        help_text=_("Leave empty for the provider's own address."),
    )

    class Meta:
        model = ChannelAccount
        fields = [
            "provider",
            "label",
            "active",
            "account_sid",
            "auth_token",
            "app_secret",
            "verify_token",
            "access_token",
            "phone_number_id",
            "sender_number",
            "address",
            "api_base_url",
        ]
        widgets = {name: forms.PasswordInput(render_value=False) for name in SECRET_FIELDS} | {
            "sender_number": forms.TextInput(attrs={"type": "tel"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._stored = {name: getattr(self.instance, name) for name in SECRET_FIELDS}
        for name in SECRET_FIELDS:
            self.fields[name].required = False
            if self._stored[name]:
                self.fields[name].help_text = _("Stored. Leave empty to keep it.")

    def clean_sender_number(self) -> str:
        value = self.cleaned_data.get("sender_number") or ""
        if not value:
            return ""
        try:
            return e164(value)
        except SenderError as exc:
            raise forms.ValidationError(_("Write the number with its country code, e.g. +52 55 1234 5678.")) from exc

    def clean_address(self) -> str | None:
        value = (self.cleaned_data.get("address") or "").strip().lower()
        return value or None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in SECRET_FIELDS:
            if not data.get(name):
                data[name] = self._stored[name]
        provider = data.get("provider")
        missing = []
        if provider == Provider.TWILIO:
            missing = [n for n in ("account_sid", "auth_token", "sender_number") if not data.get(n)]
        elif provider == Provider.WHATSAPP_CLOUD:
            missing = [n for n in ("app_secret", "verify_token", "access_token", "phone_number_id") if not data.get(n)]
        elif provider == Provider.EMAIL and not data.get("address"):
            missing = ["address"]
        for name in missing:
            self.add_error(name, _("This provider needs it."))
        return data
