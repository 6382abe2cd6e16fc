"""What the team does with the register of people found, as plain functions that write the audit log themselves.

- `record_found`, `save_found`, `add_photo`: the register itself; the first two refresh the record's pairs.
- `refresh_candidates`: the pairs (found record ↔ open missing case) come from redalert.found.proposals (by name
  through redalert.matching's `candidates_for`, by description through matching's `compare`). Proposed pairs are
  replaced by what is proposed now; confirmed and rejected pairs are decisions and are never touched (a rejected
  case is excluded from the search, so that pair is never proposed again).
- `confirm`, `reject`: the team's decision. A confirmation records the case's outcome through
  redalert.investigation.services.record_outcome (which moves the case through the lifecycle: located alive or
  deceased, then follow-up), links the record to the case, and is audited.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.cases.models import Case
from redalert.found.choices import CandidateStatus, Condition
from redalert.found.models import Candidate, FoundPerson, FoundPhoto
from redalert.found.proposals import proposals_for
from redalert.investigation.choices import OutcomeResult
from redalert.investigation.services import OutcomeData, record_outcome

if TYPE_CHECKING:
    from django.http import HttpRequest

    from redalert.accounts.models import User
    from redalert.cases.photos import CleanPhoto


class DecisionError(ValueError):
    """A decision on a pair that cannot be taken now; the message is for the user, in her language."""


@dataclass
class Refreshed:
    """What a refresh changed: pairs added, changed (score or reasons) and removed."""

    added: int = 0
    changed: int = 0
    removed: int = 0

    def __iadd__(self, other: Refreshed) -> Refreshed:
        self.added += other.added
        self.changed += other.changed
        self.removed += other.removed
        return self

    @property
    def nothing(self) -> bool:
        return not (self.added or self.changed or self.removed)


def _audit_detail(found: FoundPerson) -> dict[str, object]:
    """What the audit log may say about a record: never its encrypted content."""
    return {"condition": found.condition, "found_on": found.found_on.isoformat(), "reference": found.reference}


def record_found(found: FoundPerson, *, actor: User, request: HttpRequest | None = None) -> FoundPerson:
    """Add a person found to the actor's organisation's register and propose the open cases that may be her."""
    with transaction.atomic():
        assert actor.organisation_id is not None  # staff of an organisation (the view checked)
        found.organisation_id = actor.organisation_id
        found.recorded_by = actor
        found.save()
        audit_record(actor, AuditAction.CREATE, found, request=request, detail=_audit_detail(found))
        refresh_candidates([found])
    return found


def save_found(
    found: FoundPerson, changed: Iterable[str], *, actor: User, request: HttpRequest | None = None
) -> FoundPerson:
    """Save an edited record (the names of the changed fields are audited, never their values) and refresh its
    candidate pairs."""
    with transaction.atomic():
        found.save()
        detail = {**_audit_detail(found), "fields": sorted(changed)}
        audit_record(actor, AuditAction.CHANGE, found, request=request, detail=detail)
        refresh_candidates([found])
    return found


def add_photo(found: FoundPerson, photo: CleanPhoto, *, actor: User, request: HttpRequest | None = None) -> FoundPhoto:
    """Store a cleaned photo (already re-encoded without metadata by cases.photos.clean_photo) in private storage."""
    with transaction.atomic():
        stored = FoundPhoto(found=found, sha256=photo.sha256, width=photo.width, height=photo.height, uploaded_by=actor)
        stored.image.save(f"{photo.sha256}.jpg", ContentFile(photo.data), save=False)
        stored.save()
        audit_record(actor, AuditAction.CREATE, stored, request=request, organisation_id=found.organisation_id)
    return stored


def record_view(found: FoundPerson, *, actor: User, request: HttpRequest | None = None, what: str = "") -> None:
    """Audit that a person looked at a record of the register (or one of its photos)."""
    detail = {"what": what} if what else {}
    audit_record(actor, AuditAction.VIEW, found, request=request, detail=detail, organisation_id=found.organisation_id)


# --- Candidate pairs -------------------------------------------------------------------------------------------


def refresh_candidates(records: Iterable[FoundPerson]) -> Refreshed:
    """Make each record's proposed pairs what matching proposes now.

    An identified record (linked to a case) has no proposals. Otherwise matching searches the organisation's open
    cases, leaving out every case already decided for this record (rejected or confirmed), and the proposed rows
    become exactly its answer: new pairs added, scores and reasons updated, pairs it no longer proposes removed.
    """
    result = Refreshed()
    for found in records:
        pairs = Candidate.objects.filter(found=found)
        decided = set(pairs.exclude(status=CandidateStatus.PROPOSED).values_list("case_id", flat=True))
        proposed = {c.case_id: c for c in Candidate.objects.filter(found=found, status=CandidateStatus.PROPOSED)}
        wanted: dict[int, tuple[float, list[str]]] = {}
        if found.is_open:
            for proposal in proposals_for(found, exclude_case_ids=decided):
                wanted[proposal.case_id] = (proposal.score, list(proposal.reasons))
        stale = [pk for case_id, pk in ((c.case_id, c.pk) for c in proposed.values()) if case_id not in wanted]
        if stale:
            Candidate.objects.filter(pk__in=stale).delete()
            result.removed += len(stale)
        for case_id, (score, reasons) in wanted.items():
            current = proposed.get(case_id)
            if current is None:
                Candidate.objects.create(found=found, case_id=case_id, score=score, reasons=reasons)
                result.added += 1
            elif current.score != score or current.reasons != reasons:
                current.score, current.reasons = score, reasons
                current.save(update_fields=["score", "reasons"])
                result.changed += 1
    return result


def refresh_for_cases(case_ids: Iterable[int]) -> Refreshed:
    """Cases changed (opened, edited, moved in the lifecycle): refresh the open records of their organisations.

    A case's change can add it to, or drop it from, any open record's proposals (a new case, an edited age or
    place, a case located or closed), so every open record of the organisation is asked again; the register of one
    organisation is small next to its cases, and matching's search is indexed.
    """
    organisations = set(Case.objects.filter(pk__in=list(case_ids)).values_list("organisation_id", flat=True))
    result = Refreshed()
    for organisation_id in sorted(organisations):
        result += refresh_candidates(open_records(organisation_id))
    return result


def open_records(organisation_id: int | None = None) -> list[FoundPerson]:
    rows = FoundPerson.objects.filter(linked_case__isnull=True)
    rows = rows.select_related("found_place", "found_place__subdivision")
    if organisation_id is not None:
        rows = rows.filter(organisation_id=organisation_id)
    return list(rows.order_by("pk"))


def rebuild_all() -> Refreshed:
    """Recompute every record's proposals from scratch (the rebuild command); reports what it changed."""
    result = Refreshed()
    by_organisation: dict[int, list[FoundPerson]] = defaultdict(list)
    for found in FoundPerson.objects.select_related("found_place", "found_place__subdivision").order_by("pk"):
        by_organisation[found.organisation_id].append(found)
    for records in by_organisation.values():
        result += refresh_candidates(records)
    return result


