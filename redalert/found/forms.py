"""Forms of the register of people found. Bad input gets a clear message in the user's language."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from redalert.found.models import FoundPerson
from redalert.investigation.choices import HowLocated
from redalert.places.forms import PlaceField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ROWS3 = forms.Textarea(attrs={"rows": 3})
MAX_AGE = 120


class FoundPersonForm(forms.ModelForm):
    found_place = PlaceField(
        label=_("Place found"), required=False, help_text=_("Town, state or country; empty if not known.")
    )

    class Meta:
        model = FoundPerson
        fields = [
            "condition",
            "found_on",
            "found_place",
            "found_place_detail",
            "age_min",
            "age_max",
            "sex",
            "height_cm",
            "names",
            "physical_description",
            "distinguishing_marks",
            "clothing",
            "circumstances",
            "reported_by_kind",
            "reported_by_institution",
            "reporter_contact",
        ]
        widgets = {
            "condition": forms.RadioSelect,
            "found_on": DATE,
            "found_place_detail": forms.TextInput(),
            "names": forms.TextInput(),
            "physical_description": ROWS3,
            "distinguishing_marks": ROWS3,
            "clothing": ROWS3,
            "circumstances": ROWS3,
            "reporter_contact": forms.TextInput(),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("age_min", "age_max"):
            self.fields[name].widget.attrs.update({"min": 0, "max": MAX_AGE})
            self.fields[name].help_text = _("Empty if not known.")
        self.fields["height_cm"].widget.attrs.update({"min": 30, "max": 250})

    def clean_found_on(self) -> Any:
        value = self.cleaned_data["found_on"]
        if value is not None and value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("age_min"), data.get("age_max")
        for name, value in (("age_min", low), ("age_max", high)):
            if value is not None and value > MAX_AGE:
                self.add_error(name, _("An age above %(max)s years is not possible.") % {"max": MAX_AGE})
        if low is not None and high is not None and low > high:
            self.add_error("age_max", _("The upper age cannot be below the lower one."))
        return data


class FoundPhotoForm(forms.Form):
    photo = forms.FileField(label=_("Photo"), widget=forms.ClearableFileInput(attrs={"accept": "image/*"}))


class ConfirmForm(forms.Form):
    """Confirming a pair: how she was located (the rest comes from the record: result, date, place)."""

    how = forms.ChoiceField(label=_("How she was located"), choices=HowLocated.choices, initial=HowLocated.AUTHORITIES)
    details = forms.CharField(label=_("Details"), required=False, widget=ROWS3, max_length=10000)
