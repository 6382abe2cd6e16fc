"""What staff do through matching: add a further report to an existing case, record why a new case was opened
despite possible duplicates, and look at the possible duplicates of what is typed at intake."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction

from redalert.access.policy import Action, may
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.cases.models import Case, TimelineEvent, TimelineKind
from redalert.changes.announce import Kind, announce
from redalert.matching.candidates import Candidate, candidates_for
from redalert.matching.compare import compare
from redalert.matching.facts import PersonFacts, facts_for_case, split_aliases
from redalert.matching.models import AdditionalReport, IntakeDecision

if TYPE_CHECKING:
    from django.http import HttpRequest

    from redalert.accounts.models import User


def facts_from_intake(values: dict[str, Any]) -> PersonFacts:
    """The facts typed in the intake form (cleaned values of CaseReportForm and PersonForm)."""
    place = values.get("last_seen_place")
    subdivision = getattr(place, "subdivision", None)
    age = values.get("estimated_age") if values.get("birth_date") is None else None
    return PersonFacts(
        given_names=values.get("given_names") or "",
        first_surname=values.get("first_surname") or "",
        second_surname=values.get("second_surname") or "",
        aliases=split_aliases(values.get("aliases") or ""),
        sex="" if values.get("sex") in (None, "", "unknown") else values["sex"],
        birth_date=values.get("birth_date"),
        age_min=age,
        age_max=age,
        event_date=values.get("last_seen_on"),
        place_id=getattr(place, "pk", None),
        place_code=getattr(place, "code", ""),
        subdivision_code=(place.code if place.kind == "subdivision" else getattr(subdivision, "code", ""))
        if place
        else "",
        country_code=getattr(place, "country_code", ""),
        latitude=getattr(place, "latitude", None),
        longitude=getattr(place, "longitude", None),
    )


@dataclass(frozen=True)
class ShownCandidate:
    """A possible duplicate as shown to one user: the case only if her role may open it, else nothing but the
    score and reasons (redalert.access.policy: never a field of a case she could not open)."""

    candidate: Candidate
    case: Case | None
    may_add_report: bool

    @property
    def case_id(self) -> int:
        return self.candidate.case_id


def shown_candidates(user: User, facts: PersonFacts, *, request: HttpRequest | None = None) -> list[ShownCandidate]:
    """Possible duplicates for a user of the organisation; each case she may open is audited as viewed."""
    if user.organisation_id is None:
        return []
    found = candidates_for(user.organisation_id, facts)
    cases = Case.objects.select_related("person", "last_seen_place").in_bulk([c.case_id for c in found])
    shown = []
    for candidate in found:
        case = cases.get(candidate.case_id)
        if case is not None and may(user, Action.VIEW, case):
            audit_record(
                user,
                AuditAction.VIEW,
                case,
                case=case,
                request=request,
                detail={"what": "possible_duplicate", "score": candidate.comparison.score},
            )
            shown.append(ShownCandidate(candidate, case, may(user, Action.EDIT, case)))
        else:
            shown.append(ShownCandidate(candidate, None, False))
    return shown


def further_report(report: dict[str, Any], *, score: float | None = None) -> AdditionalReport:
    """The report part of an intake form (a CaseReportForm's cleaned data) as a further report, not saved."""
    return AdditionalReport(
        reported_at=report["reported_at"],
        channel=report["report_channel"],
        reporter_name=report.get("reporter_name") or "",
        reporter_relationship=report.get("reporter_relationship") or "unknown",
        reporter_phone=report.get("reporter_phone") or "",
        reporter_email=report.get("reporter_email") or "",
        narrative=report.get("circumstances") or "",
        score=score,
    )


def report_from_intake(report: dict[str, Any], person: dict[str, Any], case: Case) -> AdditionalReport:
    """The report part of an intake form, as a further report of `case`, scored against it."""
    return further_report(report, score=compare(facts_from_intake({**person, **report}), facts_for_case(case)).score)


def add_report(
    case: Case, report: AdditionalReport, *, actor: User, request: HttpRequest | None = None
) -> AdditionalReport:
    """Add a further report (another reporter of the same disappearance) to an existing case."""
    with transaction.atomic():
        report.case = case
        report.added_by = actor
        report.save()
        data = {"channel": report.channel, "additional_report": report.pk}
        TimelineEvent.objects.create(case=case, actor=actor, kind=TimelineKind.REPORTED, summary_data=data)
        detail = {"channel": report.channel, "relationship": report.reporter_relationship, "score": report.score}
        audit_record(actor, AuditAction.CREATE, report, case=case, request=request, detail=detail)
        announce(case.pk, Kind.EDITED, actor=actor)
    return report


def record_new_case(
    case: Case, reason: str, candidate_ids: list[int], *, actor: User, request: HttpRequest | None = None
) -> IntakeDecision:
    """A new case opened although these open cases looked like the same person: store and audit why."""
    decision = IntakeDecision.objects.create(
        case=case, candidate_case_ids=sorted(candidate_ids), reason=reason, decided_by=actor
    )
    audit_record(
        actor,
        AuditAction.CREATE,
        decision,
        case=case,
        request=request,
        detail={"new_case_despite": sorted(candidate_ids)},
    )
    return decision
