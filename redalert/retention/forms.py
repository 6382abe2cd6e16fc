from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from redalert.retention.models import MAX_DAYS, Basis, Requester, RetentionPolicy

POLICY_FIELDS = [
    "closed_case_days",
    "unlinked_tip_days",
    "tipster_contact_days",
    "unlinked_contact_days",
    "import_file_days",
    "audit_entry_days",
]


class RetentionPolicyForm(forms.ModelForm):
    class Meta:
        model = RetentionPolicy
        fields = POLICY_FIELDS

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name in POLICY_FIELDS:
            field = self.fields[name]
            assert isinstance(field, forms.IntegerField)
            field.min_value = 1
            field.max_value = MAX_DAYS
            field.validators.append(_days_validator)
            field.error_messages["invalid"] = _("Write a whole number of days.")


def _days_validator(value: int) -> None:
    if value < 1 or value > MAX_DAYS:
        raise forms.ValidationError(_("Between 1 and %(max)s days.") % {"max": MAX_DAYS})


class ErasureRequestForm(forms.Form):
    requested_by = forms.ChoiceField(label=_("Who asked"), choices=Requester.choices)
    requested_on = forms.DateField(
        label=_("Date asked"), widget=forms.DateInput(attrs={"type": "date"}), input_formats=["%Y-%m-%d"]
    )
    basis = forms.ChoiceField(label=_("Basis"), choices=Basis.choices)
