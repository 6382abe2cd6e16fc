"""The desk's forms. Each validates everything before an action writes anything (no half-saved contact)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from redalert.hotline.choices import (
    CHECKLIST_CHOICES,
    Answer,
    CallerRelation,
    Channel,
    IndicatorGroup,
    Outcome,
    Urgency,
    indicator_key,
)
from redalert.hotline.models import Contact, ScriptPrompt
from redalert.places.forms import PlaceField
from redalert.places.models import PlaceKind

NOT_ASKED_CHOICE = [("", _("Not asked"))]


class StartForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)


class UrgencyForm(forms.Form):
    urgency = forms.ChoiceField(
        label=_("Is anyone in immediate danger right now?"), choices=Urgency.choices, widget=forms.RadioSelect
    )


class EmergencyCallForm(forms.Form):
    authority = forms.CharField(
        label=_("Authority called"),
        max_length=200,
        help_text=_("The institution (and the number) you called or told the caller to call."),
    )


class DetailsForm(forms.ModelForm):
    place = PlaceField(
        label=_("Where (state or country)"),
        required=False,
        kinds=[PlaceKind.SUBDIVISION, PlaceKind.COUNTRY],
        help_text=_("Type the state or the country and choose; empty if not known."),
    )

    class Meta:
        model = Contact
        fields = [
            "caller_relation",
            "place",
            "summary",
            "victims",
            "victims_female",
            "victims_male",
            "victims_sex_unknown",
            "victims_minors",
            "victims_adults",
            "victims_age_unknown",
            "victims_foreign",
            "caller_agrees_to_contact",
            "caller_name",
            "caller_phone",
            "caller_email",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "caller_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "caller_phone": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
            "caller_email": forms.EmailInput(attrs={"autocomplete": "off"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        relation = self.fields["caller_relation"]
        assert isinstance(relation, forms.ChoiceField)
        relation.choices = [("", _("Not asked")), *CallerRelation.choices]
        self.fields["caller_email"] = forms.EmailField(
            label=self.fields["caller_email"].label, required=False, widget=self.fields["caller_email"].widget
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = [name for name in ("caller_name", "caller_phone", "caller_email") if data.get(name)]
        if given and not data.get("caller_agrees_to_contact"):
            self.add_error(
                None,
                _(
                    "Keep the caller's contact data only if she agrees to be contacted back: "
                    "tick it, or leave them empty."
                ),
            )
        total = data.get("victims")
        for parts, label in (
            (("victims_female", "victims_male", "victims_sex_unknown"), _("by sex")),
            (("victims_minors", "victims_adults", "victims_age_unknown"), _("by age")),
        ):
            values = [data.get(p) for p in parts]
            known = [v for v in values if v is not None]
            if total is not None and known and sum(known) > total:
                self.add_error(
                    parts[0],
                    _("The potential victims %(what)s add up to more than the total described.") % {"what": label},
                )
        foreign = data.get("victims_foreign")
        if total is not None and foreign is not None and foreign > total:
            self.add_error("victims_foreign", _("More foreign nationals than potential victims described."))
        return data


class IndicatorsForm(forms.Form):
    """One field per item of the four checklists: yes, no or not asked (the default, stored as no answer)."""

    def __init__(self, *args: Any, contact: Contact, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.groups: list[tuple[str, str, list[str]]] = []
        for group in IndicatorGroup:
            names = []
            for item in CHECKLIST_CHOICES[group]:
                name = indicator_key(group, item.value)
                self.fields[name] = forms.ChoiceField(
                    label=item.label,
                    choices=Answer.choices,
                    required=False,  # an item not sent was not asked
                    initial=contact.answer(group, item.value),
                    widget=forms.RadioSelect(attrs={"class": "answer"}),
                )
                names.append(name)
            self.groups.append((str(group.value), str(group.label), names))

    def grouped(self) -> list[dict[str, Any]]:
        return [
            {
                "key": key,
                "label": label,
                "fields": [self[name] for name in names],
                "answered": sum(1 for name in names if self[name].value() in (Answer.YES, Answer.NO)),
            }
            for key, label, names in self.groups
        ]

    def answers(self) -> dict[str, str]:
        return {name: value or Answer.NOT_ASKED for name, value in self.cleaned_data.items()}


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome of the contact"), choices=Outcome.choices, widget=forms.RadioSelect)
    referred_to = forms.CharField(
        label=_("Referred to"), max_length=200, required=False, help_text=_("Only for a referral: which service.")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == Outcome.REFERRAL and not (data.get("referred_to") or "").strip():
            self.add_error("referred_to", _("Say to which service the caller was referred."))
        return data


class CaseSearchForm(forms.Form):
    """The person the caller speaks of, to look for her among the organisation's open cases (matching)."""

    given_names = forms.CharField(label=_("Given names"), max_length=120)
    first_surname = forms.CharField(label=_("First surname"), max_length=120, required=False)
    second_surname = forms.CharField(label=_("Second surname"), max_length=120, required=False)
    estimated_age = forms.IntegerField(label=_("Age"), min_value=0, max_value=120, required=False)


class TipForm(forms.Form):
    reference = forms.CharField(
        label=_("Case reference"), max_length=40, help_text=_("The reference the caller gives, e.g. ABC-2026-0012.")
    )
    description = forms.CharField(
        label=_("What the caller says about the case"), widget=forms.Textarea(attrs={"rows": 4})
    )


class PromptForm(forms.ModelForm):
    class Meta:
        model = ScriptPrompt
        fields = ["position", "text", "is_active"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}


PromptFormSet = forms.modelformset_factory(ScriptPrompt, form=PromptForm, extra=2, can_delete=True)


class StatisticsForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    publishable = forms.BooleanField(
        label=_("Hide small numbers (for publishing)"),
        required=False,
        help_text=_("Cells of 1 to 10 contacts are hidden, and enough others that none can be worked out."),
    )
