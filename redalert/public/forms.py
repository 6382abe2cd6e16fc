"""Forms of the public site (search filters) and of its staff pages (publication, public texts)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.forms.utils import flatatt
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from redalert.cases.models import Case, Photo
from redalert.public.models import Publication, PublicText


class PlainInput(forms.widgets.Input):
    """An <input> drawn in Python: the markup of Django's input template, without a template per field."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        shown = self.format_value(value)
        head: dict[str, Any] = {"type": self.input_type, "name": name}
        if shown is not None:
            head["value"] = str(shown)
        return mark_safe(f"<input{flatatt({**head, **self.build_attrs(self.attrs, attrs)})}>")  # flatatt escapes


class PlainTextInput(PlainInput, forms.TextInput):
    input_type = "text"


class PlainNumberInput(PlainInput, forms.NumberInput):  # a NumberInput: IntegerField adds min and max
    input_type = "number"


class DateInput(PlainInput, forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class PlainSelect(forms.Select):
    """A <select> drawn in Python rather than through a template per option.

    Same markup as forms.Select. The public lists offer a hundred states, and drawing each option (and each field)
    through the template engine was most of the time spent drawing a list page.
    """

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, attrs)
        selected = set(self.format_value(value))
        options = "".join(
            f'<option value="{escape(choice)}"{" selected" if str(choice) in selected else ""}>{escape(label)}</option>'
            for choice, label in self.choices
        )
        return mark_safe(f'<select name="{escape(name)}"{flatatt(final_attrs)}>{options}</select>')  # escaped above


class PublicSearchForm(forms.Form):
    """The filters of the public lists, sent by GET so that a filtered list is a link people can share."""

    q = forms.CharField(label=_("Name"), required=False, max_length=200, widget=PlainTextInput)
    country = forms.ChoiceField(label=_("Country"), required=False, widget=PlainSelect)
    state = forms.ChoiceField(label=_("State / department"), required=False, widget=PlainSelect)
    age_min = forms.IntegerField(
        label=_("Age from"), required=False, min_value=0, max_value=120, widget=PlainNumberInput
    )
    age_max = forms.IntegerField(label=_("Age to"), required=False, min_value=0, max_value=120, widget=PlainNumberInput)
    date_from = forms.DateField(label=_("Last seen from"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Last seen until"), required=False, widget=DateInput())

    def __init__(
        self,
        *args: Any,
        countries: list[tuple[str, str]] | None = None,
        states: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["country"]).choices = [("", _("All countries")), *(countries or [])]
        cast(forms.ChoiceField, self.fields["state"]).choices = [("", _("All states")), *(states or [])]
        self.fields["q"].widget.attrs.update({"autocomplete": "off", "enterkeyhint": "search"})
        for name in ("age_min", "age_max"):
            self.fields[name].widget.attrs.update({"inputmode": "numeric"})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        age_min, age_max = data.get("age_min"), data.get("age_max")
        if age_min is not None and age_max is not None and age_min > age_max:
            self.add_error("age_max", _("The upper age must not be below the lower age."))
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if date_from is not None and date_to is not None and date_from > date_to:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return data

    @property
    def is_filtered(self) -> bool:
        return bool(self.is_bound and any(self.data.get(name) for name in self.fields))

    def uses_more_filters(self) -> bool:
        """A filter besides the name is set: only then are "More filters" open (a name search keeps results up)."""
        return bool(self.is_bound and any(self.data.get(name) for name in self.fields if name != "q"))


class PhotoChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Photo) -> str:
        return obj.caption or _("Photo of %(date)s") % {
            "date": date_format(obj.uploaded_at.date(), "SHORT_DATE_FORMAT")
        }


class PublicationForm(forms.ModelForm):
    """What a coordinator chooses to show of a case: the photo, the optional details and a text for the public."""

    photo = PhotoChoiceField(
        queryset=Photo.objects.none(),
        required=False,
        widget=forms.RadioSelect,
        empty_label=_("No photo"),
        label=_("Photo to publish"),
    )

    class Meta:
        model = Publication
        fields = [
            "photo",
            "show_age",
            "show_physical_description",
            "show_distinguishing_marks",
            "show_clothing",
            "public_summary",
        ]
        widgets = {"public_summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        photos = case.photos.order_by("-uploaded_at", "-id")
        cast(PhotoChoiceField, self.fields["photo"]).queryset = photos
        self.photos_on_file = photos.count()
        if not self.is_bound and self.instance.published_at is None and self.instance.photo_id is None:
            # Never published yet: the newest photo is preselected (a search is shared far more with a face).
            newest = photos.first()
            if newest is not None:
                self.initial["photo"] = newest.pk

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("photo") and self.photos_on_file and not self.data.get("without_photo"):
            raise forms.ValidationError(
                _(
                    "No photo is chosen although the case has %(count)s on file. Choose one, or tick "
                    "“Publish without a photo” if the family does not want one shown."
                ),
                code="no_photo_chosen",
                params={"count": self.photos_on_file},
            )
        return data


class PublicTextForm(forms.ModelForm):
    class Meta:
        model = PublicText
        fields = ["about", "contact_line", "hotline"]
        widgets = {"about": forms.Textarea(attrs={"rows": 6})}
