"""The public tip form (works without JavaScript) and the staff filters."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from redalert.cases.photos import PhotoError, clean_photo
from redalert.places.forms import PlaceField, PlacePickerWidget
from redalert.tips.models import TipStatus
from redalert.tips.services import TipData

DESCRIPTION_MAX = 5000
HONEYPOT = "website"


class TipForm(forms.Form):
    seen_on = forms.DateField(
        label=_("Day you saw her"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty if you do not remember."),
    )
    seen_time = forms.TimeField(
        label=_("Approximate time"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    place = PlaceField(
        label=_("Town or city"),
        required=False,
        help_text=_("Start typing and choose from the list."),
    )
    place_description = forms.CharField(
        label=_("Where exactly? (street, business, landmark)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only the team searching for her will read this."),
    )
    latitude = forms.FloatField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    longitude = forms.FloatField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    description = forms.CharField(
        label=_("What did you see?"),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": DESCRIPTION_MAX}),
        help_text=_("Who was with her, what she was wearing, vehicles, anything you remember."),
        error_messages={"required": _("Tell us what you saw.")},
    )
    photo = forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
        help_text=_("JPEG, PNG, WebP or GIF, up to %(mb)s MB. We remove the location and camera data from it.")
        % {"mb": settings.PHOTO_MAX_BYTES // 1_048_576},
    )
    anonymous = forms.BooleanField(label=_("Send anonymously (do not contact me)"), required=False)
    contact_name = forms.CharField(label=_("Your name"), required=False, max_length=200)
    contact_phone = forms.CharField(
        label=_("Your phone"),
        required=False,
        max_length=40,
        validators=[RegexValidator(r"^[0-9+() .\-]{5,40}$", _("Enter a phone number (digits, spaces, + - ( )."))],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    contact_email = forms.EmailField(
        label=_("Your email"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, places_url: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].widget = PlacePickerWidget(search_url=places_url)
        self.fields["place"].widget.is_required = False

    def clean_seen_on(self) -> date | None:
        seen_on: date | None = self.cleaned_data.get("seen_on")
        if seen_on is not None:
            if seen_on > timezone.localdate():
                raise forms.ValidationError(_("The date cannot be in the future."))
            if seen_on.year < 1950:
                raise forms.ValidationError(_("Check the year of the date."))
        return seen_on

    def clean_photo(self) -> Any:
        upload = self.cleaned_data.get("photo")
        if not upload:
            return None
        try:
            # Public uploads get a lower pixel limit, checked from the header before anything is decoded.
            return clean_photo(upload, upload.size, max_pixels=settings.TIP_PHOTO_MAX_PIXELS)
        except PhotoError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lat, lon = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lon is None) and "latitude" not in self.errors and "longitude" not in self.errors:
            raise forms.ValidationError(_("Give both latitude and longitude, or neither."))
        return data

    @property
    def is_spam(self) -> bool:
        """The honeypot: people do not see this field; programs that fill every field do."""
        return bool(self.data.get(HONEYPOT, "").strip())

    def tip_data(self) -> TipData:
        d = self.cleaned_data
        has_point = d.get("latitude") is not None and d.get("longitude") is not None
        anonymous = bool(d.get("anonymous"))
        return TipData(
            description=d["description"].strip(),
            seen_on=d.get("seen_on"),
            seen_time=d.get("seen_time"),
            place=d.get("place"),
            place_description=d.get("place_description", "").strip(),
            latitude=f"{d['latitude']:.6f}" if has_point else "",
            longitude=f"{d['longitude']:.6f}" if has_point else "",
            photo=d.get("photo"),
            anonymous=anonymous,
            contact_name="" if anonymous else d.get("contact_name", "").strip(),
            contact_phone="" if anonymous else d.get("contact_phone", "").strip(),
            contact_email="" if anonymous else d.get("contact_email", "").strip(),
        )


PILE_INBOX = "inbox"
PILE_SPAM = "spam"


class TipFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any status")), *TipStatus.choices])
    pile = forms.ChoiceField(
        label=_("Pile"),
        required=False,
        choices=[(PILE_INBOX, _("Tips")), (PILE_SPAM, _("Spam and abuse"))],
    )
