"""Reading one cell: dates, numbers, amounts, yes/no/unknown, value lists (codes or their English/Spanish/Portuguese
labels, case- and accent-insensitive), countries and places of the gazetteer.

An empty cell is always "not known": parsers get None for it and are never asked to turn it into "no" or 0.
A value that cannot be read raises CellError with a reason code (redalert.imports.problems).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

import pycountry
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation

from redalert.cases.choices import YesNoUnknown
from redalert.lib.text import fold
from redalert.places.models import Place
from redalert.places.names import catalogue, english_name
from redalert.places.search import SEPARATOR, current_code, label_keys, matching_places, places_named, search_key

LANGUAGES = ("en", "es", "pt")
LIST_SEPARATORS = re.compile(r"\s*[;|\n]\s*")
CODE_LIST_SEPARATORS = re.compile(r"\s*[;|,\n]\s*")


class CellError(Exception):
    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def text(raw: Any) -> str:
    """A cell as text: numbers without a trailing .0, dates in ISO form, surrounding blanks removed."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "yes" if raw else "no"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime):
        return raw.isoformat(sep=" ") if raw.time() != time(0) else raw.date().isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    return str(raw).strip()


def key(value: str) -> str:
    """The matching form of a code or label: folded, with spaces, hyphens and underscores removed."""
    return re.sub(r"[\s_\-./]+", "", fold(value))


# --- Dates -------------------------------------------------------------------------------------------------------

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


def parse_datetime_parts(raw: Any) -> tuple[date, time | None]:
    """A date (and a time if the cell has one): ISO YYYY-MM-DD, or day first DD/MM/YYYY, or a spreadsheet date."""
    if isinstance(raw, datetime):
        return raw.date(), (raw.time() if raw.time() != time(0) else None)
    if isinstance(raw, date):
        return raw, None
    value = text(raw)
    match = _ISO.match(value)
    if match:
        y, m, d, hh, mm, ss = match.groups()
    else:
        match = _DAY_FIRST.match(value)
        if not match:
            raise CellError("invalid_date")
        d, m, y, hh, mm, ss = match.groups()
    try:
        day = date(int(y), int(m), int(d))
        moment = time(int(hh), int(mm), int(ss or 0)) if hh is not None else None
    except ValueError:
        raise CellError("invalid_date") from None
    return day, moment


def parse_date(raw: Any) -> date:
    day, _moment = parse_datetime_parts(raw)
    if day > timezone.localdate():
        raise CellError("future_date")
    return day


def parse_report_moment(raw: Any) -> datetime:
    """When the report was received: the date at noon (local time) unless the cell gives the time."""
    day, moment = parse_datetime_parts(raw)
    if day > timezone.localdate():
        raise CellError("future_date")
    return timezone.make_aware(datetime.combine(day, moment or time(12, 0)))


# --- Numbers and money -------------------------------------------------------------------------------------------


def parse_age(raw: Any) -> int:
    """Whole years, 0 to 120 ("0" is a baby, not "not known")."""
    value = text(raw)
    if not re.fullmatch(r"\d{1,3}", value):
        raise CellError("invalid_number")
    age = int(value)
    if age > 120:
        raise CellError("out_of_range", min=0, max=120)
    return age


