"""Issuing Red Alerts, acknowledging them, escalating silence, and the per-recipient status.

`issue_alert` writes the alert, one Recipient per contact and one Delivery (with its outbox message) per recipient
in one transaction: either all of it is stored, or nothing is (the transactional outbox). Workers send the messages
(redalert.outbox.claiming); the outbox's consent gate checks the consent again when each one leaves.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Max, Prefetch, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from lxml import etree

from redalert.alerts.models import (
    Acknowledgement,
    Alert,
    AlertKind,
    Authority,
    AuthorityContact,
    ContactChannel,
    Delivery,
    Escalation,
    Level,
    Recipient,
)
from redalert.alerts.permissions import alert_view, consent_gate, may_alert_authorities
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.cases.choices import CaseStatus
from redalert.cases.models import Case, TimelineEvent
from redalert.outbox.enqueue import AttachmentData, MessageSpec, enqueue_email, enqueue_many, store_blob
from redalert.outbox.models import Attachment, Channel, OutboundMessage, Status
from redalert.public.cap_xml import CAP_MIME_TYPE, CAP_NS, build_cap, cap_datetime, case_url, reference_to, site_host
from redalert.public.exposure import PublicCase, public_cases
from redalert.public.pdf import build_bulletin

if TYPE_CHECKING:
    from redalert.accounts.models import User

log = logging.getLogger(__name__)

TIMELINE_KIND = "alert"  # TimelineKind.ALERT once the cases app has it
ACK_SALT = "redalert.alerts.ack"
ACK_URL_PLACEHOLDER = "\x00ACK-URL\x00"
LANGUAGE_ORDER = ("es", "en", "pt")
DEFAULT_ESCALATION_HOURS = (24, 72)  # Protocolo Alba: first 24 h, then 72 h
DEFAULT_ACK_LINK_DAYS = 30


class AlertRefused(Exception):
    """An alert that may not be issued; the message says why, in the user's language."""


class AckRefused(Exception):
    """An acknowledgement link that is forged, expired or already used."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def escalation_hours() -> list[int]:
    return sorted(int(h) for h in getattr(settings, "ALERT_ESCALATION_HOURS", DEFAULT_ESCALATION_HOURS))


def ack_link_max_age() -> int:
    return int(getattr(settings, "ALERT_ACK_LINK_DAYS", DEFAULT_ACK_LINK_DAYS)) * 24 * 3600


# --- Recipients -----------------------------------------------------------------------------------------------


def case_jurisdiction(case: Case) -> tuple[str, int | None]:
    """(country code, state place id) of the place where the person was last seen."""
    place = case.last_seen_place
    if place.kind == "subdivision":
        return place.country_code, place.pk
    return place.country_code, place.subdivision_id


def proposed_authorities(case: Case) -> QuerySet[Authority]:
    """The authorities of the jurisdiction of the disappearance (state and municipal ones of its state) and the
    federal level of its country, from the organisation's directory: the proposal a coordinator edits."""
    country, state_id = case_jurisdiction(case)
    active = Authority.objects.filter(organisation_id=case.organisation_id, is_active=True)
    federal = active.filter(level=Level.FEDERAL, country_code=country)
    if state_id is None:
        return federal
    local = active.filter(level__in=[Level.STATE, Level.MUNICIPAL], subdivision_id=state_id)
    return (federal | local).distinct()


def open_original(case: Case) -> Alert | None:
    """The newest original alert of the case that was not cancelled (updates and a cancel attach to it)."""
    originals = Alert.objects.filter(case=case, kind=AlertKind.ALERT).order_by("-number")
    for alert in originals:
        if not Alert.objects.filter(original=alert, kind=AlertKind.CANCEL).exists():
            return alert
    return None


def _original_contacts(original: Alert) -> list[AuthorityContact]:
    return [r.contact for r in original.recipients.select_related("contact__authority").order_by("id")]


# --- Content ----------------------------------------------------------------------------------------------------


def ack_token(recipient: Recipient) -> str:
    return signing.TimestampSigner(salt=ACK_SALT).sign(f"{recipient.pk}.{recipient.nonce}")


def ack_url(recipient: Recipient) -> str:
    return urljoin(settings.SITE_URL, reverse("alerts:ack", args=[ack_token(recipient)]))


def _languages(contacts: Iterable[AuthorityContact]) -> list[str]:
    wanted = {c.effective_language for c in contacts} | {settings.LANGUAGE_CODE[:2]}
    return [code for code in LANGUAGE_ORDER if code in wanted] + sorted(wanted - set(LANGUAGE_ORDER))


