"""The map filters as a GET form (the page works without JavaScript), and the view of a layer (zoom, bbox)."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from redalert.cases.choices import Sex
from redalert.investigation.choices import NOT_KNOWN, TypeOfExploitation
from redalert.maps.boundaries import BBox
from redalert.maps.filters import AGE_GROUPS, AGE_UNKNOWN, EXPLOITATION_NOT_RECORDED, MapFilters
from redalert.maps.permissions import SCOPE_LABELS, Scope


class MapFilterForm(forms.Form):
    year_from = forms.TypedChoiceField(label=_("From year"), required=False, coerce=int, empty_value=None)
    year_to = forms.TypedChoiceField(label=_("To year"), required=False, coerce=int, empty_value=None)
    sex = forms.ChoiceField(label=_("Sex"), required=False)
    age_group = forms.ChoiceField(label=_("Age when last seen"), required=False)
    exploitation = forms.ChoiceField(label=_("Type of exploitation"), required=False)
    scope = forms.ChoiceField(label=_("Cases of"), required=False)

    def __init__(self, *args: Any, years: list[int] | None = None, scopes: list[Scope], **kwargs: Any) -> None:
        """`years`: those offered (the page); None accepts any plausible year (the layers, which only read)."""
        super().__init__(*args, **kwargs)
        if years is None:
            years = list(range(1900, date.today().year + 2))
        year_choices = [("", _("Any")), *[(str(y), str(y)) for y in sorted(years, reverse=True)]]
        cast(forms.ChoiceField, self.fields["year_from"]).choices = year_choices
        cast(forms.ChoiceField, self.fields["year_to"]).choices = year_choices
        cast(forms.ChoiceField, self.fields["sex"]).choices = [("", _("Any")), *Sex.choices]
        cast(forms.ChoiceField, self.fields["age_group"]).choices = [
            ("", _("Any")),
            *[(key, label) for key, (label, _low, _high) in AGE_GROUPS.items()],
            (AGE_UNKNOWN, _("Not known")),
        ]
        cast(forms.ChoiceField, self.fields["exploitation"]).choices = [
            ("", _("Any")),
            *TypeOfExploitation.choices,
            (NOT_KNOWN, _("Recorded as not known")),
            (EXPLOITATION_NOT_RECORDED, _("Not recorded")),
        ]
        cast(forms.ChoiceField, self.fields["scope"]).choices = [(s.value, SCOPE_LABELS[s]) for s in scopes]
        if len(scopes) == 1:
            self.fields["scope"].widget = forms.HiddenInput()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("year_from"), data.get("year_to")
        if start is not None and end is not None and start > end:
            self.add_error("year_to", _("The end of the period is before its start."))
        return data

    def filters(self) -> MapFilters:
        """The filters chosen (call after is_valid(); an invalid form filters nothing)."""
        data = self.cleaned_data if self.is_valid() else {}
        return MapFilters(
            year_from=data.get("year_from"),
            year_to=data.get("year_to"),
            sex=data.get("sex") or "",
            age_group=data.get("age_group") or "",
            exploitation=data.get("exploitation") or "",
        )


class LayerViewForm(forms.Form):
    """What part of the map a layer is for: the zoom, and the visible box "west,south,east,north" (optional)."""

    zoom = forms.IntegerField(required=False, min_value=0, max_value=22)
    bbox = forms.CharField(required=False, max_length=120)

    def clean_bbox(self) -> BBox | None:
        text = (self.cleaned_data.get("bbox") or "").strip()
        if not text:
            return None
        try:
            west, south, east, north = (float(part) for part in text.split(","))
        except ValueError:
            raise forms.ValidationError(_("The map box must be four numbers: west, south, east, north.")) from None
        if not (-90 <= south <= north <= 90) or west > east or not all(abs(v) <= 540 for v in (west, east)):
            raise forms.ValidationError(_("The map box is outside the world."))
        return (max(west, -180.0), south, min(east, 180.0), north)
