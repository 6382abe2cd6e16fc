"""Forms of the Red Alert: the directory of authorities, issuing an alert, acknowledging one."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import EmailValidator, URLValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from redalert.alerts.models import AlertKind, Authority, AuthorityContact, ContactChannel, Level
from redalert.places.models import Place, PlaceKind

MIN_SECRET_LENGTH = 16


class AuthorityForm(forms.ModelForm):
    subdivision_code = forms.CharField(
        label=_("State (ISO 3166-2 code, e.g. MX-QUE)"),
        required=False,
        max_length=20,
        help_text=_("Required for state and municipal authorities."),
    )

    class Meta:
        model = Authority
        fields = ["name", "level", "kind", "country_code", "language", "is_active"]

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        subdivision = self.instance.subdivision if self.instance.pk else None
        if subdivision is not None:
            self.fields["subdivision_code"].initial = subdivision.code

    def clean_country_code(self) -> str:
        code = self.cleaned_data["country_code"].strip().upper()
        if len(code) != 2 or not code.isalpha():
            raise forms.ValidationError(_("Use the two-letter ISO 3166-1 code, e.g. MX."))
        return code

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        clash = Authority.objects.filter(organisation=self.organisation, name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("The directory already has an authority with this name."))
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        code = (data.get("subdivision_code") or "").strip().upper()
        level = data.get("level")
        self.subdivision: Place | None = None
        if code:
            self.subdivision = Place.objects.filter(kind=PlaceKind.SUBDIVISION, code=code).first()
            if self.subdivision is None:
                self.add_error("subdivision_code", _("No state with this code in the gazetteer."))
            elif data.get("country_code") and self.subdivision.country_code != data["country_code"]:
                self.add_error("subdivision_code", _("This state is not in the country given."))
        elif level in (Level.STATE, Level.MUNICIPAL):
            self.add_error("subdivision_code", _("A state or municipal authority needs its state."))
        return data

    def save(self, commit: bool = True) -> Authority:
        authority: Authority = super().save(commit=False)
        authority.organisation = self.organisation
        authority.subdivision = self.subdivision
        if commit:
            authority.save()
        return authority


class ContactForm(forms.ModelForm):
    secret = forms.CharField(
        label=_("Shared secret (webhooks)"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("At least 16 characters; the receiver checks the HMAC-SHA256 signature with it."),
    )

    class Meta:
        model = AuthorityContact
        fields = ["label", "channel", "address", "secret", "language", "is_active"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        channel, address = data.get("channel"), (data.get("address") or "").strip()
        if channel == ContactChannel.EMAIL and address:
            try:
                EmailValidator()(address)
            except forms.ValidationError:
                self.add_error("address", _("Enter a valid email address."))
        if channel == ContactChannel.WEBHOOK:
            if address:
                try:
                    URLValidator(schemes=["https", "http"])(address)
                except forms.ValidationError:
                    self.add_error("address", _("Enter the full http(s) URL of the webhook."))
            secret = data.get("secret") or ""
            if not secret and self.instance.pk and self.instance.secret:
                data["secret"] = self.instance.secret  # left empty on edit: keep the stored one
            elif len(secret) < MIN_SECRET_LENGTH:
                self.add_error("secret", _("A webhook needs a shared secret of at least 16 characters."))
        else:
            data["secret"] = ""
        data["address"] = address
        return data


class IssueForm(forms.Form):
    kind = forms.ChoiceField(label=_("What to send"), choices=AlertKind.choices)
    authorities = forms.ModelMultipleChoiceField(
        label=_("Authorities"),
        queryset=Authority.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Proposed: the jurisdiction of the disappearance and the federal level. Updates and "
            "cancellations go to the recipients of the original alert."
        ),
    )
    note = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For an update: what is new. Never addresses or phone numbers of the family."),
    )

    def __init__(self, *args: Any, authorities: QuerySet[Authority], kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["authorities"].queryset = authorities  # type: ignore[attr-defined]
        self.fields["kind"].choices = [(k, AlertKind(k).label) for k in kinds]  # type: ignore[attr-defined]


class AckForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200)
    position = forms.CharField(label=_("Position or office"), max_length=200, required=False)
    action_taken = forms.CharField(
        label=_("What was done (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example: search initiated, file FED/ABC/123/2026."),
    )
