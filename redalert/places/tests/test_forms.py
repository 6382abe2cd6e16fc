from __future__ import annotations

from django import forms
from django.utils import translation

from redalert.places.forms import PlaceField
from redalert.places.models import PlaceKind


class TripForm(forms.Form):
    place = PlaceField(label="Lugar")
    via = PlaceField(label="Pasando por", required=False)


class LocalityForm(forms.Form):
    town = PlaceField(label="Town", kinds=[PlaceKind.LOCALITY], country="MX")


def bound(**data):
    return TripForm(data={key: value for key, value in data.items() if value is not None})


def test_clean_with_the_id_picked(places):
    form = bound(place_0="Santiago de Querétaro, Querétaro, México", place_1=str(places["qro_city"].pk))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["place"] == places["qro_city"]
    assert form.cleaned_data["via"] is None


def test_an_id_alone_is_enough(places):
    form = bound(place_0="", place_1=str(places["tlax_city"].pk))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["place"] == places["tlax_city"]


def test_clean_with_typed_text_only(places):
    form = bound(place_0="tlaxcala de xicohtencatl", place_1="")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["place"] == places["tlax_city"]


def test_text_edited_after_a_pick_wins_over_the_stale_id(places):
    # Without JavaScript the hidden id stays; the user typed another place over the old label.
    form = bound(place_0="Tlaxcala", place_1=str(places["qro_city"].pk))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["place"] == places["tlax"]


def test_unknown_text_is_refused_with_a_message_in_the_users_language(places):
    with translation.override("en"):
        form = bound(place_0="Atlantis", place_1="")
        assert not form.is_valid()
        assert form.errors["place"] == ["Choose a place from the list; “Atlantis” is not a place we know."]
    with translation.override("es"):
        form = bound(place_0="Atlantis", place_1="")
        assert not form.is_valid()
        assert form.errors["place"] == [str(PlaceField.default_error_messages["unknown"]) % {"text": "Atlantis"}]


def test_unknown_id_is_refused(places):
    form = bound(place_0="", place_1="999999")
    assert not form.is_valid()
    assert "999999" in form.errors["place"][0]
    assert not bound(place_0="", place_1="not-a-number").is_valid()


def test_ambiguous_text_is_refused(places):
    from redalert.lib.text import fold
    from redalert.places.models import Place

    for code, subdivision in (("gn:1", places["qro"]), ("gn:2", places["tlax"])):
        Place.objects.create(
            kind=PlaceKind.LOCALITY, code=code, name="San Juan", search_name=fold("San Juan"), country_code="MX",
            parent=places["mx"], subdivision=subdivision,
        )  # fmt: skip
    with translation.override("en"):
        form = bound(place_0="San Juan", place_1="")
        assert not form.is_valid()
        assert form.errors["place"] == ["Several places are called “San Juan”: choose one from the list."]
    with translation.override("es"):
        assert bound(place_0="San Juan, Tlaxcala, México", place_1="").is_valid()


def test_required_and_optional(places):
    with translation.override("en"):
        form = bound(place_0="", place_1="")
        assert not form.is_valid()
        assert form.errors["place"] == ["This field is required."]
    assert set(form.errors) == {"place"}  # "via" is optional
    assert not TripForm(data={}).is_valid()


def test_restrictions_apply_to_ids_and_text(places):
    assert LocalityForm(data={"town_0": "", "town_1": str(places["qro_city"].pk)}).is_valid()
    assert not LocalityForm(data={"town_0": "", "town_1": str(places["qro"].pk)}).is_valid()
    assert not LocalityForm(data={"town_0": "Querétaro", "town_1": ""}).is_valid()  # a state, not a town


def test_has_changed(places):
    initial = {"place": places["qro_city"].pk}
    same = TripForm(initial=initial, data={"place_0": "", "place_1": str(places["qro_city"].pk)})
    other = TripForm(initial=initial, data={"place_0": "Tlaxcala", "place_1": ""})
    assert "place" not in same.changed_data
    assert "place" in other.changed_data


def test_widget_markup(places):
    with translation.override("es"):
        html = TripForm(initial={"place": places["qro_city"].pk}).as_div()
    assert '<label for="id_place_0">' in html
    assert 'id="id_place_0"' in html and 'name="place_0"' in html
    assert 'value="Santiago de Querétaro, Querétaro, México"' in html
    assert f'type="hidden" name="place_1" value="{places["qro_city"].pk}" id="id_place_1"' in html
    for attribute in ('role="combobox"', 'aria-expanded="false"', 'aria-controls="id_place_0_listbox"',
                      'aria-autocomplete="list"', 'autocomplete="off"', 'role="listbox"', 'id="id_place_0_listbox"',
                      'data-search-url="/places/search/"', 'aria-live="polite"'):  # fmt: skip
        assert attribute in html, attribute


def test_widget_keeps_what_was_typed_after_an_error(places):
    form = bound(place_0="Atlantis", place_1="")
    assert 'value="Atlantis"' in str(form["place"])


def test_widget_passes_its_restrictions_to_the_script(places):
    html = str(LocalityForm()["town"])
    assert 'data-country="MX"' in html
    assert 'data-kinds="locality"' in html
