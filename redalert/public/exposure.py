"""What the public may see of a case: the one place that decides it.

Every public output (pages, feeds, search bulletins, share images, CAP messages) gets its cases from
`public_cases()` and its data from `exposure(case)`, never from the case file directly. A case appears only while
- staff marked it public (Publication.is_public),
- the newest consent decision for "publish" is a grant (withdrawal hides it at the next request), and
- it is in active search ("se busca") or its person was located ("localizada").
The data is limited to what the publication allows; the place is a gazetteer place (a town, state or country,
never an address or private coordinates); a located person's page says only that she was located.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language

from redalert.accounts.models import Organisation
from redalert.cases.choices import CaseStatus
from redalert.cases.models import Case
from redalert.consent.choices import Purpose
from redalert.consent.rules import cases_consenting_to
from redalert.lib.crypto import encrypted_fields
from redalert.places.models import Place
from redalert.public.models import PublicText

MISSING = "missing"
LOCATED = "located"


def public_cases() -> QuerySet[Case]:
    """Every case the public may see now, missing or located."""
    marked = Case.objects.filter(publication__is_public=True, merged_into__isnull=True)  # merged: redirects
    return cases_consenting_to(marked, Purpose.PUBLISH).filter(
        Q(status=CaseStatus.ACTIVE_SEARCH) | Q(located_on__isnull=False)
    )


def missing_cases() -> QuerySet[Case]:
    """ "Se busca": public cases still searched for."""
    return public_cases().filter(status=CaseStatus.ACTIVE_SEARCH)


def located_cases() -> QuerySet[Case]:
    """ "Localizadas": public cases whose person was located (alive or not: the public is not told which)."""
    return public_cases().filter(located_on__isnull=False).exclude(status=CaseStatus.ACTIVE_SEARCH)


def with_public_relations(cases: QuerySet[Case]) -> QuerySet[Case]:
    """What exposure() reads, in one query; the case's encrypted (private) fields are neither read nor decrypted."""
    return cases.select_related(
        "person",
        "publication",
        "organisation",
        "last_seen_place__subdivision",
    ).defer(*encrypted_fields(Case))


@dataclass(frozen=True)
class PublicContact:
    organisation: str
    contact_line: str
    hotline: str


@dataclass(frozen=True)
class PublicCase:
    """Everything about a case that may leave the organisation. Nothing else ever does."""

    public_id: str
    kind: str  # MISSING or LOCATED
    full_name: str
    given_names: str
    age: int | None
    last_seen_on: date
    place: Place
    place_label: str
    country_code: str
    subdivision_code: str
    physical_description: str
    distinguishing_marks: str
    clothing: str
    summary: str
    photo_id: int | None
    located_on: date | None
    contact: PublicContact
    published_at: datetime | None
    updated_at: datetime

    @property
    def is_missing(self) -> bool:
        return self.kind == MISSING


def public_contact(organisation: Organisation, language: str | None = None) -> PublicContact:
    """The organisation's public contact line in a language, falling back to Spanish and then to its default."""
    texts = list(PublicText.objects.filter(organisation=organisation))
    return _contact(organisation, texts, language)


def public_contacts(organisation_ids: set[int], language: str | None = None) -> dict[int, PublicContact]:
    """public_contact() of several organisations, in two queries."""
    texts: dict[int, list[Any]] = {}
    for text in PublicText.objects.filter(organisation__in=organisation_ids):
        texts.setdefault(text.organisation_id, []).append(text)
    return {
        org.pk: _contact(org, texts.get(org.pk, []), language)
        for org in Organisation.objects.filter(pk__in=organisation_ids)
    }


def _contact(organisation: Organisation, texts: list[Any], language: str | None) -> PublicContact:
    language = (language or get_language() or settings.LANGUAGE_CODE)[:2]
    by_language = {t.language: t for t in texts}
    text = by_language.get(language) or by_language.get(settings.LANGUAGE_CODE)
    return PublicContact(
        organisation=organisation.name,
        contact_line=(text.contact_line if text and text.contact_line else organisation.public_contact),
        hotline=text.hotline if text else "",
    )


def exposure(case: Case, *, today: date | None = None, contact: PublicContact | None = None) -> PublicCase:
    """The public view of a case that public_cases() admitted. Call it with relations loaded (with_public_relations)."""
    publication = case.publication
    person = case.person
    kind = MISSING if case.status == CaseStatus.ACTIVE_SEARCH else LOCATED
    today = today or timezone.localdate()
    missing = kind == MISSING
    photo_id = publication.photo_id
    located_long_ago = case.located_on is not None and (
        today >= case.located_on + timedelta(days=settings.LOCATED_PHOTO_DAYS)
    )
    if not missing and located_long_ago:
        photo_id = None
    place = case.last_seen_place
    subdivision = place.subdivision if place.subdivision_id else (place if place.kind == "subdivision" else None)
    return PublicCase(
        public_id=publication.public_id,
        kind=kind,
        full_name=person.full_name,
        given_names=person.given_names,
        age=person.age_at_disappearance if publication.show_age else None,
        last_seen_on=case.last_seen_on,
        place=place,
        place_label=place.label,
        country_code=place.country_code,
        subdivision_code=subdivision.code if subdivision is not None else "",
        physical_description=person.physical_description if missing and publication.show_physical_description else "",
        distinguishing_marks=person.distinguishing_marks if missing and publication.show_distinguishing_marks else "",
        clothing=person.clothing if missing and publication.show_clothing else "",
        summary=publication.public_summary if missing else "",
        photo_id=photo_id,
        located_on=case.located_on if not missing else None,
        contact=contact or public_contact(case.organisation),
        published_at=publication.published_at,
        updated_at=max(publication.updated_at, case.updated_at),
    )


def public_case_or_404(public_id: str) -> tuple[Case, PublicCase]:
    """The case behind a public id if the public may see it now; otherwise the same 404 as for no such case."""
    case = with_public_relations(public_cases()).filter(publication__public_id=public_id).first()
    if case is None:
        raise Http404("No such page.")
    return case, exposure(case)
