"""Erasure requests: recorded by a coordinator, approved by a second person, then carried out; and the policy."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.cases.models import Case
from redalert.retention.erasure import erase_case_identity
from redalert.retention.models import ErasedCase, ErasureReason, ErasureRequest, RequestStatus, RetentionPolicy
from redalert.retention.permissions import may_approve, may_edit_policy, may_request_erasure

if TYPE_CHECKING:
    from django.http import HttpRequest

    from redalert.accounts.models import User


class ErasureRefused(Exception):
    """A request that may not be recorded or approved; the message says why, for the member."""


def record_request(
    case: Case,
    *,
    requested_by: str,
    requested_on: date,
    basis: str,
    actor: User,
    request: HttpRequest | None = None,
) -> ErasureRequest:
    """A coordinator records that the family or the survivor asked for the case's identity to be erased."""
    if not may_request_erasure(actor, case):
        raise ErasureRefused(_("Only a coordinator of the organisation can record an erasure request."))
    if ErasedCase.objects.filter(case=case).exists():
        raise ErasureRefused(_("This case's identity has already been erased."))
    if ErasureRequest.objects.filter(case=case, status=RequestStatus.PENDING).exists():
        raise ErasureRefused(_("A request for this case is already waiting for approval."))
    if requested_on > timezone.localdate():
        raise ErasureRefused(_("The date asked cannot be in the future."))
    with transaction.atomic():
        erasure_request = ErasureRequest.objects.create(
            case=case, requested_by=requested_by, requested_on=requested_on, basis=basis, recorded_by=actor
        )
        audit_record(
            actor,
            AuditAction.CREATE,
            erasure_request,
            case=case,
            request=request,
            detail={"erasure_request": True, "requested_by": requested_by, "basis": basis},
        )
    return erasure_request


def approve_request(erasure_request: ErasureRequest, *, actor: User, request: HttpRequest | None = None) -> bool:
    """A second person approves: the identity is erased at once. Refused for the member who recorded it."""
    if erasure_request.recorded_by_id == actor.pk:
        raise ErasureRefused(_("The member who recorded the request cannot approve it: a second person must."))
    if not may_approve(actor, erasure_request):
        raise ErasureRefused(_("Only another coordinator or an administrator of the organisation can approve."))
    with transaction.atomic():
        locked = ErasureRequest.objects.select_for_update().get(pk=erasure_request.pk)
        if locked.status != RequestStatus.PENDING:
            raise ErasureRefused(_("This request is no longer waiting for approval."))
        locked.status = RequestStatus.DONE
        locked.approved_by = actor
        locked.approved_at = timezone.now()
        locked.save(update_fields=["status", "approved_by", "approved_at"])
        erased = erase_case_identity(
            locked.case,
            actor,
            reason=ErasureReason.REQUEST,
            request=request,
            detail={
                "erasure_request": locked.pk,
                "requested_by": locked.requested_by,
                "requested_on": locked.requested_on.isoformat(),
                "basis": locked.basis,
                "recorded_by": locked.recorded_by_id,
                "approved_by": actor.pk,
            },
        )
    erasure_request.refresh_from_db()
    return erased


def save_policy(policy: RetentionPolicy, *, actor: User, changed: list[str], request: HttpRequest | None = None) -> Any:
    """Store an organisation's retention periods; audited with the fields and their new values (days)."""
    if not may_edit_policy(actor) or policy.organisation_id != actor.organisation_id:
        raise ErasureRefused(_("Only an administrator of the organisation can change its retention periods."))
    with transaction.atomic():
        policy.updated_by = actor
        policy.save()
        audit_record(
            actor,
            AuditAction.CHANGE,
            policy,
            request=request,
            organisation_id=policy.organisation_id,
            detail={"retention_policy": {name: getattr(policy, name) for name in changed}},
        )
    return policy