def _is_public(case: Case) -> bool:
    return public_cases().filter(pk=case.pk).exists()


def _strip_public_links(cap: bytes) -> bytes:
    """Drop <web> and the photo <resource> (links to public pages) from a CAP message about a non-public case."""
    root = etree.fromstring(cap)
    for tag in ("web", "resource"):
        for element in root.iter(f"{{{CAP_NS}}}{tag}"):
            element.getparent().remove(element)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


RESTRICTION = (
    "For the addressed authorities only: personal data shared with the family's consent, to search for this person. "
    "Do not publish."
)


def render_cap(
    case: Case,
    *,
    msg_type: str,
    identifier: str,
    sent: datetime,
    views: dict[str, PublicCase],
    references: Sequence[str] = (),
    public: bool = False,
) -> bytes:
    """The CAP 1.2 message of one alert version: scope Restricted, one <info> per recipient language."""
    languages = list(views)
    cap = build_cap(
        views[languages[0]],
        site_url=settings.SITE_URL,
        msg_type=msg_type,
        references=references,
        scope="Restricted",
        restriction=RESTRICTION,
        identifier=identifier,
        sent=sent,
        languages=languages,
        localized=views,
    )
    return cap if public else _strip_public_links(cap)


@dataclass
class _Content:
    subject: str
    body: str  # with ACK_URL_PLACEHOLDER where the personal link goes


def _render_content(alert: Alert, view: PublicCase, language: str, original: Alert | None) -> _Content:
    from redalert.public.cap_xml import contact_text, describe

    with translation.override(language):
        context = {
            "alert": alert,
            "kind": alert.kind,
            "case_reference": alert.case.reference,
            "view": view,
            "description": describe(view),
            "contact": contact_text(view),
            "original": original,
            "ack_url": ACK_URL_PLACEHOLDER,
            "note": alert.note,
            "organisation": view.contact.organisation,
        }
        subject = render_to_string("alerts/email/subject.txt", context).strip().replace("\n", " ")
        body = render_to_string("alerts/email/body.txt", context)
    return _Content(subject=subject, body=body)


# --- Issuing ----------------------------------------------------------------------------------------------------


@dataclass
class IssueResult:
    alert: Alert
    recipients: list[Recipient]
    cap_seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)


def _refuse(user: Any, case: Case, reason: str, request: Any = None, **detail: Any) -> AlertRefused:
    log.warning("Red Alert refused for case %s: %s", case.pk, reason)
    audit_record(
        user,
        AuditAction.DENIED,
        case,
        case=case,
        request=request,
        detail={"what": "red alert", "reason": reason, **detail},
    )
    return AlertRefused(reason)


