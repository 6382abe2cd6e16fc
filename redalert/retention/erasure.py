"""Erasing the identity of a case: the one function the retention job and an approved erasure request both call.

What goes: every name, alias, contact, address, exact place, free text, photo and stored file of the case, in
every app (the case file, consent records, tips, further reports and the reason given at intake, investigation,
care, legal), the linked people's identifying details and their match keys, and the public listing and publication
(unpublished through `public.services.set_public`, cached share images and photo variants purged). The apps that
stand above retention (the hotline's contacts, the conversations and their outbox replies) erase their own part
through the steps they register in `redalert.retention.registry`, inside the same transaction.

What stays, so that the statistics keep their counts: the case's reference, organisation, status and dates, sex,
gender, age (the date of birth is replaced by the age she had when last seen), nationalities, languages, the
gazetteer places coarsened to the state (department) level, the trafficking facts (choices, not free text), the
outcome, proceedings, services and stays as counted facts, and the timeline's kinds of events.

Changes are written with queryset updates, not `cases.services.save_changes`: that service keeps the old value of
every plain field in the field history, which is exactly what must not survive. Encrypted values are replaced,
so the ciphertext of the old value is gone from the row as well.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.management import call_command
from django.db import transaction

from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.care.models import Objective, PlanAction, Service
from redalert.cases.models import Case, FamilyContact, MissingPerson, Note, Photo, TimelineEvent
from redalert.changes.announce import Kind, announce
from redalert.consent.models import ConsentRecord
from redalert.found import erasure as found_erasure
from redalert.imports.models import ImportedCase
from redalert.investigation.models import (
    CustodyEvent,
    EvidenceItem,
    Finding,
    LinkedPerson,
    MatchKey,
    Outcome,
    Source,
    TraffickingEvent,
    TraffickingFacts,
)
from redalert.legal.models import Accused, Hearing, Proceeding, StatusChange
from redalert.matching.models import AdditionalReport, IntakeDecision
from redalert.places.coarse import state_level
from redalert.public.models import Publication
from redalert.public.services import set_public
from redalert.retention.models import ErasedCase, ErasureReason
from redalert.retention.registry import Erased, FileRef, case_erasers, register_case_eraser
from redalert.retention.registry import stored_files as _files
from redalert.tasks import erasure as tasks_erasure
from redalert.tips.models import Tip

if TYPE_CHECKING:
    from django.http import HttpRequest

# What replaces a required text (a name, a finding) once erased. Stored data, not an interface string.
ERASED = "[anonimizada]"


def _erase_person(case: Case) -> None:
    person = MissingPerson.objects.filter(case=case).select_related("case").first()
    if person is None:
        return
    age = person.age_on(case.last_seen_on)
    person.given_names = ERASED
    person.first_surname = ""
    person.second_surname = ""
    person.aliases = ""
    person.birth_date = None
    person.estimated_age = age  # the age when last seen survives; save() derives age_at_disappearance from it
    person.height_cm = None
    person.physical_description = ""
    person.distinguishing_marks = ""
    person.clothing = ""
    person.save()  # recomputes the folded search name from the erased name


def _erase_case_file(case: Case) -> list[FileRef]:
    Case.objects.filter(pk=case.pk).update(
        reporter_name="",
        reporter_phone="",
        reporter_email="",
        last_seen_place_detail="",
        last_seen_latitude="",
        last_seen_longitude="",
        circumstances="",
        closure_reason="",
        last_seen_place_id=state_level(case.last_seen_place_id),
    )
    _erase_person(case)
    FamilyContact.objects.filter(case=case).delete()
    Note.objects.filter(case=case).delete()  # free text; their timeline lines go with them
    _erase_timeline(case)
    photos = Photo.objects.filter(case=case)
    files = _files(photos, "image")
    photos.delete()
    return files


# The keys of a timeline line's summary that say what kind of thing happened (codes, counts, references of cases
# and alerts, staff usernames, an authority's name), never who she is. Any other key (the free-text "reason" of a
# status change, or a key added later) is dropped when the identity is erased: unknown is treated as identifying.
TIMELINE_KEPT_KEYS = frozenset(
    {
        "channel",
        "fields",
        "added",
        "removed",
        "photo",
        "relationship",
        "from",
        "to",
        "on",
        "purpose",
        "decision",
        "public",
        "code",
        "event",
        "number",
        "kind",
        "recipients",
        "authority",
        "hours",
        "reminded",
        "other",
        "merge",
        "additional_report",
    }
)


def _erase_timeline(case: Case) -> None:
    for pk, data in TimelineEvent.objects.filter(case=case).values_list("pk", "summary_data"):
        if isinstance(data, dict) and set(data) - TIMELINE_KEPT_KEYS:
            kept = {key: value for key, value in data.items() if key in TIMELINE_KEPT_KEYS}
            TimelineEvent.objects.filter(pk=pk).update(summary_data=kept)


def _erase_found(case: Case) -> Erased:
    erased = found_erasure.erase_for_case(case)
    return Erased(erased.count, [FileRef(storage, name) for storage, name in erased.files])


def _erase_tasks(case: Case) -> Erased:
    return Erased(tasks_erasure.erase_for_case(case))


def register_own_steps() -> None:
    """The steps of apps below retention (they may not import the registry): each app owns its function, retention
    registers it (RetentionConfig.ready), so it runs and is counted like the steps of the apps above."""
    register_case_eraser("found_people", _erase_found)
    register_case_eraser("tasks", _erase_tasks)


def _erase_public(case: Case, actor: Any) -> None:
    publication = Publication.objects.filter(case=case).first()
    if publication is None:
        return
    publication.photo = None
    publication.public_summary = ""
    set_public(case, publication, False, actor=actor)


def _erase_consent(case: Case) -> list[FileRef]:
    records = ConsentRecord.objects.filter(case=case)
    files = _files(records, "form_scan")
    # Consent records are history and never changed by the services; erasure is the one exception: the decision,
    # its purpose and its date stay (the gate needs them), the names, notes and scans go.
    records.update(given_by_name=ERASED, witness_name="", notes="", form_scan="")
    return files


def _erase_tips(case: Case) -> list[FileRef]:
    tips = Tip.objects.filter(case=case)
    files = _files(tips, "photo")
    for tip in tips:
        blank_tip(tip)
    return files


def blank_tip(tip: Tip) -> None:
    """Everything a tip says about people goes; its code, dates, gazetteer place and triage stay."""
    Tip.objects.filter(pk=tip.pk).update(
        description=ERASED,
        place_description="",
        latitude="",
        longitude="",
        contact_name="",
        contact_phone="",
        contact_email="",
        notes="",
        spam_reason="",
        photo="",
        photo_sha256="",
    )


def _erase_reports(case: Case) -> None:
    """Further reports keep their date, channel and the reporter's relationship; who she is and what she said go.
    The reason given for opening the case despite possible duplicates is free text about people: it goes too."""
    AdditionalReport.objects.filter(case=case).update(
        reporter_name="", reporter_phone="", reporter_email="", narrative=""
    )
    IntakeDecision.objects.filter(case=case).update(reason=ERASED)


def _erase_investigation(case: Case) -> list[FileRef]:
    Source.objects.filter(case=case).update(description="")
    Finding.objects.filter(case=case).update(body=ERASED)
    evidence = EvidenceItem.objects.filter(case=case)
    files = _files(evidence, "file")
    evidence.update(title=ERASED, description="", original_name="", collected_by=ERASED, file="")
    CustodyEvent.objects.filter(evidence__case=case).update(from_holder="", to_holder=ERASED, note="")
    MatchKey.objects.filter(case=case).delete()
    LinkedPerson.objects.filter(case=case).update(
        name="",
        aliases="",
        criminal_group="",
        phones="",
        plates="",
        vehicles="",
        venues="",
        notes="",
    )
    for event in TraffickingEvent.objects.filter(case=case):
        TraffickingEvent.objects.filter(pk=event.pk).update(
            place_detail="", description="", place_id=state_level(event.place_id)
        )
    TraffickingFacts.objects.filter(case=case).update(recruitment_detail="", websites_other="", notes="")
    for outcome in Outcome.objects.filter(case=case):
        Outcome.objects.filter(pk=outcome.pk).update(details="", place_id=state_level(outcome.place_id))
    return files


def _erase_care_and_legal(case: Case) -> None:
    Service.objects.filter(case=case).update(notes="")
    Objective.objects.filter(case=case).update(objective=ERASED)
    PlanAction.objects.filter(objective__case=case).update(description=ERASED)
    Proceeding.objects.filter(case=case).update(investigation_file="")
    StatusChange.objects.filter(proceeding__case=case).update(note="")
    Hearing.objects.filter(proceeding__case=case).update(notes="")
    Accused.objects.filter(proceeding__case=case).update(name="")


def _delete_files(files: list[FileRef]) -> None:
    for ref in files:
        if ref.name and ref.storage.exists(ref.name):
            ref.storage.delete(ref.name)


def erase_case_identity(
    case: Case,
    actor: Any,
    *,
    reason: str = ErasureReason.REQUEST,
    request: HttpRequest | None = None,
    detail: dict[str, Any] | None = None,
) -> bool:
    """Erase or irreversibly anonymise every identifying datum of a case; False if it was already erased.

    The audit entry says that it happened, why and by whom (with `detail`: who asked and who approved), never
    what was erased. Stored files are deleted once the rows no longer name them.
    """
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if ErasedCase.objects.filter(case=locked).exists():
            return False
        _erase_public(locked, actor)
        files = _erase_case_file(locked)
        files += _erase_consent(locked)
        files += _erase_tips(locked)
        files += _erase_investigation(locked)
        _erase_care_and_legal(locked)
        _erase_reports(locked)
        ImportedCase.objects.filter(case=locked).update(fingerprints={})
        sections: dict[str, int] = {}
        for name, erase in case_erasers().items():
            erased = erase(locked)
            sections[name] = erased.count
            files += erased.files
        ErasedCase.objects.create(case=locked, reason=reason)
        user = actor if getattr(actor, "is_authenticated", False) else None
        announce(locked.pk, Kind.EDITED, actor=user)
        announce(locked.pk, Kind.PUBLICATION, actor=user)
        audit_record(
            actor or "retention",
            AuditAction.DELETE,
            locked,
            case=locked,
            request=request,
            detail={"erased": "identity", "reason": str(reason), "sections": sections, **(detail or {})},
        )
    _delete_files(files)
    # Share images may name her: drop them all (they are cheap to draw again) and the variants of her photos.
    call_command("purge_public_cache", share_max_age=0, stdout=_Discard())
    case.refresh_from_db()
    return True


class _Discard:
    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        return None
