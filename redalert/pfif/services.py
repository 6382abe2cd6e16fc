"""What a coordinator does with an imported record: open a case from it (through the normal intake service,
redalert.cases.services.open_report) or dismiss it. Each is recorded on the record and in the audit log."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from redalert.accounts.models import User
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.cases.models import Case
from redalert.cases.services import IntakeData, open_report
from redalert.matching.candidates import Candidate, candidates_for
from redalert.matching.facts import PersonFacts
from redalert.pfif.models import ImportedPerson, ReviewStatus

SEXES = {"female": "female", "male": "male"}


def split_family_name(family_name: str) -> tuple[str, str]:
    """PFIF has one family name field; Latin-American names carry two surnames: the first word, then the rest."""
    first, _sep, second = family_name.strip().partition(" ")
    return first, second.strip()


def intake_initial(record: ImportedPerson) -> dict[str, Any]:
    """The intake fields the record pre-fills; the coordinator checks and completes them."""
    first, second = split_family_name(record.family_name)
    given = record.given_name or (record.full_name if not record.family_name else "")
    age = record.age.split("-")[0] if record.age else ""
    return {
        "given_names": given,
        "first_surname": first,
        "second_surname": second,
        "sex": SEXES.get(record.sex, "unknown"),
        "estimated_age": int(age) if age.isdigit() else None,
        "physical_description": record.description,
        "reported_at": timezone.localtime().replace(second=0, microsecond=0),
    }


def candidates(record: ImportedPerson) -> list[Candidate]:
    """The organisation's open cases that may be this person (redalert.matching), best first."""
    initial = intake_initial(record)
    age = initial["estimated_age"]
    facts = PersonFacts(
        given_names=initial["given_names"],
        first_surname=initial["first_surname"],
        second_surname=initial["second_surname"],
        sex=initial["sex"] if initial["sex"] != "unknown" else "",
        age_min=age,
        age_max=age,
        event_date=record.entry_date.date() if record.entry_date else None,
        country_code=record.home_country,
    )
    return candidates_for(record.organisation_id, facts)


def open_case(record: ImportedPerson, data: IntakeData, *, actor: User, request: HttpRequest | None = None) -> Case:
    """A new case of the record's organisation from the checked intake data; the record is then closed."""
    with transaction.atomic():
        locked = ImportedPerson.objects.select_for_update().get(pk=record.pk)
        if locked.status != ReviewStatus.PENDING:
            raise ValueError("already reviewed")
        case = open_report(data, organisation=locked.organisation, actor=actor, request=request)
        locked.status = ReviewStatus.CASE_OPENED
        locked.case = case
        locked.reviewed_by = actor
        locked.reviewed_at = timezone.now()
        locked.save(update_fields=["status", "case", "reviewed_by", "reviewed_at"])
        audit_record(actor, AuditAction.CREATE, locked, case=case, request=request, detail={"pfif": locked.record_id})
    return case


def dismiss(record: ImportedPerson, *, actor: User, request: HttpRequest | None = None) -> None:
    with transaction.atomic():
        updated = ImportedPerson.objects.filter(pk=record.pk, status=ReviewStatus.PENDING).update(
            status=ReviewStatus.DISMISSED, reviewed_by=actor, reviewed_at=timezone.now()
        )
        if updated:
            audit_record(actor, AuditAction.CHANGE, record, request=request, detail={"pfif": "dismissed"})
