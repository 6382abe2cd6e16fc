"""Which cases data sharing may draw from, and reading them in chunks with what the exports need.

The rule: a case leaves the system in an export (HTCDS records, the open-data file) only while its current consent
to use in statistics is granted (redalert.consent.rules). A withdrawal takes it out of the next export.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch, QuerySet

from redalert.cases.models import Case
from redalert.consent.choices import Purpose
from redalert.consent.rules import cases_consenting_to
from redalert.investigation.choices import NOT_KNOWN
from redalert.investigation.models import LinkedPerson, TraffickingEvent
from redalert.places.models import Place, PlaceKind

CHUNK_SIZE = 500


def shareable_cases(cases: QuerySet[Case]) -> QuerySet[Case]:
    """The subset of `cases` that may be used in statistics and shared data now."""
    return cases_consenting_to(cases, Purpose.STATISTICS)


def shareable_case_ids(cases: QuerySet[Case]) -> list[int]:
    """Ids of the shareable cases, in id order, fixed at the start of an export so that the audit entry and the
    file describe the same set."""
    return list(shareable_cases(cases).order_by("pk").values_list("pk", flat=True))


def _base(ids: list[int]) -> QuerySet[Case]:
    return (
        Case.objects.filter(pk__in=ids)
        .select_related(
            "organisation",
            "person",
            "last_seen_place__subdivision",
            "trafficking_facts",
            "outcome",
        )
        .prefetch_related(
            # The route in the model's order: by date, undated stops last.
            Prefetch("route", queryset=TraffickingEvent.objects.select_related("place__subdivision"))
        )
        .order_by("pk")
    )


def iter_cases(ids: Iterable[int], *, full: bool = True, chunk_size: int = CHUNK_SIZE) -> Iterator[Case]:
    """The cases with these ids, read `chunk_size` at a time with everything an export needs.

    `full` adds the perpetrators' roles, legal accompaniment and care (the HTCDS export); the open-data file needs
    only the person, the facts and the route.
    """
    id_list = list(ids)
    for start in range(0, len(id_list), chunk_size):
        queryset = _base(id_list[start : start + chunk_size])
        if full:
            queryset = queryset.prefetch_related(
                Prefetch(
                    "linked_people",
                    queryset=LinkedPerson.objects.only("id", "case_id", "link", "role_in_process"),
                ),
                "proceedings__accused",
                "proceedings__measures",
                "proceedings__reparations",
                "services",
                "support_objectives",
                "referrals",
            )
        yield from queryset


def related_or_none(obj: Any, name: str) -> Any:
    """A reverse one-to-one (the facts, the outcome) or None when the case has none."""
    try:
        return getattr(obj, name)
    except ObjectDoesNotExist:
        return None


def known_list(values: list[str] | None) -> list[str] | None:
    """A multi-choice list as shared: None when not recorded ([]) or recorded as not known; never [] for unknown."""
    known = [v for v in (values or []) if v != NOT_KNOWN]
    return known or None


def known_choice(value: str | None) -> str | None:
    """A choice as shared: None for the "unknown" answer."""
    return None if value in (None, "", "unknown") else value


def country_of(place: Place | None) -> str | None:
    return place.country_code or None if place is not None else None


def subdivision_of(place: Place | None) -> str | None:
    """The ISO 3166-2 code of the place's first-level subdivision: the most precise level shared without identifiers."""
    if place is None or place.kind == PlaceKind.COUNTRY:
        return None
    if place.kind == PlaceKind.SUBDIVISION:
        return place.code
    return place.subdivision.code if place.subdivision_id is not None and place.subdivision else None


def locality_of(place: Place | None) -> str | None:
    return place.name if place is not None and place.kind == PlaceKind.LOCALITY else None