def issue_alert(
    case: Case,
    *,
    by: User,
    kind: str = AlertKind.ALERT,
    authorities: Sequence[Authority] = (),
    note: str = "",
    request: Any = None,
) -> IssueResult:
    """Issue an alert (to the authorities chosen), an update or a cancellation (to the original's recipients).

    Refused (AlertRefused, logged and audited) without a current consent to share with authorities, for an
    authority without an active contact, with no recipient at all, for an update or cancel without an open
    alert, an alert or update of a case not in active search, or a cancel of a case not located.
    """
    kind = AlertKind(kind)
    verdict = may_alert_authorities(case)
    if not verdict:
        raise _refuse(by, case, verdict.reason, request, reason_code="no_consent")
    original = open_original(case)
    if kind == AlertKind.ALERT:
        if original is not None:
            raise _refuse(
                by,
                case,
                _("Red Alert #%(number)s is still open: send an update or a cancellation instead.")
                % {"number": original.number},
                request,
            )
        if case.status != CaseStatus.ACTIVE_SEARCH:
            raise _refuse(by, case, _("A Red Alert is issued only for a case in active search."), request)
        chosen = list(authorities)
        if not chosen:
            raise _refuse(by, case, _("Choose at least one authority."), request)
        foreign = [a for a in chosen if a.organisation_id != case.organisation_id]
        if foreign:
            raise _refuse(by, case, _("An authority is not in your organisation's directory."), request)
        contacts_by_authority = {
            a.pk: list(a.contacts.filter(is_active=True).select_related("authority")) for a in chosen
        }
        without = [a.name for a in chosen if not contacts_by_authority[a.pk]]
        if without:
            raise _refuse(
                by,
                case,
                _("No email address or webhook to reach: %(names)s. Add one in the directory or leave it out.")
                % {"names": ", ".join(sorted(without))},
                request,
                authorities_without_channel=sorted(without),
            )
        contacts = [c for a in chosen for c in contacts_by_authority[a.pk]]
    else:
        if original is None:
            raise _refuse(by, case, _("There is no open Red Alert to update or cancel."), request)
        if kind == AlertKind.UPDATE and case.status != CaseStatus.ACTIVE_SEARCH:
            raise _refuse(by, case, _("An update is sent only while the case is in active search."), request)
        if kind == AlertKind.CANCEL and (case.located_on is None or case.status == CaseStatus.ACTIVE_SEARCH):
            raise _refuse(
                by,
                case,
                _("A cancellation tells authorities she was located: record the location on the case first."),
                request,
            )
        contacts = _original_contacts(original)
        if not contacts:
            raise _refuse(by, case, _("The original alert has no recipients."), request)

    timings: dict[str, float] = {}
    started = time.perf_counter()
    languages = _languages(contacts)
    views = {lang: alert_view(case, language=lang) for lang in languages}
    public = _is_public(case)
    issued_at = timezone.now()

    # The bulletin (an alert or update about a person searched for) in each language of the recipients.
    bulletins: dict[str, Any] = {}
    if kind != AlertKind.CANCEL:
        page = case_url(settings.SITE_URL, views[languages[0]].public_id) if public else settings.SITE_URL
        for lang in languages:
            t0 = time.perf_counter()
            bulletins[lang] = store_blob(build_bulletin(views[lang], url=page, language=lang))
            timings[f"pdf_{lang}"] = time.perf_counter() - t0

    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)  # numbers are given one issuer at a time
        number = (Alert.objects.filter(case=locked).aggregate(n=Max("number"))["n"] or 0) + 1
        identifier = f"{site_host(settings.SITE_URL)}/red-alert/{case.reference}/{number}"
        references = [str(reference_to(original.cap_xml.encode("utf-8")))] if original is not None else []
        t0 = time.perf_counter()
        cap = render_cap(
            case,
            msg_type={"alert": "Alert", "update": "Update", "cancel": "Cancel"}[kind],
            identifier=identifier,
            sent=issued_at,
            views=views,
            references=references,
            public=public,
        )
        cap_seconds = time.perf_counter() - t0
        alert = Alert(
            case=case,
            number=number,
            kind=kind,
            original=original if kind != AlertKind.ALERT else None,
            note=note.strip(),
            language=languages[0],
            cap_identifier=identifier,
            cap_sent=cap_datetime(issued_at),
            cap_xml=cap.decode("utf-8"),
            issued_by=by,
            issued_at=issued_at,
        )
        alert.save()
        cap_blob = store_blob(cap)
        cap_name = f"red-alert-{case.reference}-{number}.cap.xml"
        contents = {lang: _render_content(alert, views[lang], lang, original) for lang in languages}
        recipients = Recipient.objects.bulk_create(
            [
                Recipient(
                    alert=alert,
                    authority=c.authority,
                    contact=c,
                    channel=c.channel,
                    address=c.address,
                    language=c.effective_language,
                )
                for c in contacts
            ]
        )
        if any(r.pk is None for r in recipients):  # backends that do not return ids from bulk inserts
            recipients = list(alert.recipients.order_by("id"))
        secrets = {c.pk: c.secret for c in contacts if c.channel == ContactChannel.WEBHOOK}
        gate = consent_gate(case)
        specs = []
        for recipient in recipients:
            files: list[AttachmentData] = []
            if recipient.language in bulletins:
                name = f"bulletin-{case.reference}-{recipient.language}.pdf"
                files.append((name, bulletins[recipient.language], "application/pdf"))
            files.append((cap_name, cap_blob, CAP_MIME_TYPE))
            specs.append(
                _spec_for(
                    recipient,
                    alert,
                    contents[recipient.language],
                    key=f"alert:{alert.pk}:recipient:{recipient.pk}",
                    files=files,
                    secret=secrets.get(recipient.contact_id, ""),
                    gate=gate,
                )
            )
        messages = enqueue_many(specs)
        Delivery.objects.bulk_create(
            [Delivery(recipient=r, sequence=0, message=m) for r, m in zip(recipients, messages, strict=True)],
            batch_size=1000,
        )
        _timeline(case, by, {"event": "issued", "number": number, "kind": kind, "recipients": len(recipients)})
        audit_record(
            by,
            AuditAction.CREATE,
            alert,
            case=case,
            request=request,
            detail={"what": "red alert", "number": number, "kind": kind, "recipients": len(recipients)},
        )
    timings["total"] = time.perf_counter() - started
    timings["cap"] = cap_seconds
    return IssueResult(alert=alert, recipients=recipients, cap_seconds=cap_seconds, timings=timings)


