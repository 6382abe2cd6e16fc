"""From events to signed POSTs through the outbox, and the check each one passes at the moment it leaves.

- `deliver_events` writes one `Delivery` and one outbox webhook message per (subscription, event) the
  subscription wants, in the follower's transaction. The message's idempotency key is
  "webhooks:<subscription>:<event>", so the key (header Idempotency-Key), the body and its signature are the same
  on every retry. The outbox retries failures with exponential backoff (OUTBOX_RETRY_BASE_SECONDS doubling up to
  OUTBOX_RETRY_MAX_SECONDS, OUTBOX_MAX_ATTEMPTS attempts).
- `check_at_send_time` is the outbox gate "webhooks:<delivery id>": the worker asks it just before each attempt.
  It refuses (the outbox withholds the message) when the subscription was removed, when it is paused (held: a
  resume sends it), when the subscription failed WEBHOOKS_PAUSE_AFTER_FAILURES attempts in a row (it pauses the
  subscription then), and when the payload carries public fields of a case the public may no longer see (consent
  to publish withdrawn, unpublished, closed): that delivery is dropped for good. The withdrawal or unpublishing is
  itself an event, with identifiers only, so the receiver learns that it must delete what it holds.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.cases.models import Case
from redalert.outbox.enqueue import MessageSpec, enqueue_many
from redalert.outbox.gates import gate_for
from redalert.outbox.models import Channel, DeliveryAttempt, OutboundMessage, Outcome, Status
from redalert.public.exposure import exposure, public_cases, with_public_relations
from redalert.webhooks.models import Delivery, Event, EventKind, HeldReason, PauseReason, Scope, Subscription

log = logging.getLogger(__name__)

GATE = "webhooks"
PAYLOAD_VERSION = 1
# Events whose payload never carries public fields, whatever the scope: the receiver must delete, not update.
IDS_ONLY_KINDS = frozenset({EventKind.CONSENT_WITHDRAWN, EventKind.UNPUBLISHED})
FAILED_OUTCOMES = (Outcome.RETRY, Outcome.FAILED, Outcome.ABANDONED)
RECENT_DELIVERIES = 200  # how far back the failures in a row are counted


def pause_after() -> int:
    return int(getattr(settings, "WEBHOOKS_PAUSE_AFTER_FAILURES", 10))


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def public_fields(case: Case) -> dict[str, Any]:
    """What the public site shows of a case (public.exposure), for a subscription of scope "public"."""
    shown = exposure(case)
    return {
        "public_id": shown.public_id,
        "kind": shown.kind,
        "name": shown.full_name,
        "age": shown.age,
        "last_seen_on": shown.last_seen_on.isoformat(),
        "place": shown.place_label,
        "country": shown.country_code,
        "subdivision": shown.subdivision_code,
        "located_on": shown.located_on.isoformat() if shown.located_on else None,
        "url": settings.SITE_URL.rstrip("/") + reverse("public:case", args=[shown.public_id]),
    }


def payload(subscription: Subscription, event: Event, case: Case, public: dict[str, Any] | None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "version": PAYLOAD_VERSION,
        "event_id": event.pk,
        "kind": event.kind,
        "occurred_at": _iso(event.occurred_at),
        "organisation": case.organisation.code,
        "subscription": subscription.pk,
        "scope": subscription.scope,
        "case": {"id": case.pk, "reference": case.reference},
        "data": event.data,
    }
    if public is not None:
        body["public"] = public
    return body


def deliver_events(events: Sequence[Event]) -> list[Delivery]:
    """Queue one delivery per (subscription, event) wanted; call it in a transaction (the follower's)."""
    if not events:
        return []
    subs_by_org: dict[int, list[Subscription]] = {}
    for sub in Subscription.objects.filter(organisation_id__in={e.organisation_id for e in events}):
        subs_by_org.setdefault(sub.organisation_id, []).append(sub)
    cases = {c.pk: c for c in Case.objects.filter(pk__in={e.case_id for e in events}).select_related("organisation")}
    shown = _public_now([e.case_id for e in events])
    done = set(Delivery.objects.filter(event__in=[e.pk for e in events]).values_list("subscription_id", "event_id"))
    wanted: list[tuple[Subscription, Event, dict[str, Any] | None]] = []
    for event in events:
        for sub in subs_by_org.get(event.organisation_id, []):
            if not sub.wants(event.kind) or sub.created_at > event.occurred_at or (sub.pk, event.pk) in done:
                continue
            public = None
            if sub.scope == Scope.PUBLIC and event.kind not in IDS_ONLY_KINDS and event.case_id in shown:
                public = shown[event.case_id]
            wanted.append((sub, event, public))
    if not wanted:
        return []
    # A few bulk inserts for the whole batch: the deliveries, their outbox messages, then the links between them.
    made = Delivery.objects.bulk_create(
        [
            Delivery(subscription=sub, event=event, carries_public_fields=public is not None)
            for sub, event, public in wanted
        ],
        batch_size=500,
    )
    if any(d.pk is None for d in made):  # a backend that does not return ids from bulk inserts
        by_pair = {
            (d.subscription_id, d.event_id): d
            for d in Delivery.objects.filter(event__in=[e.pk for _s, e, _p in wanted], message__isnull=True)
        }
        made = [by_pair[(sub.pk, event.pk)] for sub, event, _public in wanted]
    specs = [
        MessageSpec(
            channel=Channel.WEBHOOK,
            to=sub.url,
            subject=f"{event.kind} {cases[event.case_id].reference}",
            body=json.dumps(payload(sub, event, cases[event.case_id], public), sort_keys=True, ensure_ascii=False),
            key=f"webhooks:{sub.pk}:{event.pk}",
            secret=sub.secret,
            gate=gate_for(GATE, delivery.pk),
        )
        for (sub, event, public), delivery in zip(wanted, made, strict=True)
    ]
    for delivery, message in zip(made, enqueue_many(specs), strict=True):
        delivery.message = message
    Delivery.objects.bulk_update(made, ["message"], batch_size=500)
    return made


def _public_now(case_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    admitted = with_public_relations(public_cases().filter(pk__in=set(case_ids)))
    return {case.pk: public_fields(case) for case in admitted}


def failing_streak(subscription: Subscription, limit: int | None = None) -> int:
    """How many of the subscription's latest attempts failed in a row (since it was created or last resumed)."""
    limit = limit or pause_after()
    # Bounded: the attempts of the subscription's latest deliveries only, so the check costs the same however long
    # the log grows (a retry of a much older delivery is not counted).
    recent = (
        Delivery.objects.filter(subscription=subscription, message__isnull=False)
        .order_by("-id")
        .values_list("message_id", flat=True)[:RECENT_DELIVERIES]
    )
    attempts = DeliveryAttempt.objects.filter(message_id__in=list(recent))
    if subscription.resumed_at is not None:
        attempts = attempts.filter(at__gt=subscription.resumed_at)
    # Sorted here, not by the database: an ORDER BY "at" can lead the planner to walk the whole attempt log.
    latest = sorted(attempts.values_list("at", "id", "outcome"), reverse=True)[:limit]
    streak = 0
    for _at, _id, outcome in latest:
        if outcome == Outcome.SENT:
            break
        if outcome in FAILED_OUTCOMES:
            streak += 1
    return streak


def pause(subscription: Subscription, reason: str, *, actor: Any, request: Any = None) -> None:
    """Stop sending to the endpoint; what waits is held (and sent by resume)."""
    with transaction.atomic():
        touched = Subscription.objects.filter(pk=subscription.pk, paused_at__isnull=True).update(
            paused_at=timezone.now(), pause_reason=reason
        )
        if touched:
            subscription.refresh_from_db()
            audit_record(
                actor,
                AuditAction.CHANGE,
                subscription,
                request=request,
                organisation_id=subscription.organisation_id,
                detail={"what": "webhook subscription paused", "reason": reason},
            )


def resume(subscription: Subscription, *, actor: Any, request: Any = None) -> int:
    """Send again: the deliveries held while paused, and those the outbox gave up on, are queued again at once
    (same message, same idempotency key). Returns how many were queued again."""
    now = timezone.now()
    with transaction.atomic():
        Subscription.objects.filter(pk=subscription.pk).update(
            paused_at=None, pause_reason="", resumed_at=now, failing_since=None
        )
        subscription.refresh_from_db()
        again = Delivery.objects.filter(subscription=subscription, message__isnull=False).filter(
            held=HeldReason.PAUSED
        ) | Delivery.objects.filter(subscription=subscription, message__status=Status.FAILED)
        message_ids = list(again.values_list("message_id", flat=True))
        OutboundMessage.objects.filter(pk__in=message_ids, status__in=(Status.WITHHELD, Status.FAILED)).update(
            status=Status.PENDING, attempts=0, next_attempt_at=now, last_error="", claimed_at=None
        )
        Delivery.objects.filter(subscription=subscription, held=HeldReason.PAUSED).update(held=HeldReason.NONE)
        audit_record(
            actor,
            AuditAction.CHANGE,
            subscription,
            request=request,
            organisation_id=subscription.organisation_id,
            detail={"what": "webhook subscription resumed", "queued_again": len(message_ids)},
        )
    return len(message_ids)


def _hold(delivery_id: int, reason: str) -> None:
    Delivery.objects.filter(pk=delivery_id).update(held=reason)


def check_at_send_time(argument: str) -> str:
    """The outbox gate: "" lets the message go; a reason withholds it (see the module's docstring)."""
    try:
        delivery_id = int(argument)
    except ValueError:
        return "Not a webhook delivery."
    delivery = (
        Delivery.objects.select_related("subscription", "message")
        .only(
            "pk",
            "event_id",
            "carries_public_fields",
            "subscription__id",
            "subscription__organisation_id",
            "subscription__paused_at",
            "subscription__resumed_at",
            "subscription__failing_since",
            "subscription__scope",
            "message__attempts",
        )
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None:
        return "The webhook subscription was removed."
    sub = delivery.subscription
    if sub.is_paused:
        _hold(delivery_id, HeldReason.PAUSED)
        return "The webhook subscription is paused."
    retry = delivery.message is not None and delivery.message.attempts > 1
    if retry or sub.failing_since is not None:  # a healthy endpoint's first attempts skip the count
        streak = failing_streak(sub)
        if streak >= pause_after():
            pause(sub, PauseReason.FAILURES, actor="system")
            _hold(delivery_id, HeldReason.PAUSED)
            log.warning("Webhook subscription %s paused after %s failed attempts in a row", sub.pk, streak)
            return f"The webhook subscription was paused after {streak} failed attempts in a row."
        failing_since = timezone.now() if streak else None
        if (sub.failing_since is None) != (failing_since is None):
            Subscription.objects.filter(pk=sub.pk).update(failing_since=failing_since)
    if delivery.carries_public_fields and sub.scope != Scope.PUBLIC:  # the administrator narrowed the scope since
        _hold(delivery_id, HeldReason.NOT_ALLOWED)
        return "The subscription no longer allows the public fields this delivery carries."
    if delivery.carries_public_fields:
        case_id = Event.objects.filter(pk=delivery.event_id).values_list("case_id", flat=True).first()
        if case_id is None or not public_cases().filter(pk=case_id).exists():
            _hold(delivery_id, HeldReason.NOT_ALLOWED)
            return "The case is no longer public (consent to publish withdrawn or publication ended)."
    return ""
