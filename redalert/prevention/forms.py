"""Forms of the prevention register: an activity, and the list's filters."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from redalert.accounts.models import Organisation
from redalert.places.forms import PlaceField
from redalert.places.models import Place, PlaceKind
from redalert.prevention.choices import AGE_COUNTS, SEX_COUNTS, ActivityType
from redalert.prevention.models import Activity

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
COUNT = forms.NumberInput(attrs={"min": "0", "inputmode": "numeric"})


class ActivityForm(forms.ModelForm):
    place = PlaceField(
        label=_("Place"),
        required=False,
        help_text=_("Type the state (or town, or country for national activities) and choose; empty if not recorded."),
    )

    class Meta:
        model = Activity
        fields = [
            "held_on",
            "ended_on",
            "activity_type",
            "theme",
            "audience",
            "audience_kind",
            "place",
            "reach",
            "participants",
            *SEX_COUNTS,
            *AGE_COUNTS,
            "notes",
        ]
        widgets = {
            "held_on": DATE,
            "ended_on": DATE,
            "reach": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 3}),
            **{name: COUNT for name in ("participants", *SEX_COUNTS, *AGE_COUNTS)},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in (*SEX_COUNTS, *AGE_COUNTS):
            self.fields[name].help_text = ""

    def general_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("held_on", "ended_on", "activity_type", "theme", "audience", "audience_kind")]

    def sex_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in SEX_COUNTS]

    def age_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in AGE_COUNTS]


class FilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    activity_type = forms.ChoiceField(label=_("Type of activity"), required=False)
    state: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("State"), required=False, queryset=None)

    def __init__(self, *args: Any, years: list[int], organisation: Organisation | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["year"]).choices = [("", _("All")), *((y, str(y)) for y in years)]
        cast(forms.ChoiceField, self.fields["activity_type"]).choices = [("", _("All")), *ActivityType.choices]
        states = Place.objects.none()
        if organisation is not None:
            states = Place.objects.filter(kind=PlaceKind.SUBDIVISION, country_code=organisation.country).order_by(
                "name"
            )
        cast(forms.ModelChoiceField, self.fields["state"]).queryset = states
