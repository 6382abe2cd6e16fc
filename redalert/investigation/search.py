"""The staff case search: name (every word, accent-insensitive, both surnames, aliases, and the names and aliases
of people linked to the case), reference, status, state, place, date last seen and assigned person.

Only cases the user may open are searched (visible_cases). A match on a linked person's name counts only in cases
whose investigation section the user may see: the search must not reveal who is linked to a case she cannot open
that section of.

How it is indexed: `MissingPerson.search_name` is the folded (lower-case, accent-free) full name and aliases; each
query word is a `LIKE '%word%'` on it, served on PostgreSQL by a pg_trgm GIN trigram index (cases migration 0003).
Linked people's names are encrypted; their folded words are stored as keyed hashes (`MatchKey`, kind "word") with
a B-tree index on (organisation, kind, digest), so they match whole words only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from redalert.access.policy import SECTION_ROLES, visible_cases
from redalert.cases.choices import NoteSection
from redalert.cases.models import Case, MissingPerson, TeamMembership
from redalert.investigation.matching import search_words
from redalert.investigation.services import cases_with_linked_words
from redalert.places.models import Place, PlaceKind

if TYPE_CHECKING:
    from redalert.accounts.models import User


@dataclass(frozen=True)
class CaseQuery:
    q: str = ""
    status: str = ""
    state: Place | None = None
    place: Place | None = None
    seen_from: date | None = None
    seen_to: date | None = None
    assigned: User | None = None


def _within(place: Place) -> Q:
    """Cases last seen in a place or anywhere inside it (a state's localities, a country's everything)."""
    if place.kind == PlaceKind.COUNTRY:
        return Q(last_seen_place__country_code=place.code)
    if place.kind == PlaceKind.SUBDIVISION:
        return Q(last_seen_place=place) | Q(last_seen_place__subdivision=place)
    return Q(last_seen_place=place)


def _matching_case_ids(user: User, organisation_id: int, text: str) -> list[int]:
    """Ids of the organisation's cases whose reference, person or (investigation permitting) linked people match.

    Each kind of match is its own indexed query and the ids are united here: an OR of the three subqueries in one
    statement made PostgreSQL scan every case of the organisation.
    """
    own = Case.objects.filter(organisation_id=organisation_id)
    ids: set[int] = set()
    if any(ch.isdigit() for ch in text):
        # References are stored upper-case (CODE-2026-0001): a case-sensitive prefix uses the index.
        ids.update(own.filter(reference__startswith=text.upper()).values_list("pk", flat=True)[:500])
    words = search_words(text)
    if words:
        by_name = MissingPerson.objects.all()
        for word in words:
            by_name = by_name.filter(search_name__contains=word)
        ids.update(by_name.filter(case__organisation_id=organisation_id).values_list("case_id", flat=True))
        if user.has_role(*SECTION_ROLES[NoteSection.INVESTIGATION]):
            # Only her team's cases can match on linked people: narrow to them before grouping the match keys.
            on_team = TeamMembership.objects.filter(user=user).values("case_id")
            linked = cases_with_linked_words(words, organisation_id).filter(case_id__in=on_team)
            ids.update(linked.values_list("case_id", flat=True))
    return sorted(ids)


def search_cases(user: User, query: CaseQuery) -> QuerySet[Case]:
    """The cases this user may open that match every criterion given (newest report first)."""
    cases = visible_cases(user)
    text = query.q.strip()
    if text and user.organisation_id is not None:
        cases = cases.filter(pk__in=_matching_case_ids(user, user.organisation_id, text))
    if query.status:
        cases = cases.filter(status=query.status)
    if query.state is not None:
        cases = cases.filter(_within(query.state))
    if query.place is not None:
        cases = cases.filter(_within(query.place))
    if query.seen_from is not None:
        cases = cases.filter(last_seen_on__gte=query.seen_from)
    if query.seen_to is not None:
        cases = cases.filter(last_seen_on__lte=query.seen_to)
    if query.assigned is not None:
        cases = cases.filter(pk__in=TeamMembership.objects.filter(user=query.assigned).values("case_id"))
    return cases.order_by("-reported_at", "-id")
