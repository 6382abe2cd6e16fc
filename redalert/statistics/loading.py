"""Everything a yearly report reads from the database, loaded once per report and only when a table asks for it
(`YearData`): the case counts of the year (redalert.statistics.worked.YearCases, counted by the database), the
trafficking facts and route, the legal facts of the cases worked or followed up (matched in SQL), and the places
they name, reduced to the state or department they lie in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from redalert.investigation.models import TraffickingEvent, TraffickingFacts
from redalert.legal.choices import AccusedOutcome
from redalert.legal.models import Accused, Proceeding, StatusChange
from redalert.places.models import Place, PlaceKind
from redalert.places.names import country_name
from redalert.statistics.periods import Period, proceeding_periods
from redalert.statistics.scope import Scope
from redalert.statistics.worked import (
    ID_CHUNK,
    WorkedCases,
    YearCases,
    cases_worked_in,
    is_served,
    is_worked,
    json_lists,
)

SUBDIVISION, LOCALITY = PlaceKind.SUBDIVISION.value, PlaceKind.LOCALITY.value


@dataclass(frozen=True)
class RouteStop:
    event_type: str
    place_key: str | None  # the subdivision's (or, when only the country is known, the country's) key


class YearData:
    """Everything a yearly report reads, loaded once and only when a table asks for it.

    The case counts come from the database (`cases`: redalert.statistics.worked.YearCases, one query for every
    case-level table); related tables are read for the cases searched for (or followed up) in the year only, matched
    in SQL. `worked` loads every case into Python (the reference implementation, and what redalert.opendata reads).
    Usable as a context manager (`with YearData(...) as data:`), as the pages do; it holds nothing to release.
    """

    def __init__(self, scope: Scope, year: int, today: date | None = None) -> None:
        self.scope = scope
        self.period = Period(year)
        self.year = year
        self.today = today or timezone.localdate()
        self.scope_cases = scope.cases()

    def __enter__(self) -> YearData:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    @cached_property
    def cases(self) -> YearCases:
        return YearCases(self.scope_cases, self.year, self.scope.facts())

    @cached_property
    def worked(self) -> WorkedCases:
        return cases_worked_in(self.scope_cases, self.year)

    @cached_property
    def worked_total(self) -> int:
        return self.cases.count(is_worked)

    @cached_property
    def served_total(self) -> int:
        """The cases searched for or in follow-up in the year: the denominator of the care and legal figures."""
        return self.cases.count(is_served)

    def of_cases(self, queryset: QuerySet[Any], path: str = "case", *, served: bool = False) -> QuerySet[Any]:
        """The rows of a related table whose case (reached through `path`) was searched for in the year (or, with
        `served`, searched for or followed up)."""
        return queryset.filter(**{f"{path}__in": self.cases.case_ids(served=served)})

    def worked_ids(self) -> frozenset[int]:
        """The ids of every case searched for in the year (for the lists of cases behind a figure)."""
        return self.cases.ids(is_worked)

    @cached_property
    def facts(self) -> dict[int, tuple[list[str], str]]:
        """Per worked case with trafficking facts: (exploitation types, organised crime)."""
        rows = list(
            self.of_cases(TraffickingFacts.objects.all())
            .annotate(types_json=Cast("exploitation_types", TextField()))
            .order_by()
            .values_list("case_id", "types_json", "organised_crime")
        )
        types = json_lists(types_json for _c, types_json, _crime in rows)
        return {c: (t, crime) for (c, _json, crime), t in zip(rows, types, strict=True)}

    @cached_property
    def route(self) -> dict[int, list[RouteStop]]:
        rows = list(
            self.of_cases(TraffickingEvent.objects.all()).order_by().values_list("case_id", "event_type", "place_id")
        )
        keys = place_keys({place_id for _c, _e, place_id in rows if place_id is not None})
        stops: dict[int, list[RouteStop]] = defaultdict(list)
        for case_id, event_type, place_id in rows:
            stops[case_id].append(RouteStop(event_type, keys.get(place_id) if place_id is not None else None))
        return stops

    @cached_property
    def legal(self) -> LegalFacts:
        return legal_facts(self, self.today)

    def place_labels(self, keys: Iterable[str]) -> dict[str, str]:
        return place_labels(keys)


def place_key(kind: str | None, place_id: int | None, subdivision_id: int | None, country: str | None) -> str | None:
    """The subdivision a place lies in ("s<id>"), or its country ("c<code>") when the subdivision is not known."""
    if place_id is None:
        return None
    if kind == SUBDIVISION:
        return f"s{place_id}"
    if kind == LOCALITY and subdivision_id is not None:
        return f"s{subdivision_id}"
    return f"c{country}" if country else None


def place_keys(place_ids: Iterable[int]) -> dict[int, str | None]:
    """place_key of each place id, read in one query."""
    ids = sorted(place_ids)
    keys: dict[int, str | None] = {}
    for start in range(0, len(ids), ID_CHUNK):
        rows = Place.objects.filter(pk__in=ids[start : start + ID_CHUNK]).values_list(
            "id", "kind", "subdivision_id", "country_code"
        )
        keys.update({pk: place_key(kind, pk, subdivision_id, country) for pk, kind, subdivision_id, country in rows})
    return keys


def place_labels(keys: Iterable[str]) -> dict[str, str]:
    keys = list(keys)
    ids = [int(k[1:]) for k in keys if k.startswith("s")]
    places = Place.objects.in_bulk(ids)
    labels: dict[str, str] = {}
    for key in keys:
        if key.startswith("s"):
            place = places.get(int(key[1:]))
            labels[key] = (
                f"{place.name}, {country_name(place.country_code)}" if place else _("Place %(id)s") % {"id": key}
            )
        else:
            labels[key] = _("%(country)s (state not known)") % {"country": country_name(key[1:])}
    return labels


@dataclass
class ProceedingFacts:
    id: int
    case_id: int
    has_lawyer: bool
    complaint_filed_on: date | None
    periods: list[tuple[date, date | None]]


@dataclass
class LegalFacts:
    proceedings: list[ProceedingFacts] = field(default_factory=list)
    # (case id, outcome date or None) of every accused person convicted, as of the report date.
    convictions: list[tuple[int, date | None]] = field(default_factory=list)


def legal_facts(data: YearData, today: date) -> LegalFacts:
    """The proceedings and convictions of the cases searched for or followed up in the year."""
    proceedings = {
        pk: (case_id, lawyer_id, filed, recorded_on)
        for pk, case_id, lawyer_id, filed, recorded_on in data.of_cases(Proceeding.objects.all(), served=True)
        .order_by()
        .annotate(recorded_on=Cast(TruncDate("created_at", tzinfo=timezone.get_default_timezone()), TextField()))
        .values_list("id", "case_id", "lawyer_id", "complaint_filed_on", "recorded_on")
    }
    changes: dict[int, list[tuple[date, int, str]]] = defaultdict(list)
    for proceeding_id, to_status, on, pk in (
        data.of_cases(StatusChange.objects.all(), "proceeding__case", served=True)
        .order_by()
        .values_list("proceeding_id", "to_status", "changed_on", "id")
    ):
        changes[proceeding_id].append((on, pk, to_status))
    facts = LegalFacts()
    for pk, (case_id, lawyer_id, filed, recorded_on) in proceedings.items():
        history = sorted(changes.get(pk, []))
        # Under way from the complaint or from its first status (the organisation may represent her before a
        # complaint is filed, e.g. an imported `legal_representation_from`), whichever came first.
        starts = [d for d in (filed, history[0][0] if history else None) if d is not None]
        start = min(starts) if starts else date.fromisoformat(recorded_on)
        periods = proceeding_periods(start, [(on, to) for on, _pk, to in history])
        facts.proceedings.append(ProceedingFacts(pk, case_id, lawyer_id is not None, filed, periods))
    for case_id, convicted_on in (
        data.of_cases(Accused.objects.filter(outcome=AccusedOutcome.CONVICTED), "proceeding__case", served=True)
        .order_by()
        .values_list("proceeding__case_id", "outcome_on")
    ):
        if convicted_on is None or convicted_on <= today:
            facts.convictions.append((case_id, convicted_on))
    return facts
