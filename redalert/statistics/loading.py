"""Everything a yearly report reads from the database, loaded once per report and only when a table asks for it
(`YearData`): the cases worked (redalert.statistics.worked), the located results, the trafficking facts and route,
the legal facts, and the places they name, reduced to the state or department they lie in.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from django.db import DatabaseError, connection
from django.db.models import TextField
from django.db.models.expressions import RawSQL
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
from redalert.statistics.worked import ID_CHUNK, WorkedCases, cases_worked_in, json_lists, located_results

SUBDIVISION, LOCALITY = PlaceKind.SUBDIVISION.value, PlaceKind.LOCALITY.value


@dataclass(frozen=True)
class RouteStop:
    event_type: str
    place_key: str | None  # the subdivision's (or, when only the country is known, the country's) key


class YearData:
    """Everything a yearly report reads, loaded once and only when a table asks for it.

    Used as a context manager (`with YearData(...) as data:`), it also keeps the ids of the cases that may be worked
    in a temporary table while the tables are built, so that each related table is matched against that small
    table instead of filtering the case table again (one scan of the cases per report instead of one per table).
    """

    def __init__(self, scope: Scope, year: int, today: date | None = None) -> None:
        self.scope = scope
        self.period = Period(year)
        self.year = year
        self.today = today or timezone.localdate()
        self.cases = scope.cases()
        self._keep_ids = False
        self._temporary_table = ""

    def __enter__(self) -> YearData:
        self._keep_ids = True
        return self

    def __exit__(self, *exc: object) -> None:
        if self._temporary_table:
            try:
                with connection.cursor() as cursor:
                    cursor.execute(f"DROP TABLE IF EXISTS {self._temporary_table}")
            except DatabaseError:  # an aborted transaction drops it on rollback
                pass
            self._temporary_table = ""

    @cached_property
    def worked(self) -> WorkedCases:
        worked = cases_worked_in(self.cases, self.year)
        if self._keep_ids:
            worked.case_ids_sql = self._keep_case_ids(worked.ids | worked.follow_up)
        return worked

    def _keep_case_ids(self, ids: frozenset[int]) -> RawSQL:
        # Only a generated name goes into these statements; the ids are parameters.
        name = f"statistics_cases_{secrets.token_hex(6)}"
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE {name} (id bigint PRIMARY KEY)")
            self._temporary_table = name
            if connection.vendor == "postgresql":
                cursor.execute(f"INSERT INTO {name} (id) SELECT unnest(%s::bigint[])", [sorted(ids)])
                cursor.execute(f"ANALYZE {name}")
            else:
                cursor.executemany(f"INSERT INTO {name} (id) VALUES (%s)", [(i,) for i in ids])  # noqa: S608
        return RawSQL(f"SELECT id FROM {name}", ())  # noqa: S608, S611

    @property
    def worked_total(self) -> int:
        return len(self.worked.ids)

    @property
    def served_total(self) -> int:
        """The cases searched for or in follow-up in the year: the denominator of the care and legal figures."""
        return len(self.worked.served)

    @cached_property
    def located_results(self) -> dict[int, str | None]:
        return located_results(self.worked)

    @cached_property
    def facts(self) -> dict[int, tuple[list[str], str]]:
        """Per worked case with trafficking facts: (exploitation types, organised crime)."""
        ids = self.worked.ids
        rows = list(
            self.worked.of_cases(TraffickingFacts.objects.all())
            .annotate(types_json=Cast("exploitation_types", TextField()))
            .order_by()
            .values_list("case_id", "types_json", "organised_crime")
        )
        types = json_lists(types_json for _c, types_json, _crime in rows)
        return {c: (t, crime) for (c, _json, crime), t in zip(rows, types, strict=True) if c in ids}

    @cached_property
    def route(self) -> dict[int, list[RouteStop]]:
        ids = self.worked.ids
        rows = [
            row
            for row in self.worked.of_cases(TraffickingEvent.objects.all())
            .order_by()
            .values_list("case_id", "event_type", "place_id")
            if row[0] in ids
        ]
        keys = place_keys({place_id for _c, _e, place_id in rows if place_id is not None})
        stops: dict[int, list[RouteStop]] = defaultdict(list)
        for case_id, event_type, place_id in rows:
            stops[case_id].append(RouteStop(event_type, keys.get(place_id) if place_id is not None else None))
        return stops

    @cached_property
    def legal(self) -> LegalFacts:
        return legal_facts(self.worked, self.today)

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


def legal_facts(worked: WorkedCases, today: date) -> LegalFacts:
    ids = worked.served
    proceedings = {
        pk: (case_id, lawyer_id, filed, recorded_on)
        for pk, case_id, lawyer_id, filed, recorded_on in worked.of_cases(Proceeding.objects.all())
        .order_by()
        .annotate(recorded_on=Cast(TruncDate("created_at", tzinfo=timezone.get_default_timezone()), TextField()))
        .values_list("id", "case_id", "lawyer_id", "complaint_filed_on", "recorded_on")
        if case_id in ids
    }
    changes: dict[int, list[tuple[date, int, str]]] = defaultdict(list)
    for proceeding_id, to_status, on, pk in (
        worked.of_cases(StatusChange.objects.all(), "proceeding__case")
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
        worked.of_cases(Accused.objects.filter(outcome=AccusedOutcome.CONVICTED), "proceeding__case")
        .order_by()
        .values_list("proceeding__case_id", "outcome_on")
    ):
        if case_id in ids and (convicted_on is None or convicted_on <= today):
            facts.convictions.append((case_id, convicted_on))
    return facts
