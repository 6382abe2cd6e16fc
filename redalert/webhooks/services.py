"""What an administrator does with her organisation's webhook subscriptions; every change is audited.

The secret is made here and returned once to the caller (the page shows it once); it is stored encrypted because
the workers need it to sign. The audit entries name the subscription and what changed, never the secret.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from redalert.accounts.models import User
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.outbox.models import OutboundMessage, Status
from redalert.webhooks import delivery
from redalert.webhooks.models import PauseReason, Subscription

SECRET_PREFIX = "whsec_"  # noqa: S105 (the prefix of generated secrets, not a secret)


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def _described(sub: Subscription) -> dict[str, Any]:
    return {"name": sub.name, "host": urlsplit(sub.url).hostname or "", "kinds": sorted(sub.kinds), "scope": sub.scope}


@dataclass(frozen=True)
class Created:
    subscription: Subscription
    secret: str  # shown once, never again


def create_subscription(
    *, actor: User, name: str, url: str, kinds: list[str], scope: str, request: HttpRequest | None = None
) -> Created:
    if actor.organisation_id is None:
        raise PermissionError("Only a member of an organisation subscribes its endpoints.")
    secret = new_secret()
    with transaction.atomic():
        sub = Subscription.objects.create(
            organisation_id=actor.organisation_id,
            name=name.strip(),
            url=url.strip(),
            secret=secret,
            kinds=sorted(set(kinds)),
            scope=scope,
            created_by=actor,
            created_at=timezone.now(),
        )
        audit_record(
            actor,
            AuditAction.CREATE,
            sub,
            request=request,
            detail={"what": "webhook subscription", **_described(sub)},
        )
    return Created(sub, secret)


def update_subscription(
    sub: Subscription,
    *,
    actor: User,
    name: str,
    url: str,
    kinds: list[str],
    scope: str,
    request: HttpRequest | None = None,
) -> Subscription:
    """Change the name, endpoint, events or scope. Deliveries still waiting go to the new endpoint; those that carry
    public fields are dropped at send time if the new scope no longer allows them (redalert.webhooks.delivery)."""
    before = _described(sub)
    with transaction.atomic():
        sub.name, sub.url, sub.kinds, sub.scope = name.strip(), url.strip(), sorted(set(kinds)), scope
        sub.save(update_fields=["name", "url", "kinds", "scope", "updated_at"])
        _waiting(sub).update(to=sub.url)
        after = _described(sub)
        audit_record(
            actor,
            AuditAction.CHANGE,
            sub,
            request=request,
            detail={
                "what": "webhook subscription",
                "changed": {k: [before[k], after[k]] for k in after if before[k] != after[k]},
            },
        )
    return sub


def rotate_secret(sub: Subscription, *, actor: User, request: HttpRequest | None = None) -> str:
    """A new secret (returned once); deliveries still waiting are signed with it too."""
    secret = new_secret()
    with transaction.atomic():
        sub.secret = secret
        sub.save(update_fields=["secret", "updated_at"])
        for message in _waiting(sub).only("pk"):
            message.secret = secret
            message.save(update_fields=["secret"])
        audit_record(actor, AuditAction.SECURITY, sub, request=request, detail={"what": "webhook secret rotated"})
    return secret


def _waiting(sub: Subscription) -> QuerySet[OutboundMessage]:
    """The subscription's messages not sent yet (pending, held, or given up on: a resume may send them)."""
    return OutboundMessage.objects.filter(
        webhook_delivery__subscription=sub, status__in=(Status.PENDING, Status.WITHHELD, Status.FAILED)
    )


def delete_subscription(sub: Subscription, *, actor: User, request: HttpRequest | None = None) -> None:
    """Remove the subscription and its log; messages still queued are withheld by the gate (no delivery left)."""
    with transaction.atomic():
        audit_record(
            actor,
            AuditAction.DELETE,
            sub,
            request=request,
            detail={"what": "webhook subscription", **_described(sub)},
        )
        sub.delete()


def pause_subscription(sub: Subscription, *, actor: User, request: HttpRequest | None = None) -> None:
    delivery.pause(sub, PauseReason.MANUAL, actor=actor, request=request)


def resume_subscription(sub: Subscription, *, actor: User, request: HttpRequest | None = None) -> int:
    return delivery.resume(sub, actor=actor, request=request)