def parse_amount(raw: Any) -> Decimal:
    """A non-negative amount with at most two decimals; "0" is no cost, not "not known"."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        value = str(raw)
    else:
        value = text(raw).replace(" ", "")
        if "," in value and "." not in value and re.fullmatch(r"-?\d+,\d{1,2}", value):
            value = value.replace(",", ".")  # a decimal comma, as Spanish spreadsheets write it
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise CellError("invalid_amount") from None
    if not amount.is_finite():
        raise CellError("invalid_amount")
    if amount < 0:
        raise CellError("negative_amount")
    if amount != amount.quantize(Decimal("0.01")) or amount >= Decimal("1e12"):
        raise CellError("invalid_amount")
    return amount.quantize(Decimal("0.01"))


def parse_currency(raw: Any) -> str:
    value = text(raw).upper()
    if len(value) != 3 or pycountry.currencies.get(alpha_3=value) is None:
        raise CellError("invalid_currency")
    return value


def bounded_text(max_length: int) -> Any:
    def parse(raw: Any) -> str:
        value = text(raw)
        if len(value) > max_length:
            raise CellError("too_long", max=max_length)
        return value

    return parse


# --- Value lists -------------------------------------------------------------------------------------------------


class ChoiceMap:
    """Reads a value of a list: its code, or its label in English, Spanish or Portuguese, or a documented synonym."""

    def __init__(
        self, choices: type[models.TextChoices], extra: Mapping[str, str] | None = None, exclude: Iterable[str] = ()
    ) -> None:
        self.choices = choices
        self.extra = dict(extra or {})
        self.exclude = frozenset(exclude)
        self._keys: dict[str, str] | None = None

    def keys(self) -> dict[str, str]:
        if self._keys is None:
            keys: dict[str, str] = {}
            for language in LANGUAGES:
                with translation.override(language):
                    for value, label in self.choices.choices:
                        if value not in self.exclude:
                            keys.setdefault(key(str(label)), str(value))
            for value in self.choices.values:
                if value not in self.exclude:
                    keys[key(str(value))] = str(value)
            for synonym, value in self.extra.items():
                keys[key(synonym)] = value
            self._keys = keys
        return self._keys

    def accepted(self) -> str:
        return ", ".join(str(v) for v in self.choices.values if v not in self.exclude)

    def parse(self, raw: Any) -> str:
        found = self.keys().get(key(text(raw)))
        if found is None:
            raise CellError("invalid_choice", accepted=self.accepted())
        return found

    def parse_list(self, raw: Any, not_known: str | None = None) -> list[str]:
        """Several values separated by ; | or commas, without repeats; "not known" alone gives [not_known]."""
        values: list[str] = []
        for part in CODE_LIST_SEPARATORS.split(text(raw)):
            if not part:
                continue
            if not_known is not None and key(part) in NOT_KNOWN_WORDS:
                values.append(not_known)
                continue
            found = self.keys().get(key(part))
            if found is None:
                accepted = self.accepted() + (f", {not_known}" if not_known else "")
                raise CellError("invalid_choice", accepted=accepted)
            values.append(found)
        values = list(dict.fromkeys(values))
        if not_known is not None and not_known in values and len(values) > 1:
            values.remove(not_known)  # "not known" next to known values says nothing more
        return values


NOT_KNOWN_WORDS = frozenset(
    key(w)
    for w in (
        "unknown",
        "not known",
        "NotKnown",
        "NonSpecifiedUnknown",
        "no se sabe",
        "desconocido",
        "desconocida",
        "se desconoce",
        "não se sabe",
        "desconhecido",
        "nk",
        "?",
    )
)


YES_NO_UNKNOWN = ChoiceMap(
    YesNoUnknown,
    extra={
        "y": "yes",
        "s": "yes",
        "si": "yes",
        "sim": "yes",
        "1": "yes",
        "true": "yes",
        "verdadero": "yes",
        "n": "no",
        "nao": "no",
        "0": "no",
        "false": "no",
        "falso": "no",
        **{w: "unknown" for w in ("unknown", "no se sabe", "desconocido", "se desconoce", "nao se sabe", "nk")},
    },
)


# --- Countries ---------------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def country_keys() -> dict[str, str]:
    """ISO 3166-1 alpha-2 and alpha-3 codes and country names in English, Spanish and Portuguese → alpha-2."""
    keys: dict[str, str] = {}
    for country in pycountry.countries:
        names = {country.name, english_name(country), getattr(country, "official_name", country.name)}
        for language in ("es", "pt_BR", "pt"):
            names |= {catalogue(language).gettext(name) for name in list(names)}
        for name in names:
            keys.setdefault(key(name), country.alpha_2)
        keys[key(country.alpha_3)] = country.alpha_2
        keys[key(country.alpha_2)] = country.alpha_2
    return keys


def parse_countries(raw: Any) -> list[str]:
    """Nationalities: ISO 3166-1 codes or country names, separated by ; | or commas; [] when empty."""
    codes: list[str] = []
    for part in CODE_LIST_SEPARATORS.split(text(raw)):
        if not part:
            continue
        code = country_keys().get(key(part))
        if code is None:
            raise CellError("unknown_country", value=part)
        codes.append(code)
    return list(dict.fromkeys(codes))


# --- Places ------------------------------------------------------------------------------------------------------


class PlaceResolver:
    """Finds the gazetteer place a cell names: by code (MX, MX-QUE, a former code such as GT-AV, gn:3991164), else
    by its full label, its name, or "name, state, country" with any of the place's names.

    `countries` (ISO alpha-2) are those the organisation works in: a name that does not say its country only
    matches places there; one found only elsewhere ("Atlantis" → South Africa) is a problem of the row, not a match.
    Remembers what it found, so that the thousand rows naming the same town cost one lookup, and keeps an index
    of the gazetteer's search names (read once, on the first name looked up) so that finding the places a name
    may mean is a lookup in memory and one query by primary key, not a scan of the gazetteer per name.
    """

    def __init__(self, countries: Iterable[str] = ()) -> None:
        self.countries = frozenset(c.upper() for c in countries if c)
        self._found: dict[str, Place | CellError] = {}
        self._names: dict[str, list[int]] | None = None

    def named(self, head: str) -> list[Place]:
        """The places (at most 500, in the order of their ids) one of whose names in `search_name` is `head`:
        what the query `search_name` = head, or starts, ends or contains it between separators, returns."""
        if self._names is None:
            names: dict[str, list[int]] = {}
            for pk, search_name in Place.objects.values_list("pk", "search_name").iterator(chunk_size=5000):
                for name in set(search_name.split(SEPARATOR)):
                    names.setdefault(name, []).append(pk)
            self._names = names
        ids = sorted(self._names.get(head, ()))[:500]
        return list(Place.objects.select_related("subdivision").filter(pk__in=ids).order_by("pk")) if ids else []

    def resolve(self, value: str) -> Place:
        cache_key = fold(value)
        found = self._found.get(cache_key)
        if found is None:
            found = self._lookup(value)
            self._found[cache_key] = found
        if isinstance(found, CellError):
            raise found
        return found

    def _lookup(self, value: str) -> Place | CellError:
        value = value.strip()
        if _PLACE_CODE.match(value):
            by_code = Place.objects.filter(code=current_code(value)).first()
            if by_code is not None:
                return by_code  # a code names its country
        matches = _by_label_or_name(value, self.named)
        if matches is None:
            matches = matching_places(value) or places_named(value)
        if not matches:
            return CellError("unknown_place")
        if self.countries and not _names_country(value):
            nearby = [p for p in matches if p.country_code in self.countries]
            if not nearby:
                examples = "; ".join(f"{p.label} = {p.code}" for p in matches[:3])
                return CellError("place_elsewhere", examples=examples, countries=", ".join(sorted(self.countries)))
            matches = nearby
        if len(matches) == 1:
            return matches[0]
        examples = "; ".join(f"{p.label} = {p.code}" for p in matches[:3])
        return CellError("ambiguous_place", examples=examples)

    def parse(self, raw: Any) -> Place:
        return self.resolve(text(raw))

    def parse_list(self, raw: Any) -> list[Place]:
        """Places separated by ; or | (commas belong to labels such as "Querétaro, México")."""
        places = [self.resolve(part) for part in LIST_SEPARATORS.split(text(raw)) if part]
        return list(dict.fromkeys(places))


def _names_country(value: str) -> bool:
    """Whether a place's text is or ends with a country ("Guatemala", "…, Guatemala"): it may then lie outside
    the countries the organisation works in."""
    return key(value.rsplit(",", 1)[-1]) in country_keys()


_PLACE_CODE = re.compile(r"^(?:[A-Za-z]{2}(?:-[A-Za-z0-9]{1,3})?|gn:\d+)$", re.IGNORECASE)


def _by_label_or_name(value: str, named: Callable[[str], list[Place]] | None = None) -> list[Place] | None:
    """The usual cases of matching_places, quicker: "Name, State, Country" (the places named by the text before the
    first comma whose label, in any language, is the whole text) or a bare name. None when neither finds a place:
    matching_places then decides (aliases, names with a comma). `named` finds the places of a name (a resolver's
    index); without it, a query does."""
    whole = search_key(value)
    head = search_key(value.split(",", 1)[0])
    if not head:
        return None
    if named is not None:
        candidates = named(head)
    else:
        named_head = (
            Q(search_name=head)
            | Q(search_name__startswith=head + SEPARATOR)
            | Q(search_name__contains=SEPARATOR + head + SEPARATOR)
            | Q(search_name__endswith=SEPARATOR + head)
        )
        candidates = list(Place.objects.select_related("subdivision").filter(named_head).order_by("pk")[:500])
    labelled = [place for place in candidates if whole in label_keys(place)]
    if labelled:
        return labelled
    if "," not in value:
        by_name = [place for place in candidates if search_key(place.name) == whole]
        if by_name:
            return by_name
    return None
