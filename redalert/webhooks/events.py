"""Which events happened to a case: read from the durable records each change writes in its own transaction.

A queued follower receives only case ids, not what happened. So the events are not guessed from the announcement:
they are read from the records the services write in the same transaction as the change, which say exactly what
happened and cannot be lost or overwritten (records are appended, never changed):

- the case's timeline (cases.TimelineEvent): report received (opened), status from/to, consent decisions (the
  purpose), shown on / removed from the public site, tips (the tip's code), Red Alert acknowledged / escalated
  (the alert's number, the authority, the hours);
- the outcome row (investigation.Outcome, one per case).

Every record becomes at most one `Event`, keyed by its `source` ("timeline:<id>", "outcome:<id>"): running the
collector twice, or on a case whose announcement was queued twice, adds nothing. Only records written since the
oldest subscription of the organisation are read (older events were never subscribed to, and imports write their
history with its past dates). Nothing personal is copied: statuses, purposes and codes only.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import CharField, Exists, Min, OuterRef, Value
from django.db.models.functions import Cast, Concat

from redalert.cases.models import Case, TimelineEvent, TimelineKind
from redalert.consent.choices import Decision
from redalert.investigation.models import Outcome
from redalert.webhooks.models import Event, EventKind, Subscription

TIMELINE_KINDS = (
    TimelineKind.REPORTED,
    TimelineKind.STATUS,
    TimelineKind.CONSENT,
    TimelineKind.PUBLICATION,
    TimelineKind.TIP,
    TimelineKind.ALERT,
)


def event_from_timeline(kind: str, data: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The webhook event a timeline line stands for, with its codes; None for a line no webhook reports."""
    if kind == TimelineKind.REPORTED:
        return EventKind.CASE_OPENED, {}
    if kind == TimelineKind.STATUS:
        return EventKind.STATUS_CHANGED, {"from": data.get("from", ""), "to": data.get("to", "")}
    if kind == TimelineKind.CONSENT:
        if data.get("decision") != Decision.WITHDRAWN:
            return None
        return EventKind.CONSENT_WITHDRAWN, {"purpose": data.get("purpose", "")}
    if kind == TimelineKind.PUBLICATION:
        return (EventKind.PUBLISHED, {}) if data.get("public") else (EventKind.UNPUBLISHED, {})
    if kind == TimelineKind.TIP:
        return EventKind.TIP_RECEIVED, {"tip": data.get("code", "")}
    if kind == TimelineKind.ALERT:
        event = data.get("event")
        detail = {"alert": data.get("number"), "authority": data.get("authority", "")}
        if event == "acknowledged":
            return EventKind.ALERT_ACKNOWLEDGED, detail
        if event == "escalated":
            return EventKind.ALERT_ESCALATED, {**detail, "after_hours": data.get("hours")}
    return None


def collect(case_ids: Iterable[int]) -> list[Event]:
    """Turn the not yet collected records of these cases into events; returns the new events (oldest first)."""
    org_of = dict(Case.objects.filter(pk__in=list(case_ids)).values_list("pk", "organisation_id"))
    if not org_of:
        return []
    since: dict[int, datetime] = {
        row["organisation_id"]: row["first"]
        for row in Subscription.objects.filter(organisation_id__in=set(org_of.values()))
        .values("organisation_id")
        .annotate(first=Min("created_at"))
    }
    cases = [pk for pk, org in org_of.items() if org in since]
    if not cases:
        return []
    earliest = min(since.values())
    new: list[Event] = []
    lines = (
        TimelineEvent.objects.filter(case_id__in=cases, kind__in=TIMELINE_KINDS, at__gte=earliest)
        .exclude(Exists(Event.objects.filter(source=_source_ref("timeline"))))
        .order_by("at", "id")
        .values_list("pk", "case_id", "kind", "at", "summary_data")
    )
    for pk, case_id, kind, at, data in lines:
        org = org_of[case_id]
        found = event_from_timeline(kind, data or {})
        if found is None or at < since[org]:
            continue
        event_kind, detail = found
        new.append(
            Event(
                organisation_id=org,
                case_id=case_id,
                kind=event_kind,
                occurred_at=at,
                source=f"timeline:{pk}",
                data=detail,
            )
        )
    outcomes = (
        Outcome.objects.filter(case_id__in=cases, recorded_at__gte=earliest)
        .exclude(Exists(Event.objects.filter(source=_source_ref("outcome"))))
        .values_list("pk", "case_id", "result", "recorded_at")
    )
    for pk, case_id, result, at in outcomes:
        org = org_of[case_id]
        if at < since[org]:
            continue
        new.append(
            Event(
                organisation_id=org,
                case_id=case_id,
                kind=EventKind.OUTCOME_RECORDED,
                occurred_at=at,
                source=f"outcome:{pk}",
                data={"result": result},
            )
        )
    new.sort(key=lambda e: (e.occurred_at, e.source))
    return Event.objects.bulk_create(new, ignore_conflicts=False) if new else []


def _source_ref(prefix: str) -> Any:
    """The `source` an outer row (a timeline line, an outcome) has as an event: "<prefix>:<its id>"."""
    return Concat(Value(f"{prefix}:"), Cast(OuterRef("pk"), CharField()), output_field=CharField())