def _spec_for(
    recipient: Recipient,
    alert: Alert,
    content: _Content,
    *,
    key: str,
    files: Sequence[AttachmentData],
    secret: str,
    gate: str,
    reminder: int = 0,
) -> MessageSpec:
    """The outbox message for one recipient: an email, or a signed webhook whose JSON carries the same text."""
    link = ack_url(recipient)
    body = content.body.replace(ACK_URL_PLACEHOLDER, link)
    if recipient.channel == ContactChannel.WEBHOOK:
        payload = {
            "type": "redalert.alert",
            "msg_type": alert.cap_msg_type,
            "number": alert.number,
            "reminder": reminder,
            "case_reference": alert.case.reference,
            "cap_identifier": alert.cap_identifier,
            "issued_at": alert.cap_sent,
            "language": recipient.language,
            "subject": content.subject,
            "text": body,
            "acknowledge_url": link,
            "cap_xml": alert.cap_xml,
        }
        return MessageSpec(
            channel=Channel.WEBHOOK,
            to=recipient.address,
            subject=content.subject,
            body=json.dumps(payload, sort_keys=True, ensure_ascii=False),
            key=key,
            secret=secret,
            gate=gate,
            attachments=files,
        )
    return MessageSpec(
        channel=Channel.EMAIL,
        to=recipient.address,
        subject=content.subject,
        body=body,
        key=key,
        gate=gate,
        attachments=files,
    )


def _timeline(case: Case, actor: Any, data: dict[str, Any]) -> None:
    TimelineEvent.objects.create(
        case=case,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        kind=TIMELINE_KIND,
        summary_data=data,
    )


# --- Acknowledgement --------------------------------------------------------------------------------------------


def recipient_for_token(token: str, *, request: Any = None) -> Recipient:
    """The recipient a signed link was made for; AckRefused (logged and audited) if forged, expired or used."""
    signer = signing.TimestampSigner(salt=ACK_SALT)
    try:
        value = signer.unsign(token, max_age=ack_link_max_age())
    except signing.SignatureExpired:
        raw = token.split(":", 1)[0]
        recipient = _recipient_from_value(raw)
        raise _ack_refused(
            "expired",
            _("This acknowledgement link has expired. Please contact the organisation that sent the alert."),
            recipient,
            request,
        ) from None
    except signing.BadSignature:
        raise _ack_refused(
            "forged", _("This acknowledgement link is not valid. Please use the link in the alert."), None, request
        ) from None
    recipient = _recipient_from_value(value)
    if recipient is None:
        raise _ack_refused(
            "forged", _("This acknowledgement link is not valid. Please use the link in the alert."), None, request
        )
    return recipient


def _recipient_from_value(value: str) -> Recipient | None:
    pk, _dot, nonce = value.partition(".")
    if not pk.isdigit() or not nonce:
        return None
    return (
        Recipient.objects.select_related("alert__case__organisation", "authority")
        .filter(pk=int(pk), nonce=nonce)
        .first()
    )


def _ack_refused(code: str, message: str, recipient: Recipient | None, request: Any) -> AckRefused:
    log.warning("Acknowledgement link refused (%s) for recipient %s", code, recipient.pk if recipient else "?")
    case = recipient.alert.case if recipient is not None else None
    audit_record(
        "acknowledgement link",
        AuditAction.DENIED,
        recipient,
        case=case,
        request=request,
        detail={"what": "alert acknowledgement", "reason": code},
    )
    return AckRefused(code, message)


def already_acknowledged(recipient: Recipient, request: Any = None) -> AckRefused | None:
    ack = Acknowledgement.objects.filter(recipient=recipient).first()
    if ack is None:
        return None
    return _ack_refused(
        "reused",
        _("This alert was already acknowledged on %(date)s by %(name)s. Thank you.")
        % {"date": timezone.localtime(ack.at).strftime("%Y-%m-%d %H:%M"), "name": ack.name},
        recipient,
        request,
    )


