from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from redalert.accounts.models import Organisation
from redalert.cases.choices import NoteSection
from redalert.transfers.models import OfferKind


class OfferForm(forms.Form):
    kind = forms.ChoiceField(label=_("What do you offer?"), choices=OfferKind.choices, widget=forms.RadioSelect)
    to = forms.ModelChoiceField(label=_("Member organisation"), queryset=Organisation.objects.none())
    sections = forms.MultipleChoiceField(
        label=_("Sections to refer"),
        choices=NoteSection.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For a referral only: the receiving organisation sees these sections and nothing else."),
    )
    reason = forms.CharField(label=_("Why"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = Organisation.objects.exclude(pk=organisation_id).order_by("name")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == OfferKind.REFERRAL and not data.get("sections"):
            self.add_error("sections", _("Choose at least one section to refer."))
        return data


class AnswerForm(forms.Form):
    note = forms.CharField(label=_("Note for the other organisation (optional)"), max_length=300, required=False)
