"""What the team does in the investigation section, as plain functions that write the audit log themselves."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from redalert.access.policy import Action, may, visible_cases
from redalert.audit.log import record as audit_record
from redalert.audit.log import save_audited
from redalert.audit.models import AuditAction
from redalert.cases.choices import CaseStatus, NoteSection
from redalert.cases.lifecycle import TransitionError, TransitionRequest, transition
from redalert.changes.announce import Kind, announce
from redalert.investigation.choices import CustodyAction, OutcomeResult
from redalert.investigation.evidence import CheckedFile
from redalert.investigation.matching import KeyKind, keys_for
from redalert.investigation.models import CustodyEvent, EvidenceItem, LinkedPerson, MatchKey, Outcome
from redalert.places.models import Place
from redalert.tasks.services import create_family_support_tasks

if TYPE_CHECKING:
    from django.db.models import Model
    from django.http import HttpRequest

    from redalert.accounts.models import User
    from redalert.cases.models import Case


def add_record(case: Case, obj: Model, *, actor: User, request: HttpRequest | None = None) -> Model:
    """Save a new source, finding, route event… of the case and audit it (never its encrypted content)."""
    obj.case = case  # type: ignore[attr-defined]
    with transaction.atomic():
        saved = save_audited(obj, actor=actor, case=case, request=request, section="investigation", validate=False)
        announce(case.pk, Kind.INVESTIGATION, actor=actor)  # the maps count facts and routes
    return saved


def add_recorded(case: Case, obj: Model, *, actor: User, request: HttpRequest | None = None) -> Model:
    """A new source, finding or stop on the route from a form: recorded by the acting user, saved and audited."""
    obj.recorded_by = actor  # type: ignore[attr-defined]
    return add_record(case, obj, actor=actor, request=request)


def save_facts(case: Case, facts: Model, *, actor: User, request: HttpRequest | None = None) -> Model:
    """The facts of the trafficking from the form: updated by the acting user, saved and audited."""
    facts.updated_by = actor  # type: ignore[attr-defined]
    return add_record(case, facts, actor=actor, request=request)


def add_evidence(
    case: Case,
    checked: CheckedFile,
    *,
    title: str,
    description: str,
    original_name: str,
    collected_by: str,
    collected_at: datetime,
    source: Any = None,
    actor: User,
    request: HttpRequest | None = None,
) -> EvidenceItem:
    """Keep a checked file in private storage with its fingerprint, and open its chain of custody."""
    with transaction.atomic():
        item = EvidenceItem(
            case=case,
            title=title,
            description=description,
            source=source,
            kind=checked.kind,
            content_type=checked.content_type,
            original_name=original_name[:255],
            size=len(checked.data),
            sha256=checked.sha256,
            collected_by=collected_by,
            collected_at=collected_at,
            uploaded_by=actor,
        )
        item.file.save(uuid.uuid4().hex, ContentFile(checked.data), save=False)
        item.save()
        CustodyEvent.objects.create(
            evidence=item, action=CustodyAction.COLLECTED, at=collected_at, to_holder=collected_by, recorded_by=actor
        )
        audit_record(
            actor,
            AuditAction.CREATE,
            item,
            case=case,
            request=request,
            detail={"sha256": item.sha256, "size": item.size},
        )
    return item


def add_custody_event(
    item: EvidenceItem, event: CustodyEvent, *, actor: User, request: HttpRequest | None = None
) -> CustodyEvent:
    with transaction.atomic():
        event.evidence = item
        event.recorded_by = actor
        event.save()
        audit_record(actor, AuditAction.CHANGE, item, case=item.case, request=request, detail={"custody": event.action})
    return event


def current_holder(item: EvidenceItem) -> str:
    last = item.custody.order_by("-at", "-id").first()
    return last.to_holder if last else ""


def _key_rows(people: list[LinkedPerson]) -> set[tuple[int, int, int, str, str]]:
    """(linked person, case, organisation, kind, digest) of every match key these people should have now."""
    return {
        (person.pk, person.case_id, person.case.organisation_id, kind, value)
        for person in people
        for kind, value in keys_for(**person.match_values())
    }


def refresh_case_keys(case_ids: list[int]) -> int:
    """Make the match keys of these cases' linked people match their current values (the follower of announced
    investigation changes, and the rebuild). Returns how many keys were added or removed."""
    people = list(LinkedPerson.objects.filter(case_id__in=case_ids).select_related("case"))
    fresh = _key_rows(people)
    stored_rows = MatchKey.objects.filter(case_id__in=case_ids).values_list(
        "pk", "linked_person_id", "case_id", "organisation_id", "kind", "digest"
    )
    stored = {tuple(row[1:]): row[0] for row in stored_rows}
    gone = [pk for row, pk in stored.items() if row not in fresh]
    added = sorted(fresh - stored.keys())
    MatchKey.objects.filter(pk__in=gone).delete()
    MatchKey.objects.bulk_create(
        MatchKey(linked_person_id=person, case_id=case, organisation_id=organisation, kind=kind, digest=value)
        for person, case, organisation, kind, value in added
    )
    return len(gone) + len(added)


def save_linked_person(
    case: Case, person: LinkedPerson, *, actor: User, request: HttpRequest | None = None
) -> LinkedPerson:
    with transaction.atomic():
        created = person.pk is None
        person.case = case
        if created:
            person.created_by = actor
        person.save()
        announce(case.pk, Kind.INVESTIGATION, actor=actor)  # the search and match keys follow
        audit_record(
            actor,
            AuditAction.CREATE if created else AuditAction.CHANGE,
            person,
            case=case,
            request=request,
            detail={"section": "investigation", "link": person.link},
        )
    return person


@dataclass(frozen=True)
class CrossLink:
    """Another case in which a linked person (or her phone, plate, venue) also appears."""

    case: Case
    kinds: tuple[str, ...]


def also_appears_in(user: User, people: list[LinkedPerson]) -> dict[int, list[CrossLink]]:
    """For each linked person, the other cases of the organisation where a name, alias, phone, plate or venue of
    hers appears too, among the cases whose investigation section this user may see."""
    if not people:
        return {}
    organisation_id = people[0].case.organisation_id
    own = MatchKey.objects.filter(linked_person__in=people, kind__in=KeyKind.LINKING).values_list(
        "linked_person_id", "kind", "digest"
    )
    wanted: dict[tuple[str, str], list[int]] = {}
    for person_id, kind, value in own:
        wanted.setdefault((kind, value), []).append(person_id)
    if not wanted:
        return {}
    own_case_ids = {p.case_id for p in people}
    others = (
        MatchKey.objects.filter(
            organisation_id=organisation_id,
            kind__in=KeyKind.LINKING,
            digest__in={value for _kind, value in wanted},
            case__in=visible_cases(user),
        )
        .exclude(case_id__in=own_case_ids)
        .values_list("case_id", "kind", "digest")
    )
    found: dict[int, dict[int, set[str]]] = {}
    for case_id, kind, value in others:
        for person_id in wanted.get((kind, value), []):
            found.setdefault(person_id, {}).setdefault(case_id, set()).add(kind)
    case_ids = {case_id for by_case in found.values() for case_id in by_case}
    cases = {c.pk: c for c in visible_cases(user).filter(pk__in=case_ids)}
    allowed = {pk for pk, c in cases.items() if may(user, Action.VIEW, c, NoteSection.INVESTIGATION)}
    return {
        person_id: [
            CrossLink(cases[case_id], tuple(sorted(kinds)))
            for case_id, kinds in sorted(by_case.items())
            if case_id in allowed
        ]
        for person_id, by_case in found.items()
    }


@dataclass(frozen=True)
class OutcomeData:
    result: str
    on: date
    how: str
    place: Place | None = None
    details: str = ""


def record_outcome(case: Case, data: OutcomeData, *, actor: User, request: HttpRequest | None = None) -> Outcome:
    """She was located: record how, move the case (through the state machine) to located and then to follow-up.

    A case in active search goes to located alive/deceased on the date given; one already located with the same
    result only moves on. A deceased outcome keeps legal and psychological support for the family open (tasks).
    Raises TransitionError when the case's status does not allow it; nothing is saved then.
    """
    with transaction.atomic():
        if hasattr(case, "outcome"):
            raise TransitionError(_("An outcome is already recorded for this case."))
        if case.status == CaseStatus.ACTIVE_SEARCH:
            transition(case, TransitionRequest(to=data.result, on=data.on), actor, request=request)
        elif case.status != data.result:
            raise TransitionError(
                _("The outcome can be recorded only for a case in active search (or already located with this result).")
            )
        transition(case, TransitionRequest(to=CaseStatus.FOLLOW_UP), actor, request=request)
        deceased = data.result == OutcomeResult.DECEASED
        outcome = Outcome.objects.create(
            case=case,
            result=data.result,
            on=data.on,
            how=data.how,
            place=data.place,
            details=data.details,
            family_support_open=deceased,
            recorded_by=actor,
        )
        if deceased:
            create_family_support_tasks(case, actor)
        announce(case.pk, Kind.OUTCOME, actor=actor)
        audit_record(
            actor,
            AuditAction.CREATE,
            outcome,
            case=case,
            request=request,
            detail={"result": data.result, "how": data.how},
        )
    return outcome