# --- Decisions -------------------------------------------------------------------------------------------------


def _locked_pair(candidate: Candidate) -> Candidate:
    locked = Candidate.objects.select_for_update().select_related("found", "case").get(pk=candidate.pk)
    if locked.status != CandidateStatus.PROPOSED:
        raise DecisionError(_("This pair was already decided."))
    return locked


def confirm(
    candidate: Candidate, *, how: str, details: str = "", actor: User, request: HttpRequest | None = None
) -> Candidate:
    """Same person: record the case's outcome through the lifecycle, link the record to the case, audit it.

    The outcome's result, date and place come from the record (alive → located alive, deceased → located
    deceased; the date and place found). Raises DecisionError or TransitionError (clear messages) when the case or
    the record does not allow it; nothing is saved then.
    """
    with transaction.atomic():
        pair = _locked_pair(candidate)
        found = FoundPerson.objects.select_for_update().get(pk=pair.found_id)
        if not found.is_open:
            raise DecisionError(_("This person found is already identified as another case."))
        result = OutcomeResult.DECEASED if found.condition == Condition.DECEASED else OutcomeResult.ALIVE
        case = Case.objects.select_related("person", "last_seen_place").get(pk=pair.case_id)
        record_outcome(
            case,
            OutcomeData(result=result, on=found.found_on, how=how, place=found.found_place, details=details),
            actor=actor,
            request=request,
        )
        now = timezone.now()
        found.linked_case = case
        found.linked_at = now
        found.save(update_fields=["linked_case", "linked_at", "updated_at"])
        pair.status, pair.decided_by, pair.decided_at = CandidateStatus.CONFIRMED, actor, now
        pair.save(update_fields=["status", "decided_by", "decided_at"])
        # She is identified and the case is no longer searched for: no other proposal stands for either.
        Candidate.objects.filter(status=CandidateStatus.PROPOSED).filter(found=found).delete()
        Candidate.objects.filter(status=CandidateStatus.PROPOSED).filter(case=case).delete()
        audit_record(
            actor,
            AuditAction.CHANGE,
            pair,
            case=case,
            request=request,
            detail={"decision": "confirmed", "found": found.reference, "result": result, "score": pair.score},
        )
    return pair


def reject(candidate: Candidate, *, actor: User, request: HttpRequest | None = None) -> Candidate:
    """Not the same person: remembered, so that matching never proposes this pair again; audited."""
    with transaction.atomic():
        pair = _locked_pair(candidate)
        pair.status, pair.decided_by, pair.decided_at = CandidateStatus.REJECTED, actor, timezone.now()
        pair.save(update_fields=["status", "decided_by", "decided_at"])
        audit_record(
            actor,
            AuditAction.CHANGE,
            pair,
            case=pair.case,
            request=request,
            detail={"decision": "rejected", "found": pair.found.reference, "score": pair.score},
        )
    return pair
