"""Forms of legal accompaniment."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from redalert.care.forms import DATE, CurrencyField, dates, money_errors
from redalert.investigation.choices import TypeOfExploitation
from redalert.legal.choices import WORLD, DeclineReason, ProceedingStatus
from redalert.legal.models import (
    Accused,
    Hearing,
    Proceeding,
    ProtectionMeasure,
    Reparation,
    ReparationPayment,
    ReparationRate,
)

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ProceedingForm(forms.ModelForm):
    class Meta:
        model = Proceeding
        fields = ["complaint_filed_on", "authority", "authority_name", "investigation_file", "crimes_charged", "lawyer"]
        widgets = {"investigation_file": forms.TextInput(), "crimes_charged": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, lawyers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["lawyer"]).queryset = lawyers
        dates(self)


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), choices=ProceedingStatus.choices)
    changed_on = forms.DateField(label=_("Date of the change"), widget=DATE)
    reason = forms.ChoiceField(
        label=_("Reason declined"),
        choices=[("", "—"), *DeclineReason.choices],
        required=False,
        help_text=_("Only when the prosecutor declined the case."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("to_status") == ProceedingStatus.DECLINED and not data.get("reason"):
            self.add_error(
                "reason", _("Say why the prosecutor declined the case (choose “Not known” if nobody knows).")
            )
        return data


class HearingForm(forms.ModelForm):
    starts_at = forms.DateTimeField(
        label=_("Date and time"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )

    class Meta:
        model = Hearing
        fields = ["starts_at", "court", "purpose", "cancelled", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class MeasureForm(forms.ModelForm):
    class Meta:
        model = ProtectionMeasure
        fields = ["description", "beneficiary", "requested_on", "status", "granted_on", "expires_on"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dates(self)


class AccusedForm(forms.ModelForm):
    class Meta:
        model = Accused
        fields = ["name", "role", "outcome", "outcome_on", "sentence", "sentence_years"]
        widgets = {"name": forms.TextInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dates(self)


class ReparationForm(forms.ModelForm):
    currency = CurrencyField()

    class Meta:
        model = Reparation
        fields = ["accused", "ordered_on", "amount", "currency", "description"]

    def __init__(self, *args: Any, proceeding: Proceeding, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["accused"]).queryset = Accused.objects.filter(proceeding=proceeding)
        money_errors(self, "amount")
        dates(self)


class PaymentForm(forms.ModelForm):
    class Meta:
        model = ReparationPayment
        fields = ["reparation", "paid_on", "amount"]

    def __init__(self, *args: Any, proceeding: Proceeding, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["reparation"]).queryset = Reparation.objects.filter(
            proceeding=proceeding
        )
        money_errors(self, "amount")
        dates(self)


class EstimateForm(forms.Form):
    months = forms.DecimalField(
        label=_("Months exploited"),
        max_digits=6,
        decimal_places=1,
        min_value=Decimal("0.1"),
        error_messages={
            "min_value": _("Give a number of months greater than zero."),
            "invalid": _("Write a number of months, e.g. 18 or 7.5."),
            "max_decimal_places": _("Use at most one decimal for months."),
        },
    )
    region = forms.CharField(
        label=_("Region"),
        max_length=5,
        initial=WORLD,
        help_text=_("The country where she was exploited (ISO code, e.g. MX), or “world”."),
    )
    exploitation = forms.ChoiceField(
        label=_("Form of exploitation"), choices=TypeOfExploitation.choices, initial=TypeOfExploitation.SEXUAL
    )
    on = forms.DateField(label=_("Date of the estimate"), widget=DATE, help_text=_("The rate in force on this day."))

    def clean_region(self) -> str:
        import pycountry

        value = self.cleaned_data["region"].strip()
        if value.lower() == WORLD:
            return WORLD
        if pycountry.countries.get(alpha_2=value.upper()) is None:
            raise forms.ValidationError(_("Write “world” or a two-letter ISO 3166-1 country code."))
        return value.upper()


class RateForm(forms.ModelForm):
    currency = CurrencyField()

    class Meta:
        model = ReparationRate
        fields = ["region", "exploitation", "annual_profit", "currency", "source", "valid_from", "valid_to"]
        widgets = {"source": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        money_errors(self, "annual_profit")
        dates(self)
