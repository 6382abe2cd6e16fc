"""Forms of shelters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from redalert.care.choices import Recipient
from redalert.cases.choices import Relationship
from redalert.shelters.models import Facility

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FacilityForm(forms.ModelForm):
    class Meta:
        model = Facility
        fields = ["name", "kind", "capacity", "address", "active"]
        widgets = {"address": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["capacity"].error_messages["min_value"] = _("Capacity cannot be negative.")


class FacilityChoiceField(forms.ModelChoiceField):
    def __init__(self, *args: Any, free: dict[int, int], **kwargs: Any) -> None:
        self.free = free
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return str(_("%(name)s (%(kind)s) · %(free)s free of %(capacity)s")) % {
            "name": obj.name,
            "kind": obj.get_kind_display(),
            "free": self.free.get(obj.pk, 0),
            "capacity": obj.capacity,
        }


class CheckInForm(forms.Form):
    facility = forms.ModelChoiceField(label=_("Shelter"), queryset=Facility.objects.none())
    guest = forms.ChoiceField(label=_("Who"), choices=Recipient.choices)
    family_relationship = forms.ChoiceField(
        label=_("Family member"), choices=[("", "—"), *Relationship.choices], required=False
    )
    on = forms.DateField(label=_("Check-in"), widget=DATE)
    override_reason = forms.CharField(
        label=_("Reason for going over capacity"),
        max_length=300,
        required=False,
        help_text=_("Only if the shelter is full and she must stay anyway; it is recorded."),
    )

    def __init__(self, *args: Any, facilities: Any, free: dict[int, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facility"] = FacilityChoiceField(label=_("Shelter"), queryset=facilities, free=free)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        guest = data.get("guest")
        if guest == Recipient.FAMILY and not data.get("family_relationship"):
            self.add_error("family_relationship", _("Say which family member stays (or “Not known”)."))
        if guest == Recipient.VICTIM and data.get("family_relationship"):
            self.add_error("family_relationship", _("Only for a family member."))
        return data


class CheckOutForm(forms.Form):
    on = forms.DateField(label=_("Check-out"), widget=DATE)
