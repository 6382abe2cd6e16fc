"""Recording security events: one `SecurityEvent` row (what the events page and the digest read) and one entry in
the append-only audit log (detail {"security": kind}), in one transaction.

Other apps call `record_security_event` (accounts: role changes and second-factor resets; exports) and
`record_refused_case` (access.policy.case_for, for every 404 it gives)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.lib.http import client_address
from redalert.security.conf import setting
from redalert.security.models import EventKind, SecurityEvent

_AUDIT_ACTION = {
    EventKind.LOGIN_FAILED: AuditAction.LOGIN_FAILED,
    EventKind.SECOND_FACTOR_FAILED: AuditAction.LOGIN_FAILED,
    EventKind.ACCESS_REFUSED: AuditAction.DENIED,
    EventKind.REFUSAL_BURST: AuditAction.DENIED,
    EventKind.EXPORT: AuditAction.EXPORT,
}


def record_security_event(
    kind: EventKind | str,
    *,
    actor: Any = None,
    subject: Any = None,
    username: str = "",
    organisation_id: int | None = None,
    request: HttpRequest | None = None,
    detail: Mapping[str, Any] | None = None,
) -> SecurityEvent:
    """Record one security event and its audit entry.

    `kind`: an EventKind (e.g. "role_granted", "second_factor_reset", "export"). `actor`: the signed-in member who
    did it (None for anonymous attempts). `subject`: the member it concerns, if another (e.g. whose role changed);
    `username`: the account name as typed, when there is no member. The organisation is the subject's, else the
    actor's, unless given. `detail`: small, non-personal facts (a role, a case id, a format) — never case data.
    """
    kind = EventKind(kind)
    user = actor if getattr(actor, "is_authenticated", False) else None
    if organisation_id is None:
        organisation_id = getattr(subject, "organisation_id", None) or getattr(user, "organisation_id", None)
    concerned = subject if subject is not None else user
    if not username and concerned is not None:
        username = concerned.get_username()
    facts = {"security": str(kind), **dict(detail or {})}
    if subject is not None and subject is not user:
        facts.setdefault("member", subject.pk)
    with transaction.atomic():
        event = SecurityEvent.objects.create(
            at=timezone.now(),
            kind=kind,
            organisation_id=organisation_id,
            actor=user,
            username=username[:150],
            client_address=client_address(request) if request is not None else "",
            detail=facts,
        )
        audit_record(
            user or username,
            _AUDIT_ACTION.get(kind, AuditAction.SECURITY),
            request=request,
            detail=facts,
            organisation_id=organisation_id,
        )
    return event


def record_refused_case(user: Any, pk: object, *, reason: str, request: HttpRequest | None = None) -> None:
    """A member was refused a case id (the policy's 404). `reason`: "other_organisation", "not_allowed" (her
    organisation's case, not for her) or "no_such_case". Twenty refusals within ten minutes make one burst event,
    which the organisation's coordinators and administrators are told about."""
    if not getattr(user, "is_authenticated", False):
        return
    record_security_event(
        EventKind.ACCESS_REFUSED, actor=user, request=request, detail={"case_id": str(pk)[:40], "reason": reason}
    )
    since = timezone.now() - setting("SECURITY_REFUSAL_WINDOW")
    recent = SecurityEvent.objects.filter(actor=user, at__gte=since)
    if recent.filter(kind=EventKind.REFUSAL_BURST).exists():
        return
    refused = recent.filter(kind=EventKind.ACCESS_REFUSED).count()
    if refused >= setting("SECURITY_REFUSAL_BURST"):
        record_security_event(EventKind.REFUSAL_BURST, actor=user, request=request, detail={"refused": refused})
