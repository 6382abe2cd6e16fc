"""The staff case search: name (every word, accent-insensitive, both surnames, aliases, and the names and aliases
of people linked to the case), reference, status, state, place, date last seen and assigned person.

Only cases the user may open are searched (visible_cases). A match on a linked person's name counts only in cases
whose investigation section the user may see: the search must not reveal who is linked to a case she cannot open
that section of.

How it is indexed and why it is fast (docs/search.md has the plans and the measurements):
- `MissingPerson.search_name` is the folded (lower-case, accent-free) full name and aliases; each query word is a
  `LIKE '%word%'` on it, served on PostgreSQL by a pg_trgm GIN trigram index (cases migration 0003).
  `MissingPerson.organisation_id` (the case's, copied) keeps it to her organisation without a join to the case.
- Linked people's names are encrypted; their folded words are stored as keyed hashes (`MatchKey`, kind "word").
  The index (organisation_id, kind, digest, linked_person) INCLUDE (case) lists one word's keys ordered by linked
  person, so the keys of two words are merged by linked person without reading the table.
- Each kind of match is its own small query. On PostgreSQL their case ids are collected here and passed back as
  one array literal: the page query walks her newest reports or fetches the few matches by id, whichever is
  cheaper, and with the text as only criterion the number of ids is the count. One statement with an OR of the
  subqueries made PostgreSQL scan every case of the organisation; SQLite, the embedded default, gets that single
  statement, which is fine at the sizes it holds.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any, overload

from django.db import connection
from django.db.models import F, Lookup, Q, QuerySet
from django.db.models.query import EmptyQuerySet

from redalert.access.policy import SECTION_ROLES, visible_cases
from redalert.cases.choices import NoteSection
from redalert.cases.models import Case, MissingPerson, TeamMembership
from redalert.investigation.matching import KeyKind, digest, search_words
from redalert.investigation.models import MatchKey
from redalert.lib.crypto import encrypted_fields
from redalert.places.models import Place, PlaceKind

if TYPE_CHECKING:
    from redalert.accounts.models import User

ORDER = ("-reported_at", "-id")  # newest report first; the id breaks ties so that pages never overlap


@dataclass(frozen=True)
class CaseQuery:
    q: str = ""
    status: str = ""
    state: Place | None = None
    place: Place | None = None
    seen_from: date | None = None
    seen_to: date | None = None
    assigned: User | None = None


class CaseResults:
    """The cases a search found, newest report first, as the pager needs them: a count and one page at a time.

    The count is exact: given by the search when it already knows it, else counted by the database. A page loads
    only its own cases, with the person and the place, and without the encrypted columns (the list shows none of
    them; decrypting them was a third of the time of a page).
    """

    ordered = True  # for Paginator: the order is fixed

    def __init__(self, cases: QuerySet[Case], count: int | None = None) -> None:
        self._cases = cases.select_related("person", "last_seen_place").defer(*encrypted_fields(Case))
        self._count = count

    def count(self) -> int:
        if self._count is None:
            self._count = self._cases.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, index: int) -> Case: ...

    @overload
    def __getitem__(self, index: slice) -> list[Case]: ...

    def __getitem__(self, index: int | slice) -> Case | list[Case]:
        return self._cases[index] if isinstance(index, int) else list(self._cases[index])

    def __iter__(self) -> Iterator[Case]:
        return iter(self._cases)

    def where(self, condition: Q) -> CaseResults:
        """The same results narrowed by one more condition, in the same order (the API's cursor: redalert.api)."""
        return CaseResults(self._cases.filter(condition))


def search_cases(user: User, query: CaseQuery) -> CaseResults:
    """The cases this user may open that match every criterion given (newest report first)."""
    cases = _filtered(user, query)
    text = query.q.strip()
    if not text:
        return CaseResults(cases.order_by(*ORDER))
    organisation_id = user.organisation_id
    sources = _text_matches(user, organisation_id, text) if organisation_id is not None else []
    if organisation_id is None or not sources or isinstance(cases, EmptyQuerySet):
        return CaseResults(cases.none(), count=0)
    if not _materialise_ids():
        return CaseResults(cases.filter(reduce(or_, (Q(pk__in=source) for source in sources))).order_by(*ORDER))
    ids: set[int] = set()
    for source in sources:
        ids.update(source)
    # Merged cases keep their person record but are not listed (few rows: served by the merged_into index).
    ids -= set(
        Case.objects.filter(organisation_id=organisation_id, merged_into__isnull=False).values_list("pk", flat=True)
    )
    matching = cases.filter(_id_among(ids)).order_by(*ORDER)
    # Every source keeps to her organisation, and visible_cases gives her all of its cases: when the text is the
    # only criterion, the ids are exactly the results (counting them again would read every matching case).
    only_text = query == CaseQuery(q=query.q)
    return CaseResults(matching, count=len(ids) if only_text else None)


def _filtered(user: User, query: CaseQuery) -> QuerySet[Case]:
    """The visible cases that meet every criterion except the text; a case merged into another is left out (its
    reference leads to the remaining case, which the list shows once)."""
    # The case list (and the API's) also shows the cases other organisations shared with hers (redalert.transfers).
    cases = visible_cases(user, with_shared=True).filter(merged_into__isnull=True)
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
    return cases


def _within(place: Place) -> Q:
    """Cases last seen in a place or anywhere inside it (a state's localities, a country's everything)."""
    if place.kind == PlaceKind.COUNTRY:
        return Q(last_seen_place__country_code=place.code)
    if place.kind == PlaceKind.SUBDIVISION:
        return Q(last_seen_place=place) | Q(last_seen_place__subdivision=place)
    return Q(last_seen_place=place)


def _text_matches(user: User, organisation_id: int, text: str) -> list[QuerySet[Any]]:
    """Queries of case ids that match the text: by reference, by the person's names, by linked people's names.

    Each is served by its own index and keeps to the organisation on its own rows (MissingPerson and MatchKey carry
    the case's organisation), without a join to the case.
    """
    sources: list[QuerySet[Any]] = []
    if any(ch.isdigit() for ch in text):
        # References are stored upper-case (CODE-2026-0001): a case-sensitive prefix uses the index.
        own = Case.objects.filter(organisation_id=organisation_id, reference__startswith=text.upper())
        sources.append(own.values_list("pk", flat=True))
    words = search_words(text)
    if words:
        sources.append(_person_matches(organisation_id, words))
        if user.has_role(*SECTION_ROLES[NoteSection.INVESTIGATION]):
            sources.append(_linked_matches(user, organisation_id, words))
    return sources


def _person_matches(organisation_id: int, words: list[str]) -> QuerySet[Any]:
    """Case ids whose missing person's folded names and aliases contain every word (anywhere, as typed)."""
    people = MissingPerson.objects.filter(organisation_id=organisation_id)
    for word in words:
        people = people.filter(search_name__contains=word)
    return people.values_list("case_id", flat=True)


def _linked_matches(user: User, organisation_id: int, words: list[str]) -> QuerySet[Any]:
    """Ids of the user's team's cases where one linked person's names and aliases hold every word (whole words).

    The first word's keys are narrowed, word by word, to linked people who also have the next word's key; both
    sides come ordered by linked person from the covering index, so PostgreSQL merges them without the table.
    Only the cases of her team can count (the investigation section is theirs): the few matches are checked
    against her memberships, rather than her memberships (possibly tens of thousands) against the keys.
    """
    keys = MatchKey.objects.filter(organisation_id=organisation_id, kind=KeyKind.WORD)
    first, *others = words
    people = keys.filter(digest=digest(KeyKind.WORD, first))
    for word in others:
        people = people.filter(
            linked_person_id__in=keys.filter(digest=digest(KeyKind.WORD, word)).values("linked_person_id")
        )
    on_team = TeamMembership.objects.filter(user=user, case_id__in=people.values("case_id"))
    return on_team.values_list("case_id", flat=True)


def _materialise_ids() -> bool:
    """Collect each kind of match's ids first (PostgreSQL), rather than one statement with subqueries."""
    return connection.vendor == "postgresql"


def _id_among(ids: set[int]) -> Q:
    """The cases with these ids: on PostgreSQL as one array literal, which the planner sizes (walking the newest
    reports when the matches are many, fetching them by id when few), and which costs far less to build and send
    than thousands of parameters."""
    if connection.vendor != "postgresql":
        return Q(pk__in=sorted(ids))
    return Q(_AnyOf(F("pk"), "{" + ",".join(str(pk) for pk in sorted(ids)) + "}"))


class _AnyOf(Lookup):
    """`id = ANY('{1,2,3}'::bigint[])` (PostgreSQL): the right-hand side is an array literal, one parameter."""

    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs}::bigint[])", (*lhs_params, *rhs_params)
