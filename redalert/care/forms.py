"""Forms of care. Money fields: decimal amount (two decimals, not negative) and an ISO 4217 currency."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from redalert.accounts.models import Organisation
from redalert.care.choices import ReferralDirection, ReferralStatus
from redalert.care.models import Consultation, Expense, Objective, PlanAction, Service, ServiceFeedback
from redalert.care.money import currency_choices

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DECIMAL_ERRORS = {
    "invalid": _("Write an amount such as 1250.50 (a point for decimals, no thousands separator)."),
    "max_decimal_places": _("An amount has at most two decimals (cents)."),
    "max_digits": _("This amount is too large."),
    "max_whole_digits": _("This amount is too large."),
}


class CurrencyField(forms.ChoiceField):
    def __init__(self, *, required: bool = True, **kwargs: Any) -> None:
        choices = currency_choices()
        if not required:
            choices = [("", "—"), *choices]
        super().__init__(
            choices=choices,
            required=required,
            label=kwargs.pop("label", _("Currency")),
            error_messages={
                "invalid_choice": _("“%(value)s” is not an ISO 4217 currency code (for example MXN, USD, GTQ)."),
                "required": _("Choose the currency."),
            },
            **kwargs,
        )

    def to_python(self, value: Any) -> str:
        return str(super().to_python(value)).strip().upper()


def money_errors(form: forms.BaseForm, *names: str) -> None:
    """Give the decimal fields of a form our clear messages."""
    for name in names:
        form.fields[name].error_messages.update(DECIMAL_ERRORS)


def dates(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        if isinstance(field, forms.DateField):
            field.widget = DATE


class ServiceForm(forms.ModelForm):
    currency = CurrencyField(required=False)

    class Meta:
        model = Service
        fields = [
            "service_type",
            "recipient",
            "family_relationship",
            "phase",
            "given_on",
            "provider",
            "partner",
            "cost",
            "currency",
            "immigration_remedy",
            "immigration_status",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, partners: Any, service_types: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["partner"]).queryset = partners
        cast(forms.ChoiceField, self.fields["service_type"]).choices = [("", "—"), *service_types]
        self.fields["cost"].help_text = _("Leave empty if not known; write 0 if it cost nothing.")
        money_errors(self, "cost")
        dates(self)


class ExpenseForm(forms.ModelForm):
    currency = CurrencyField()

    class Meta:
        model = Expense
        fields = ["category", "spent_on", "amount", "currency", "description"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        money_errors(self, "amount")
        dates(self)


class ObjectiveForm(forms.ModelForm):
    class Meta:
        model = Objective
        fields = ["area", "objective", "starts_on", "target_on", "status", "progress"]
        widgets = {"objective": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dates(self)


class PlanActionForm(forms.ModelForm):
    class Meta:
        model = PlanAction
        fields = ["description", "due_on", "done_on"]
        widgets = {"description": forms.TextInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dates(self)


class ReferralForm(forms.Form):
    direction = forms.ChoiceField(label=_("Direction"), choices=ReferralDirection.choices)
    partner: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Partner organisation"), queryset=Organisation.objects.none()
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)
    referred_on = forms.DateField(label=_("Date"), widget=DATE)

    def __init__(self, *args: Any, partners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["partner"]).queryset = partners


class ReferralStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=ReferralStatus.choices)
    on = forms.DateField(label=_("Date"), widget=DATE)


class ConsultationForm(forms.ModelForm):
    class Meta:
        model = Consultation
        fields = ["held_on", "participants", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dates(self)
        self.fields["participants"].error_messages["min_value"] = _("The number of participants cannot be negative.")


class FeedbackForm(forms.ModelForm):
    class Meta:
        model = ServiceFeedback
        fields = ["service_type", "satisfaction", "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 2})}