def acknowledge(
    token: str, *, name: str, position: str = "", action_taken: str = "", request: Any = None
) -> Acknowledgement:
    """Record the acknowledgement a signed link allows, once; AckRefused for a forged, expired or used link."""
    from django.db import IntegrityError

    recipient = recipient_for_token(token, request=request)
    refused = already_acknowledged(recipient, request)
    if refused is not None:
        raise refused
    try:
        with transaction.atomic():
            ack = Acknowledgement.objects.create(
                recipient=recipient, name=name.strip(), position=position.strip(), action_taken=action_taken.strip()
            )
            case = recipient.alert.case
            _timeline(
                case,
                None,
                {"event": "acknowledged", "number": recipient.alert.number, "authority": recipient.authority.name},
            )
            audit_record(
                f"{name.strip()[:100]} ({recipient.authority.name[:40]})",
                AuditAction.CREATE,
                ack,
                case=case,
                request=request,
                detail={"what": "alert acknowledgement", "alert": recipient.alert.number},
            )
    except IntegrityError:  # two submissions at once: the second is a reuse
        refused = already_acknowledged(recipient, request)
        raise refused or AckRefused("reused", _("This alert was already acknowledged.")) from None
    return ack


# --- Escalation ------------------------------------------------------------------------------------------------


def _notify_staff(case: Case, alert: Alert, recipient: Recipient, escalation: Escalation) -> int:
    from redalert.accounts.models import User
    from redalert.accounts.roles import Role

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
    from django.db import IntegrityError

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
                first = Delivery.objects.select_related("message").get(recipient=recipient, sequence=0).message
                prefix = _reminder_word(recipient.language or settings.LANGUAGE_CODE)
                content = _Content(
                    subject=f"{prefix} ({level}): {first.subject}"[:300],
                    body=_reminder_body(first, recipient),
                )
                files: list[AttachmentData] = [
                    (a.filename, a.blob, a.mime_type)
                    for a in Attachment.objects.filter(message=first).select_related("blob")
                ]
                spec = _spec_for(
                    recipient,
                    alert,
                    content,
                    key=f"alert:{alert.pk}:recipient:{recipient.pk}:reminder:{level}",
                    files=files,
                    secret=first.secret,
                    gate=consent_gate(case),
                    reminder=level,
                )
                message = enqueue_many([spec])[0]
                Delivery.objects.create(recipient=recipient, sequence=level, message=message)
            _notify_staff(case, alert, recipient, escalation)
            _timeline(
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
    except IntegrityError:  # another escalate_alerts run got there first
        return None
    log.info("Escalated recipient %s of alert %s (level %s)", recipient.pk, alert.pk, level)
    return escalation


def _reminder_word(language: str) -> str:
    with translation.override(language):
        return _("REMINDER")


def _reminder_body(first: OutboundMessage, recipient: Recipient) -> str:
    """The reminder repeats the alert as issued (a webhook's JSON body is unwrapped to its text), with a fresh
    personal link in place of the first one."""
    import re

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


# --- Status ----------------------------------------------------------------------------------------------------


QUEUED, SENT, FAILED, WITHHELD = "queued", "sent", "failed", "withheld"


@dataclass
class RecipientStatus:
    recipient: Recipient
    state: str  # queued, sent, failed, withheld
    reason: str
    sent_at: datetime | None
    attempts: int
    reminders: int
    acknowledgement: Acknowledgement | None


def recipient_statuses(alert: Alert) -> list[RecipientStatus]:
    """Per recipient: queued, sent, failed (with the reason) or withheld, and the acknowledgement if any."""
    rows = []
    recipients = alert.recipients.select_related("authority", "acknowledgement").prefetch_related(
        Prefetch("deliveries", queryset=Delivery.objects.select_related("message").order_by("sequence"))
    )
    for recipient in recipients:
        deliveries = list(recipient.deliveries.all())
        messages = [d.message for d in deliveries]
        first = messages[0] if messages else None
        latest = messages[-1] if messages else None
        sent_times = [m.sent_at for m in messages if m.sent_at is not None]
        if latest is None or latest.status in (Status.PENDING, Status.SENDING):
            state = SENT if sent_times else QUEUED
        elif latest.status == Status.SENT:
            state = SENT
        elif latest.status == Status.WITHHELD:
            state = WITHHELD
        else:
            state = FAILED
        rows.append(
            RecipientStatus(
                recipient=recipient,
                state=state,
                reason=(latest.last_error if latest is not None and state in (FAILED, WITHHELD, QUEUED) else ""),
                sent_at=min(sent_times) if sent_times else None,
                attempts=sum(m.attempts for m in messages),
                reminders=max(len(messages) - 1, 0),
                acknowledgement=getattr(recipient, "acknowledgement", None) if first is not None else None,
            )
        )
    return rows
