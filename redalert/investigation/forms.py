from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from redalert.cases.forms import normalise_phone
from redalert.investigation.choices import (
    NOT_KNOWN,
    NOT_KNOWN_CHOICE,
    HowLocated,
    MethodOfControl,
    MethodOfRecruitment,
    OutcomeResult,
    TypeOfExploitation,
    TypeOfSexExploitation,
    WebsiteOrApp,
)
from redalert.investigation.matching import lines
from redalert.investigation.models import (
    CustodyEvent,
    Finding,
    LinkedPerson,
    Source,
    TraffickingEvent,
    TraffickingFacts,
)
from redalert.places.forms import PlaceField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
ROWS2 = forms.Textarea(attrs={"rows": 2})


def not_in_future_date(value: Any) -> Any:
    if value is not None and value > timezone.localdate():
        raise forms.ValidationError(_("The date cannot be in the future."))
    return value


class SourceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_kind_display()}: {obj.description[:60]}"


class SourceForm(forms.ModelForm):
    class Meta:
        model = Source
        fields = ["kind", "description", "examined_on"]
        widgets = {"examined_on": DATE, "description": ROWS2}

    def clean_examined_on(self) -> Any:
        return not_in_future_date(self.cleaned_data["examined_on"])


class FindingForm(forms.ModelForm):
    source = SourceChoiceField(label=_("From source"), queryset=Source.objects.none(), required=False)

    class Meta:
        model = Finding
        fields = ["body", "source"]
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, sources: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["source"])
        field.queryset = sources if sources is not None else Source.objects.none()


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("An image or screenshot, a PDF, or plain text; 25 MB at most."))
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=ROWS2, max_length=5000)
    collected_by = forms.CharField(label=_("Collected by"), max_length=200)
    collected_at = forms.DateTimeField(label=_("Collected at"), widget=DATETIME, input_formats=DATETIME_FORMATS)
    source = SourceChoiceField(label=_("From source"), queryset=Source.objects.none(), required=False)

    def __init__(self, *args: Any, sources: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["source"])
        field.queryset = sources if sources is not None else Source.objects.none()

    def clean_collected_at(self) -> Any:
        value = self.cleaned_data["collected_at"]
        if value and value > timezone.now() + timedelta(minutes=5):
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value


class CustodyForm(forms.ModelForm):
    class Meta:
        model = CustodyEvent
        fields = ["action", "at", "from_holder", "to_holder", "note"]
        widgets = {
            "at": DATETIME,
            "from_holder": forms.TextInput(),
            "to_holder": forms.TextInput(),
            "note": ROWS2,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.DateTimeField, self.fields["at"]).input_formats = DATETIME_FORMATS
        if not self.is_bound:
            self.initial.setdefault("at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))

    def clean_at(self) -> Any:
        value = self.cleaned_data["at"]
        if value and value > timezone.now() + timedelta(minutes=5):
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value


class LinkedPersonForm(forms.ModelForm):
    class Meta:
        model = LinkedPerson
        fields = [
            "link",
            "name",
            "aliases",
            "role_in_process",
            "criminal_group",
            "phones",
            "plates",
            "vehicles",
            "venues",
            "notes",
        ]
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "off"}),
            "criminal_group": forms.TextInput(),
            "aliases": ROWS2,
            "phones": ROWS2,
            "plates": ROWS2,
            "vehicles": ROWS2,
            "venues": ROWS2,
            "notes": ROWS2,
        }

    def __init__(self, *args: Any, phone_region: str = "", **kwargs: Any) -> None:
        self.phone_region = phone_region
        super().__init__(*args, **kwargs)

    def clean_phones(self) -> str:
        return "\n".join(normalise_phone(raw, self.phone_region) for raw in lines(self.cleaned_data.get("phones", "")))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("name") or "").strip() and not lines(data.get("aliases") or ""):
            self.add_error("name", _("Give a name or at least one alias."))
        return data


class TraffickingEventForm(forms.ModelForm):
    place = PlaceField(label=_("Place"), required=False, help_text=_("Town, state or country; empty if not known."))

    class Meta:
        model = TraffickingEvent
        fields = ["event_type", "on", "place", "place_detail", "description"]
        widgets = {"on": DATE, "place_detail": forms.TextInput(), "description": ROWS2}

    def clean_on(self) -> Any:
        return not_in_future_date(self.cleaned_data["on"])


class KnownMultipleChoiceField(forms.MultipleChoiceField):
    """Checkboxes of a value list plus "Not known"; nothing ticked means "not recorded"."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, choices: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(choices=[*choices, NOT_KNOWN_CHOICE], **kwargs)

    def clean(self, value: Any) -> list[str]:
        values = list(super().clean(value))
        if NOT_KNOWN in values and len(values) > 1:
            raise forms.ValidationError(_("“Not known” cannot be ticked together with other answers."))
        return values


class TraffickingFactsForm(forms.ModelForm):
    methods_of_recruitment = KnownMultipleChoiceField(MethodOfRecruitment.choices, label=_("Method of recruitment"))
    websites_apps = KnownMultipleChoiceField(WebsiteOrApp.choices, label=_("Websites and apps used"))
    methods_of_control = KnownMultipleChoiceField(MethodOfControl.choices, label=_("Means of control"))
    exploitation_types = KnownMultipleChoiceField(TypeOfExploitation.choices, label=_("Type of exploitation"))
    sex_exploitation_types = KnownMultipleChoiceField(
        TypeOfSexExploitation.choices, label=_("Type of sexual exploitation")
    )

    class Meta:
        model = TraffickingFacts
        fields = [
            "trafficking_status",
            "methods_of_recruitment",
            "recruitment_detail",
            "websites_apps",
            "websites_other",
            "methods_of_control",
            "exploitation_types",
            "sex_exploitation_types",
            "relationship_to_trafficker",
            "organised_crime",
            "notes",
        ]
        widgets = {
            "recruitment_detail": ROWS2,
            "websites_other": ROWS2,
            "notes": ROWS2,
            "organised_crime": forms.RadioSelect,
            "relationship_to_trafficker": forms.RadioSelect,
        }


class OutcomeForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=OutcomeResult.choices, widget=forms.RadioSelect)
    on = forms.DateField(label=_("Date located"), widget=DATE)
    place = PlaceField(
        label=_("Place located"), required=False, help_text=_("Town, state or country; empty if not known.")
    )
    how = forms.ChoiceField(label=_("How she was located"), choices=HowLocated.choices, initial=HowLocated.UNKNOWN)
    details = forms.CharField(label=_("Details"), required=False, widget=ROWS2, max_length=10000)

    def clean_on(self) -> Any:
        return not_in_future_date(self.cleaned_data["on"])
