from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from redalert.cases.choices import ReportChannel, Sex
from redalert.places.forms import PlaceField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class UploadForm(forms.Form):
    file = forms.FileField(label=_("PFIF 1.4 file (XML or Atom)"))


class OpenCaseForm(forms.Form):
    """The intake fields a PFIF record can pre-fill, plus what the intake requires and PFIF does not carry."""

    given_names = forms.CharField(label=_("Given names"), max_length=150)
    first_surname = forms.CharField(label=_("First surname"), max_length=100, required=False)
    second_surname = forms.CharField(label=_("Second surname"), max_length=100, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    estimated_age = forms.IntegerField(label=_("Estimated age"), min_value=0, max_value=120, required=False)
    physical_description = forms.CharField(label=_("Physical description"), widget=forms.Textarea, required=False)
    reported_at = forms.DateTimeField(label=_("Report received"), widget=DATETIME)
    report_channel = forms.ChoiceField(label=_("Received through"), choices=ReportChannel.choices, initial="other")
    last_seen_on = forms.DateField(label=_("Date last seen"), widget=DATE)
    last_seen_place = PlaceField(label=_("Place last seen"), help_text=_("Type a town, state or country and choose."))
