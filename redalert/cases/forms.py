from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast

import phonenumbers
import pycountry
from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from redalert.accounts.models import User, people_of
from redalert.cases.choices import CaseStatus, NoteSection
from redalert.cases.models import Case, FamilyContact, MissingPerson
from redalert.lib.text import fold
from redalert.places.forms import PlaceField
from redalert.places.models import Place, PlaceKind
from redalert.places.names import SPANISH_LANGUAGE_NAMES, country_name

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
ONE_LINE = forms.TextInput()


# The countries most cases involve come first in country lists.
REGION_COUNTRIES = ("MX", "GT", "HN", "SV", "NI", "CR", "PA", "BZ", "CO", "VE", "DO", "HT", "CU", "US")


def country_choices() -> list[tuple[Any, Any]]:
    """Country choices in the reader's language, the region's countries first."""
    language = (get_language() or "es")[:2]
    everyone = sorted(
        ((c.alpha_2, country_name(c.alpha_2, language)) for c in pycountry.countries), key=lambda c: fold(c[1])
    )
    region = [(code, country_name(code, language)) for code in REGION_COUNTRIES]
    return [(_("Region"), region), (_("All countries"), everyone)]


def normalise_phone(raw: str, default_region: str) -> str:
    """A phone number in E.164, or a ValidationError in the user's language."""
    raw = raw.strip()
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, default_region or None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_possible_number(number):
        raise forms.ValidationError(
            _("“%(value)s” is not a phone number. Write it with the country code, e.g. +52 442 123 4567."),
            params={"value": raw},
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def not_in_future(day: date | None, message: Any) -> None:
    if day is not None and day > timezone.localdate():
        raise forms.ValidationError(message)


class PhoneRegionMixin:
    """Forms that take phone numbers read national numbers in the organisation's country."""

    phone_region = ""

    def __init__(self, *args: Any, phone_region: str = "", **kwargs: Any) -> None:
        self.phone_region = phone_region
        super().__init__(*args, **kwargs)


class CaseReportForm(PhoneRegionMixin, forms.ModelForm):
    """The report and the disappearance (the Case part of intake and editing)."""

    last_seen_place = PlaceField(label=_("Place last seen"), help_text=_("Type a town, state or country and choose."))

    class Meta:
        model = Case
        fields = [
            "reported_at",
            "report_channel",
            "reporter_name",
            "reporter_relationship",
            "reporter_phone",
            "reporter_email",
            "last_seen_on",
            "last_seen_time",
            "last_seen_place",
            "last_seen_place_detail",
            "last_seen_latitude",
            "last_seen_longitude",
            "circumstances",
        ]
        widgets = {
            "reported_at": DATETIME,
            "last_seen_on": DATE,
            "last_seen_time": TIME,
            "reporter_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "reporter_email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "last_seen_place_detail": ONE_LINE,
            "last_seen_latitude": forms.TextInput(attrs={"inputmode": "decimal"}),
            "last_seen_longitude": forms.TextInput(attrs={"inputmode": "decimal"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.DateTimeField, self.fields["reported_at"]).input_formats = [
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M",
            "%Y-%m-%dT%H:%M:%S",
        ]
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("reported_at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))

    def clean_reported_at(self) -> Any:
        value = self.cleaned_data["reported_at"]
        if value and value > timezone.now() + timedelta(minutes=5):
            raise forms.ValidationError(_("The report cannot be received in the future."))
        return value

    def clean_last_seen_on(self) -> Any:
        value = self.cleaned_data["last_seen_on"]
        not_in_future(value, _("The date last seen cannot be in the future."))
        return value

    def clean_reporter_phone(self) -> str:
        return normalise_phone(self.cleaned_data["reporter_phone"], self.phone_region)

    def _clean_coordinate(self, name: str, limit: float) -> str:
        raw = (self.cleaned_data.get(name) or "").strip().replace(",", ".")
        if not raw:
            return ""
        try:
            value = float(raw)
        except ValueError:
            raise forms.ValidationError(_("Write a number in decimal degrees, e.g. 20.5888.")) from None
        if not -limit <= value <= limit:
            raise forms.ValidationError(_("Must be between -%(limit)s and %(limit)s.") % {"limit": int(limit)})
        return f"{value:.6f}"

    def clean_last_seen_latitude(self) -> str:
        return self._clean_coordinate("last_seen_latitude", 90)

    def clean_last_seen_longitude(self) -> str:
        return self._clean_coordinate("last_seen_longitude", 180)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        reported, seen = data.get("reported_at"), data.get("last_seen_on")
        if reported and seen and seen > timezone.localtime(reported).date():
            self.add_error("last_seen_on", _("She cannot have been last seen after the report was received."))
        if bool(data.get("last_seen_latitude")) != bool(data.get("last_seen_longitude")):
            self.add_error("last_seen_longitude", _("Give both latitude and longitude, or neither."))
        return data


class PersonForm(forms.ModelForm):
    nationalities = forms.MultipleChoiceField(
        label=_("Nationalities"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
        help_text=_("Leave empty if not known."),
    )
    languages = forms.CharField(
        label=_("Languages spoken"),
        required=False,
        help_text=_("Separated by commas, e.g. “español, náhuatl” or ISO 639-3 codes (spa, yua)."),
    )

    class Meta:
        model = MissingPerson
        fields = [
            "given_names",
            "first_surname",
            "second_surname",
            "aliases",
            "sex",
            "gender",
            "birth_date",
            "estimated_age",
            "nationalities",
            "ethnicity",
            "indigenous",
            "indigenous_people",
            "languages",
            "height_cm",
            "physical_description",
            "distinguishing_marks",
            "clothing",
        ]
        widgets = {"birth_date": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["nationalities"]).choices = country_choices()
        self.fields["estimated_age"].widget.attrs.update({"min": 0, "max": 120})
        self.fields["height_cm"].widget.attrs.update({"min": 30, "max": 250})
        if self.instance.pk and not self.is_bound:
            self.initial["languages"] = ", ".join(self.instance.languages or [])

    def clean_birth_date(self) -> Any:
        value = self.cleaned_data["birth_date"]
        not_in_future(value, _("The date of birth cannot be in the future."))
        if value is not None and value.year < 1900:
            raise forms.ValidationError(_("Check the year of the date of birth."))
        return value

    def clean_estimated_age(self) -> Any:
        value = self.cleaned_data["estimated_age"]
        if value is not None and value > 120:
            raise forms.ValidationError(_("Give an age between 0 and 120."))
        return value

    def clean_languages(self) -> list[str]:
        codes: list[str] = []
        for item in (self.cleaned_data.get("languages") or "").split(","):
            item = item.strip()
            if not item:
                continue
            language = lookup_language(item)
            if language is None:
                raise forms.ValidationError(_("“%(value)s” is not a language we know."), params={"value": item})
            if language not in codes:
                codes.append(language)
        return codes


def lookup_language(text: str) -> str | None:
    """An ISO 639-3 code for a language name (Spanish or English) or code; None if unknown."""
    folded = fold(text)
    if folded in SPANISH_LANGUAGE_NAMES:
        return SPANISH_LANGUAGE_NAMES[folded]
    try:
        language = pycountry.languages.lookup(text.strip())
    except LookupError:
        return None
    return str(getattr(language, "alpha_3", "")) or None


def check_dates_against_birth(report_form: CaseReportForm, person_form: PersonForm) -> None:
    """Cross-form rule: nobody is last seen before she was born."""
    seen = report_form.cleaned_data.get("last_seen_on") if report_form.is_valid() else None
    born = person_form.cleaned_data.get("birth_date") if person_form.is_valid() else None
    if seen and born and seen < born:
        report_form.add_error("last_seen_on", _("The date last seen is before the date of birth."))


class FamilyContactForm(PhoneRegionMixin, forms.ModelForm):
    class Meta:
        model = FamilyContact
        fields = ["name", "relationship", "phone", "email", "address", "notes"]
        widgets = {
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "address": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def clean_phone(self) -> str:
        return normalise_phone(self.cleaned_data["phone"], self.phone_region)

    def clean_email(self) -> str:
        value = (self.cleaned_data.get("email") or "").strip()
        if value:
            forms.EmailField().clean(value)
        return value


class NoteForm(forms.Form):
    section = forms.ChoiceField(label=_("Section"), choices=NoteSection.choices)
    body = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20000)

    def __init__(self, *args: Any, sections: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if sections is not None:
            cast(forms.ChoiceField, self.fields["section"]).choices = [
                c for c in NoteSection.choices if c[0] in sections
            ]


class PhotoForm(forms.Form):
    photo = forms.FileField(label=_("Photo"), widget=forms.ClearableFileInput(attrs={"accept": "image/*"}))
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)


class TransitionForm(forms.Form):
    to = forms.ChoiceField(label=_("New status"))
    on = forms.DateField(label=_("Date"), required=False, widget=DATE, help_text=_("Today if left empty."))
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)

    def __init__(self, *args: Any, targets: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["to"]).choices = targets


class TeamForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Add to the team"), queryset=User.objects.none())

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["member"]).queryset = candidates


class CaseSearchForm(forms.Form):
    """The staff case search (redalert.investigation.search): every field optional, all given must match."""

    q = forms.CharField(label=_("Name or reference"), required=False, max_length=200)
    status = forms.ChoiceField(label=_("Case status"), required=False)
    state: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("State or department"), required=False, queryset=None
    )
    place = PlaceField(label=_("Place last seen"), required=False)
    seen_from = forms.DateField(label=_("Last seen from"), required=False, widget=DATE)
    seen_to = forms.DateField(label=_("Last seen until"), required=False, widget=DATE)
    assigned = forms.ModelChoiceField(label=_("Assigned to"), required=False, queryset=User.objects.none())

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["status"]).choices = [("", _("All")), *CaseStatus.choices]
        organisation = user.organisation if user is not None else None
        cast(forms.ModelChoiceField, self.fields["state"]).queryset = Place.objects.none()
        if organisation is not None:
            cast(forms.ModelChoiceField, self.fields["state"]).queryset = Place.objects.filter(
                kind=PlaceKind.SUBDIVISION, country_code=organisation.country
            ).order_by("name")
            cast(forms.ModelChoiceField, self.fields["assigned"]).queryset = (
                people_of(organisation).filter(is_active=True).order_by("first_name", "username")
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("seen_from"), data.get("seen_to")
        if start and end and start > end:
            self.add_error("seen_to", _("The end of the range is before its start."))
        return data
