"""Deriving the map rows of cases (CaseMapFact, RouteFact) from the case file: the only place that does.

Rules, one sentence each:
- A case counts in the year she was last seen, with the sex and age at disappearance of its person record.
- Its place is the gazetteer place last seen (a town, a state or a country), never the private exact place or
  coordinates.
- Its types of exploitation are those of its trafficking facts, as bits; none recorded is 0.
- It counts on coalition maps only while its current consent to "use in statistics" is granted.
- Its route legs go from the area (state, else country) of the first recruitment stop with a place, or, when no
  recruitment place is recorded, of the place last seen, to the area of each exploitation stop with a place; a
  case without an exploitation place has no leg.

How they are kept current: the map rows are a queued follower of the changes the services announce
(redalert.maps.followers: intake, edits, consent to statistics, investigation facts, imports, merges), caught up
by the workers; every map request first calls `sync`, which catches that queue up, derives cases created past the
services (bulk loads such as seed_demo: ids above a watermark) and applies consent decisions about statistics
recorded past them (consent records are append-only, so their ids say what is new); `rebuild_map_facts`
re-derives everything and says how many rows it changed.

Every write increments MapState.version (a row lock until the transaction ends).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from redalert.cases.models import Case
from redalert.changes.announce import catch_up
from redalert.consent.choices import Purpose
from redalert.consent.models import ConsentRecord
from redalert.consent.rules import cases_consenting_to
from redalert.investigation.choices import EventType
from redalert.investigation.models import TraffickingEvent
from redalert.maps.filters import exploitation_bits
from redalert.maps.models import CaseMapFact, MapState, RouteFact
from redalert.maps.places import place_info

FOLLOWER = "map_facts"  # the name of the queued follower that keeps these rows (redalert.maps.followers)
FACT_FIELDS = ["organisation_id", "year", "sex", "age", "exploitation", "statistics", "place_id"]
# Consent records to statistics are re-applied on every sync until they are this old (see _apply_consents).
CONSENT_SETTLED = timedelta(seconds=60)
CONSENT_BULK = 1000


def _route_legs(events: list[tuple[Any, ...]], last_seen_area: str, areas: dict[int, str]) -> set[tuple[str, str]]:
    """(origin, destination) areas of one case's route; `events` are (type, place id, date, id), with a place."""
    ordered = sorted(events, key=lambda e: (e[2] is None, e[2] or date.min, e[3]))
    recruitment = next((e for e in ordered if e[0] == EventType.RECRUITMENT), None)
    origin = areas[recruitment[1]] if recruitment else last_seen_area
    return {(origin, areas[e[1]]) for e in ordered if e[0] == EventType.EXPLOITATION}


def _consenting(case_ids: list[int]) -> set[int]:
    cases = Case.objects.filter(pk__in=case_ids)
    return set(cases_consenting_to(cases, Purpose.STATISTICS).values_list("pk", flat=True))


def derive(case_ids: list[int]) -> tuple[list[CaseMapFact], list[RouteFact]]:
    """The map rows of these cases, from the case file as it is now (cases that no longer exist: none)."""
    rows = list(
        Case.objects.filter(pk__in=case_ids, merged_into__isnull=True).values_list(  # merged: counted once
            "pk",
            "organisation_id",
            "last_seen_on",
            "last_seen_place_id",
            "person__sex",
            "person__age_at_disappearance",
            "trafficking_facts__exploitation_types",
        )
    )
    events: dict[int, list[tuple[Any, ...]]] = {}
    for case_id, *event in TraffickingEvent.objects.filter(
        case_id__in=case_ids,
        place__isnull=False,
        event_type__in=[EventType.RECRUITMENT, EventType.EXPLOITATION],
    ).values_list("case_id", "event_type", "place_id", "on", "pk"):
        events.setdefault(case_id, []).append(tuple(event))
    places = place_info([row[3] for row in rows] + [e[1] for legs in events.values() for e in legs])
    areas = {pk: info.area for pk, info in places.items()}
    consenting = _consenting(case_ids)
    facts, routes = [], []
    for case_id, organisation_id, last_seen_on, place_id, sex, age, exploitation_types in rows:
        values = {
            "organisation_id": organisation_id,
            "year": last_seen_on.year,
            "sex": sex or "unknown",
            "age": age,
            "exploitation": exploitation_bits(exploitation_types),
            "statistics": case_id in consenting,
        }
        facts.append(CaseMapFact(case_id=case_id, place_id=place_id, **values))
        for origin, destination in sorted(_route_legs(events.get(case_id, []), areas[place_id], areas)):
            routes.append(RouteFact(case_id=case_id, origin=origin, destination=destination, **values))
    return facts, routes


def _state() -> MapState:
    state, _created = MapState.objects.get_or_create(pk=1)
    return state


def _changed() -> None:
    """A new version of the map rows: cached counts of older versions are no longer used."""
    if not MapState.objects.filter(pk=1).update(version=F("version") + 1):
        MapState.objects.get_or_create(pk=1, defaults={"version": 1})


def _write(case_ids: list[int], facts: list[CaseMapFact], routes: list[RouteFact]) -> None:
    with transaction.atomic():
        RouteFact.objects.filter(case_id__in=case_ids).delete()
        CaseMapFact.objects.filter(case_id__in=set(case_ids) - {f.case_id for f in facts}).delete()
        CaseMapFact.objects.bulk_create(
            facts, update_conflicts=True, unique_fields=["case"], update_fields=FACT_FIELDS, batch_size=2000
        )
        RouteFact.objects.bulk_create(routes, batch_size=2000)
        _changed()


