"""Choosing a place in a form: type, pick from the suggestions; without JavaScript, the typed text is resolved.

The widget posts two values: `<name>_0`, the text in the box ("Santiago de Querétaro, Querétaro, México"),
and `<name>_1`, the id of the place picked (filled by static/js/place-picker.js). The field takes the id when
there is one that agrees with the text, else looks the text up (`matching_places`), and says which of the two
went wrong: a text that names no place, or one that names several.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from redalert.places.models import Place
from redalert.places.search import label_keys, matching_places, name_keys, search_key


class PlacePickerWidget(forms.MultiWidget):
    """A text box with suggestions (ARIA combobox + listbox) and a hidden input holding the Place id."""

    template_name = "places/widgets/place_picker.html"
    use_fieldset = False  # one control: its <label> points at the text box

    def __init__(
        self,
        attrs: dict[str, Any] | None = None,
        *,
        country: str | None = None,
        kinds: Sequence[str] | None = None,
        search_url: str | None = None,
    ) -> None:
        self.country = country
        self.kinds = list(kinds or [])
        self.search_url = search_url  # None: the staff endpoint (places:search)
        super().__init__([forms.TextInput(), forms.HiddenInput()], attrs)

    def decompress(self, value: Any) -> list[Any]:
        place = _place_or_none(value)
        return [place.label, place.pk] if place else ["", ""]

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_0" if id_ else ""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        if not isinstance(value, list | tuple):
            value = self.decompress(value)
        text, pk = [*value, "", ""][:2]
        if pk and not (text or "").strip():  # an id posted alone: show what it is
            place = _place_or_none(pk)
            text = place.label if place else ""
        context = super().get_context(name, [text or "", pk or ""], attrs)
        text_widget, id_widget = context["widget"]["subwidgets"]
        listbox_id = f"{text_widget['attrs'].get('id') or name}_listbox"
        text_widget["attrs"].update(
            {
                "role": "combobox",
                "aria-autocomplete": "list",
                "aria-expanded": "false",
                "aria-controls": listbox_id,
                "autocomplete": "off",
                "autocapitalize": "off",
                "spellcheck": "false",
            }
        )
        # The hidden input only needs its name, value and id.
        id_widget["attrs"] = {key: val for key, val in id_widget["attrs"].items() if key in ("id", "disabled")}
        context["widget"].update(
            {
                "listbox_id": listbox_id,
                "search_url": self.search_url or reverse("places:search"),
                "country": self.country or "",
                "kinds": ",".join(self.kinds),
            }
        )
        return context


def _place_or_none(value: Any) -> Place | None:
    if isinstance(value, Place):
        return value
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return Place.objects.select_related("subdivision").filter(pk=pk).first()


class PlaceField(forms.Field):
    """A Place chosen with PlacePickerWidget; cleans to a Place (or None when optional and empty).

    `country` (ISO alpha-2) and `kinds` (PlaceKind values) restrict the places offered and accepted.
    """

    widget = PlacePickerWidget
    default_error_messages = {
        "unknown": _("Choose a place from the list; “%(text)s” is not a place we know."),
        "ambiguous": _("Several places are called “%(text)s”: choose one from the list."),
    }

    def __init__(self, *, country: str | None = None, kinds: Iterable[str] | None = None, **kwargs: Any) -> None:
        self.country = country.upper() if country else None
        self.kinds = list(kinds) if kinds is not None else None
        kwargs.setdefault("widget", PlacePickerWidget(country=self.country, kinds=self.kinds))
        super().__init__(**kwargs)

    def accepts(self, place: Place) -> bool:
        return (self.country is None or place.country_code == self.country) and (
            self.kinds is None or place.kind in self.kinds
        )

    def to_python(self, value: Any) -> Place | None:
        if isinstance(value, Place):
            return value
        if isinstance(value, list | tuple):
            text, pk = [*value, None, None][:2]
        else:
            text, pk = None, value
        text = (text or "").strip()
        pk = str(pk).strip() if pk not in (None, "") else ""

        if pk:
            place = _place_or_none(pk)
            # The id counts unless the text, edited after the pick (without JavaScript), names something else.
            if place is not None and self.accepts(place) and (not text or _names(text, place)):
                return place
            if not text:
                raise ValidationError(self.error_messages["unknown"], code="unknown", params={"text": pk})
        if not text:
            return None
        matches = [place for place in matching_places(text) if self.accepts(place)]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise ValidationError(self.error_messages["unknown"], code="unknown", params={"text": text})
        raise ValidationError(self.error_messages["ambiguous"], code="ambiguous", params={"text": text})

    def has_changed(self, initial: Any, data: Any) -> bool:
        if self.disabled:
            return False
        try:
            new = self.to_python(data)
        except ValidationError:
            return True
        initial_pk = initial.pk if isinstance(initial, Place) else initial
        return str(initial_pk or "") != str(new.pk if new else "")


def _names(text: str, place: Place) -> bool:
    """Whether the typed `text` is this place: its label, its name or one of its aliases."""
    key = search_key(text)
    return key == search_key(place.name) or key in name_keys(place) or key in label_keys(place)
