"""Staff actions on a case's publication. Publishing needs a current consent to publish and a showable status."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.cases.choices import CaseStatus
from redalert.cases.models import Case, TimelineEvent, TimelineKind
from redalert.changes.announce import Kind, announce
from redalert.consent.choices import Purpose
from redalert.consent.rules import Verdict, may_use
from redalert.public.models import Publication

if TYPE_CHECKING:
    from django.http import HttpRequest

    from redalert.accounts.models import User


def publication_for(case: Case) -> Publication:
    publication, _created = Publication.objects.get_or_create(case=case)
    return publication


def may_publish(case: Case) -> Verdict:
    """A case may be shown publicly only with a current consent to publish, while searched for or once located."""
    consent = may_use(case, Purpose.PUBLISH)
    if not consent:
        return consent
    if case.status != CaseStatus.ACTIVE_SEARCH and case.located_on is None:
        return Verdict(False, _("Only a case in active search, or whose person was located, can be public."))
    return Verdict(True, "")


def set_public(
    case: Case, publication: Publication, public: bool, *, actor: User, request: HttpRequest | None = None
) -> Publication:
    """Save the publication settings and show or hide the case. Showing is refused without may_publish()."""
    if public:
        verdict = may_publish(case)
        if not verdict:
            raise PermissionError(verdict.reason)
        if publication.photo_id is not None and publication.photo is not None and publication.photo.case_id != case.pk:
            raise PermissionError(_("That photo belongs to another case."))
    with transaction.atomic():
        was_public = Publication.objects.filter(pk=publication.pk, is_public=True).exists()
        publication.case = case
        publication.is_public = public
        if public and not was_public:
            publication.published_at = timezone.now()
            publication.published_by = actor
        publication.save()
        announce(case.pk, Kind.PUBLICATION)
        if was_public != public:
            TimelineEvent.objects.create(
                case=case, actor=actor, kind=TimelineKind.PUBLICATION, summary_data={"public": public}
            )
        audit_record(
            actor,
            AuditAction.CHANGE,
            publication,
            case=case,
            request=request,
            detail={"public": public, "photo": publication.photo_id},
        )
    return publication


def end_publication_without_consent(case_id: int, actor: User | None) -> bool:
    """A withdrawal (or refusal) of consent to publish ends the publication: coming back needs a new grant and a
    new decision to publish. Runs in the transaction of the decision; returns whether a publication ended."""
    publication = Publication.objects.select_related("case").filter(case_id=case_id, is_public=True).first()
    if publication is None or may_use(publication.case, Purpose.PUBLISH):
        return False
    publication.is_public = False
    publication.save(update_fields=["is_public"])
    data = {"public": False, "reason": "consent"}
    TimelineEvent.objects.create(case_id=case_id, actor=actor, kind=TimelineKind.PUBLICATION, summary_data=data)
    audit_record(actor, AuditAction.CHANGE, publication, case=publication.case, detail=data)
    return True
