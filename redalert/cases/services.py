"""What staff do to a case file, as plain functions. Each writes the timeline and the audit log itself, and
announces the change (redalert.changes.announce) so that the read models follow."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone

from redalert.access.policy import forget_team
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.cases.choices import NoteSection
from redalert.cases.models import (
    Case,
    CaseCounter,
    FamilyContact,
    MissingPerson,
    Note,
    Photo,
    TeamMembership,
    TimelineEvent,
    TimelineKind,
)
from redalert.cases.photos import CleanPhoto
from redalert.changes.announce import Kind, announce
from redalert.lib.crypto import EncryptedTextField
from redalert.places.models import Place

if TYPE_CHECKING:
    from django.http import HttpRequest

    from redalert.accounts.models import Organisation, User


@dataclass
class IntakeData:
    """Everything the intake form gathers. Optional fields default to "not recorded"."""

    reported_at: datetime
    report_channel: str
    given_names: str
    last_seen_on: date
    last_seen_place: Place
    reporter_name: str = ""
    reporter_relationship: str = "unknown"
    reporter_phone: str = ""
    reporter_email: str = ""
    first_surname: str = ""
    second_surname: str = ""
    aliases: str = ""
    sex: str = "unknown"
    gender: str = "NonSpecifiedUnknown"
    birth_date: date | None = None
    estimated_age: int | None = None
    nationalities: list[str] = field(default_factory=list)
    ethnicity: str = ""
    indigenous: str = "unknown"
    indigenous_people: str = ""
    languages: list[str] = field(default_factory=list)
    height_cm: int | None = None
    physical_description: str = ""
    distinguishing_marks: str = ""
    clothing: str = ""
    last_seen_time: time | None = None
    last_seen_place_detail: str = ""
    last_seen_latitude: str = ""
    last_seen_longitude: str = ""
    circumstances: str = ""


CASE_FIELDS = {f.name for f in Case._meta.concrete_fields}
PERSON_FIELDS = {f.name for f in MissingPerson._meta.concrete_fields}


def next_reference(organisation: Organisation, year: int) -> str:
    """The next case reference of an organisation for a year: CODE-YYYY-NNNN, numbered without gaps or clashes."""
    return next_references(organisation, year, 1)[0]


def next_references(organisation: Organisation, year: int, count: int) -> list[str]:
    """The next `count` case references of an organisation for a year, in order (as `count` calls of
    next_reference would give them, with one lock of the year's counter)."""
    counter, _ = CaseCounter.objects.select_for_update().get_or_create(organisation=organisation, year=year)
    first = counter.last_number + 1
    counter.last_number += count
    counter.save(update_fields=["last_number"])
    code = organisation.code.upper()
    return [f"{code}-{year}-{number:04d}" for number in range(first, counter.last_number + 1)]


def open_report(
    data: IntakeData, *, organisation: Organisation, actor: User, request: HttpRequest | None = None
) -> Case:
    """Record a report of a disappearance: the case (status "reported"), the person, and the reporter on the team."""
    values = dataclasses.asdict(data)
    values["last_seen_place"] = data.last_seen_place
    with transaction.atomic():
        case = Case(
            organisation=organisation,
            created_by=actor,
            reference=next_reference(organisation, timezone.localtime(data.reported_at).year),
            **{k: v for k, v in values.items() if k in CASE_FIELDS},
        )
        case.save()
        MissingPerson.objects.create(case=case, **{k: v for k, v in values.items() if k in PERSON_FIELDS})
        TeamMembership.objects.create(case=case, user=actor, added_by=actor)
        TimelineEvent.objects.create(
            case=case, actor=actor, kind=TimelineKind.REPORTED, summary_data={"channel": data.report_channel}
        )
        audit_record(actor, AuditAction.CREATE, case, case=case, request=request, detail={"reference": case.reference})
        announce(case.pk, Kind.OPENED, actor=actor)
    return case


def _field_value(obj: models.Model, name: str) -> Any:
    value = getattr(obj, name)
    if isinstance(value, models.Model):
        return value.pk
    return value


def diff(before: models.Model, after: models.Model, names: list[str]) -> dict[str, dict[str, Any]]:
    """Changed fields between two versions of an object; values of encrypted fields are never copied out."""
    changes: dict[str, dict[str, Any]] = {}
    for name in names:
        model_field = after._meta.get_field(name)
        attname = getattr(model_field, "attname", name)
        old, new = _field_value(before, attname), _field_value(after, attname)
        if old == new:
            continue
        if isinstance(model_field, EncryptedTextField):
            changes[name] = {"encrypted": True}
        else:
            changes[name] = {"from": old, "to": new}
    return changes


def save_changes(
    case: Case, objects: list[models.Model], *, actor: User, request: HttpRequest | None = None
) -> dict[str, dict[str, Any]]:
    """Save edited copies of a case's objects, keeping field-level history on the timeline and in the audit log."""
    all_changes: dict[str, dict[str, Any]] = {}
    with transaction.atomic():
        for obj in objects:
            stored = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
            names = [f.name for f in obj._meta.concrete_fields if f.editable and not f.primary_key]
            changes = diff(stored, obj, names)
            if not changes:
                continue
            obj.save()
            prefix = obj._meta.model_name
            all_changes.update({f"{prefix}.{name}": change for name, change in changes.items()})
        if "case.last_seen_on" in all_changes:
            case.person.save()  # its age at disappearance is derived from the date last seen
        if all_changes:
            TimelineEvent.objects.create(
                case=case, actor=actor, kind=TimelineKind.CHANGE, summary_data={"fields": sorted(all_changes)}
            )
            audit_record(actor, AuditAction.CHANGE, case, case=case, request=request, detail={"changes": all_changes})
            announce(case.pk, Kind.EDITED, actor=actor)
    return all_changes


def add_note(case: Case, section: str, body: str, *, actor: User, request: HttpRequest | None = None) -> Note:
    with transaction.atomic():
        note = Note.objects.create(case=case, section=section, body=body, author=actor)
        TimelineEvent.objects.create(case=case, actor=actor, kind=TimelineKind.NOTE, section=section, note=note)
        audit_record(actor, AuditAction.CREATE, note, case=case, request=request, detail={"section": section})
    return note


def add_team_member(case: Case, member: User, *, actor: User, request: HttpRequest | None = None) -> bool:
    """Put a member of the case's organisation on its team; False if she already was."""
    if member.organisation_id != case.organisation_id:
        raise ValueError("Only members of the case's organisation can join its team.")
    with transaction.atomic():
        _, created = TeamMembership.objects.get_or_create(case=case, user=member, defaults={"added_by": actor})
        forget_team(case)
        if created:
            data = {"added": member.get_username()}
            TimelineEvent.objects.create(case=case, actor=actor, kind=TimelineKind.TEAM, summary_data=data)
            audit_record(actor, AuditAction.CHANGE, case, case=case, request=request, detail={"team": data})
    return created


def remove_team_member(case: Case, member: User, *, actor: User, request: HttpRequest | None = None) -> bool:
    with transaction.atomic():
        deleted, _ = TeamMembership.objects.filter(case=case, user=member).delete()
        forget_team(case)
        if deleted:
            data = {"removed": member.get_username()}
            TimelineEvent.objects.create(case=case, actor=actor, kind=TimelineKind.TEAM, summary_data=data)
            audit_record(actor, AuditAction.CHANGE, case, case=case, request=request, detail={"team": data})
    return bool(deleted)


def add_photo(case: Case, photo: CleanPhoto, *, caption: str, actor: User, request: HttpRequest | None = None) -> Photo:
    """Store a cleaned photo (already re-encoded without metadata) in private storage."""
    with transaction.atomic():
        stored = Photo(
            case=case, sha256=photo.sha256, width=photo.width, height=photo.height, caption=caption, uploaded_by=actor
        )
        stored.image.save(f"{photo.sha256}.jpg", ContentFile(photo.data), save=False)
        stored.save()
        TimelineEvent.objects.create(case=case, actor=actor, kind=TimelineKind.PHOTO, summary_data={"photo": stored.pk})
        audit_record(actor, AuditAction.CREATE, stored, case=case, request=request)
        announce(case.pk, Kind.EDITED, actor=actor)
    return stored


def add_family_contact(
    case: Case, contact: FamilyContact, *, actor: User, request: HttpRequest | None = None
) -> FamilyContact:
    with transaction.atomic():
        contact.case = case
        contact.save()
        data = {"relationship": contact.relationship}
        TimelineEvent.objects.create(case=case, actor=actor, kind=TimelineKind.CONTACT, summary_data=data)
        audit_record(actor, AuditAction.CREATE, contact, case=case, request=request, detail=data)
    return contact


def record_view(
    case: Case, *, actor: User, request: HttpRequest | None = None, section: str = NoteSection.GENERAL, what: str = ""
) -> None:
    """Audit that a person looked at a case (or one of its sections or files)."""
    detail = {"section": section}
    if what:
        detail["what"] = what
    audit_record(actor, AuditAction.VIEW, case, case=case, request=request, detail=detail)