def refresh_facts(case_ids: list[int]) -> None:
    """Re-derive these cases' map rows (the follower of announced changes; cases that no longer exist lose theirs)."""
    facts, routes = derive(case_ids)
    _write(case_ids, facts, routes)


def _derive_after(last: int, batch_size: int, progress: Any = None) -> tuple[int, int]:
    """Derive every case with an id above `last`, in batches; returns (how many, the highest id)."""
    done = 0
    while True:
        ids = list(Case.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not ids:
            return done, last
        facts, routes = derive(ids)
        _write(ids, facts, routes)
        done += len(ids)
        last = ids[-1]
        MapState.objects.filter(pk=1, last_case_id__lt=last).update(last_case_id=last)
        if progress is not None:
            progress(done)


ROUTE_FIELDS = ["origin", "destination", *FACT_FIELDS[:-1]]


def _signatures(facts: list[CaseMapFact], routes: list[RouteFact]) -> dict[int, tuple[Any, ...]]:
    """Per case, everything its map rows say, comparable between derived and stored rows."""
    legs: dict[int, set[tuple[Any, ...]]] = {}
    for route in routes:
        legs.setdefault(route.case_id, set()).add(tuple(getattr(route, name) for name in ROUTE_FIELDS))
    signatures: dict[int, tuple[Any, ...]] = {
        fact.case_id: (tuple(getattr(fact, name) for name in FACT_FIELDS), frozenset(legs.pop(fact.case_id, ())))
        for fact in facts
    }
    signatures.update({case_id: (None, frozenset(rows)) for case_id, rows in legs.items()})
    return signatures


def _stored(case_ids: list[int]) -> tuple[list[CaseMapFact], list[RouteFact]]:
    return (
        list(CaseMapFact.objects.filter(case_id__in=case_ids).only("case_id", *FACT_FIELDS)),
        list(RouteFact.objects.filter(case_id__in=case_ids).only("case_id", *ROUTE_FIELDS)),
    )


def rebuild_map_facts(batch_size: int = 5000, progress: Any = None) -> int:
    """Re-derive the map rows of every case, in batches, and write those that differ (after bulk loads, or to
    check that the followers kept them current). Returns how many cases' rows changed; running it again gives 0."""
    _state()
    consent_high = ConsentRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    changed = done = last = 0
    while True:
        ids = list(Case.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not ids:
            break
        facts, routes = derive(ids)
        fresh, stored = _signatures(facts, routes), _signatures(*_stored(ids))
        differing = [pk for pk in ids if fresh.get(pk) != stored.get(pk)]
        if differing:
            wanted = set(differing)
            _write(
                differing,
                [fact for fact in facts if fact.case_id in wanted],
                [route for route in routes if route.case_id in wanted],
            )
        changed += len(differing)
        done += len(ids)
        last = ids[-1]
        if progress is not None:
            progress(done)
    MapState.objects.filter(pk=1, last_case_id__lt=last).update(last_case_id=last)
    MapState.objects.filter(pk=1, last_consent_id__lt=consent_high).update(last_consent_id=consent_high)
    return changed


@dataclass(frozen=True)
class SyncResult:
    cases: int  # cases derived for the first time
    consents: int  # cases whose consent to statistics changed
    version: int  # the version of the map rows now


def _apply_consents(after: int) -> tuple[int, int]:
    """Bring the statistics flag of cases with consent records to statistics above `after` up to date.

    Returns how many rows changed, and how far the watermark may move: past records older than CONSENT_SETTLED
    only, so that a decision whose transaction commits after a later one's is still seen (a bulk load of more
    than CONSENT_BULK records moves it past all of them).
    """
    records = ConsentRecord.objects.filter(pk__gt=after, purpose=Purpose.STATISTICS).order_by("pk")
    rows = list(records.values_list("pk", "case_id", "recorded_at"))
    if not rows:
        return 0, after
    case_ids = sorted({case_id for _pk, case_id, _at in rows})
    consenting = _consenting(case_ids)
    refused = [pk for pk in case_ids if pk not in consenting]
    changed = 0
    with transaction.atomic():
        for model in (CaseMapFact, RouteFact):
            changed += model.objects.filter(case_id__in=consenting, statistics=False).update(statistics=True)
            changed += model.objects.filter(case_id__in=refused, statistics=True).update(statistics=False)
        if changed:
            _changed()
    settled = timezone.now() - CONSENT_SETTLED
    if len(rows) > CONSENT_BULK:
        return changed, rows[-1][0]
    return changed, max([after] + [pk for pk, _case, at in rows if at < settled])


def sync(batch_size: int = 5000) -> SyncResult:
    """Bring the map rows up to date with cases and consents written past the services; cheap when nothing is new.

    Called before every map is drawn.
    """
    catch_up(names=[FOLLOWER])
    state = MapState.objects.filter(pk=1).first() or _state()
    cases, _last = _derive_after(state.last_case_id, batch_size)
    consents, high = _apply_consents(state.last_consent_id)
    if high > state.last_consent_id:
        MapState.objects.filter(pk=1, last_consent_id__lt=high).update(last_consent_id=high)
    version = state.version if not (cases or consents) else MapState.objects.get(pk=1).version
    return SyncResult(cases, consents, version)


def sync_new_cases() -> int:
    """`sync`, for callers that only need the map rows up to date; returns how many cases it derived."""
    return sync().cases
