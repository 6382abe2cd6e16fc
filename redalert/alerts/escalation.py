"""Escalating silence (Protocolo Alba: 24 h, then 72 h; ALERT_ESCALATION_HOURS): past each deadline, a recipient
that has not acknowledged an alert or update is reminded (if the consent still allows it), and the case's
lawyer(s), coordinator(s) and the issuer are told. `manage.py escalate_alerts` and the Celery beat run it."""

from __future__ import annotations

import json
import logging
import re
from datetime import datetime, timedelta
from urllib.parse import urljoin

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from redalert.accounts.models import User
from redalert.accounts.roles import Role
from redalert.alerts.content import ACK_URL_PLACEHOLDER, MessageContent
from redalert.alerts.issuing import message_spec
from redalert.alerts.models import Alert, AlertKind, ContactChannel, Delivery, Escalation, Recipient
from redalert.alerts.permissions import consent_gate, may_alert_authorities
from redalert.alerts.timeline import record_on_timeline
from redalert.cases.models import Case
from redalert.changes.announce import Kind, announce
from redalert.outbox.enqueue import AttachmentData, enqueue_email, enqueue_many
from redalert.outbox.models import Attachment, OutboundMessage

log = logging.getLogger(__name__)

DEFAULT_ESCALATION_HOURS = (24, 72)  # Protocolo Alba: first 24 h, then 72 h


def escalation_hours() -> list[int]:
    return sorted(int(h) for h in getattr(settings, "ALERT_ESCALATION_HOURS", DEFAULT_ESCALATION_HOURS))


def escalate_due(now: datetime | None = None) -> list[Escalation]:
    """For every unacknowledged recipient of an alert or update past a deadline (ALERT_ESCALATION_HOURS), once per
    deadline: queue a reminder (if the consent still allows it), tell the case's lawyer(s), coordinator(s) and the
    issuer, and write it on the timeline. A cancelled alert is not escalated."""
    now = now or timezone.now()
    hours = escalation_hours()
    if not hours:
        return []
    done: list[Escalation] = []
    oldest_deadline = now - timedelta(hours=hours[0])
    candidates = (
        Recipient.objects.filter(
            alert__kind__in=[AlertKind.ALERT, AlertKind.UPDATE],
            alert__issued_at__lte=oldest_deadline,
            acknowledgement__isnull=True,
        )
        .select_related("alert__case", "alert__original", "alert__issued_by", "authority", "contact")
        .prefetch_related(Prefetch("escalations"))
        .order_by("id")
    )
    cancelled_roots = set(Alert.objects.filter(kind=AlertKind.CANCEL).values_list("original_id", flat=True))
    for recipient in candidates.iterator(chunk_size=500):
        alert = recipient.alert
        if alert.root.pk in cancelled_roots:
            continue
        age = now - alert.issued_at
        level = max((i + 1 for i, h in enumerate(hours) if age >= timedelta(hours=h)), default=0)
        if level == 0 or any(e.level >= level for e in recipient.escalations.all()):
            continue
        escalation = _escalate(recipient, level, hours[level - 1], now)
        if escalation is not None:
            done.append(escalation)
    return done


def _escalate(recipient: Recipient, level: int, after_hours: int, now: datetime) -> Escalation | None:
    alert = recipient.alert
    case = alert.case
    verdict = may_alert_authorities(case)
    try:
        with transaction.atomic():
            escalation = Escalation.objects.create(
                recipient=recipient,
                level=level,
                after_hours=after_hours,
                at=now,
                reminded=bool(verdict),
                reason="" if verdict else verdict.reason[:300],
            )
            if verdict:
                _remind(recipient, level)
            _notify_staff(case, alert, recipient, escalation)
            record_on_timeline(
                case,
                None,
                {
                    "event": "escalated",
                    "number": alert.number,
                    "authority": recipient.authority.name,
                    "hours": after_hours,
                    "reminded": bool(verdict),
                },
            )
            announce(case.pk, Kind.ALERT)
    except IntegrityError:  # another escalate_alerts run got there first
        return None
    log.info("Escalated recipient %s of alert %s (level %s)", recipient.pk, alert.pk, level)
    return escalation


# --- Reminders --------------------------------------------------------------------------------------------------


def _remind(recipient: Recipient, level: int) -> None:
    """Queue the reminder of `level`: the first message again, with its attachments and a fresh personal link."""
    alert = recipient.alert
    first = Delivery.objects.select_related("message").get(recipient=recipient, sequence=0).message
    prefix = _reminder_word(recipient.language or settings.LANGUAGE_CODE)
    content = MessageContent(
        subject=f"{prefix} ({level}): {first.subject}"[:300],
        body=_reminder_body(first, recipient),
    )
    files: list[AttachmentData] = [
        (a.filename, a.blob, a.mime_type) for a in Attachment.objects.filter(message=first).select_related("blob")
    ]
    spec = message_spec(
        recipient,
        alert,
        content,
        key=f"alert:{alert.pk}:recipient:{recipient.pk}:reminder:{level}",
        files=files,
        secret=first.secret,
        gate=consent_gate(alert.case),
        reminder=level,
    )
    message = enqueue_many([spec])[0]
    Delivery.objects.create(recipient=recipient, sequence=level, message=message)


def _reminder_word(language: str) -> str:
    with translation.override(language):
        return _("REMINDER")


def _reminder_body(first: OutboundMessage, recipient: Recipient) -> str:
    """The reminder repeats the alert as issued (a webhook's JSON body is unwrapped to its text), with a fresh
    personal link in place of the first one."""
    text = first.body
    if first.channel == ContactChannel.WEBHOOK:
        text = json.loads(first.body).get("text", "")
    marker = "TOKEN"
    prefix = urljoin(settings.SITE_URL, reverse("alerts:ack", args=[marker])).split(marker)[0]
    text = re.sub(re.escape(prefix) + r"\S+", lambda _m: ACK_URL_PLACEHOLDER, text)
    with translation.override(recipient.language):
        intro = _(
            "We have not received your acknowledgement of this Red Alert. Please acknowledge it with the link below."
        )
    return f"{intro}\n\n{text}"


# --- Staff ------------------------------------------------------------------------------------------------------


def _notify_staff(case: Case, alert: Alert, recipient: Recipient, escalation: Escalation) -> int:
    """Email the case's lawyer(s) and coordinator(s) and the alert's issuer, each in their language."""
    team = User.objects.filter(
        case_memberships__case=case, role_assignments__role__in=[Role.LAWYER, Role.COORDINATOR], is_active=True
    )
    people = {u.pk: u for u in team}
    people.setdefault(alert.issued_by_id, alert.issued_by)
    sent = 0
    for user in people.values():
        if not user.email or not user.is_active:
            continue
        with translation.override(user.language or settings.LANGUAGE_CODE):
            subject = _("Red Alert #%(number)s of case %(reference)s: no acknowledgement from %(authority)s") % {
                "number": alert.number,
                "reference": case.reference,
                "authority": recipient.authority.name,
            }
            body = render_to_string(
                "alerts/email/escalation.txt",
                {
                    "alert": alert,
                    "case_reference": case.reference,
                    "recipient": recipient,
                    "escalation": escalation,
                    "url": urljoin(settings.SITE_URL, reverse("alerts:case", args=[case.pk])),
                },
            )
        enqueue_email(user.email, subject, body, key=f"alert-escalation:{escalation.pk}:user:{user.pk}")
        sent += 1
    return sent
