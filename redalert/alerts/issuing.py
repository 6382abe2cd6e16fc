"""Issuing a Red Alert, an update or a cancellation to authorities.

`issue_alert` writes the alert, one Recipient per contact and one Delivery (with its outbox message) per recipient
in one transaction: either all of it is stored, or nothing is (the transactional outbox). Workers send the messages
(redalert.outbox.claiming); the outbox's consent gate checks the consent again when each one leaves.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from redalert.alerts.acknowledgement import ack_url
from redalert.alerts.content import (
    ACK_URL_PLACEHOLDER,
    MessageContent,
    recipient_languages,
    render_bulletins,
    render_cap,
    render_content,
    restriction,
    stop_circulating_content,
)
from redalert.alerts.models import (
    Alert,
    AlertKind,
    Authority,
    AuthorityContact,
    ContactChannel,
    Delivery,
    Level,
    Recipient,
)
from redalert.alerts.permissions import alert_view, consent_gate, may_alert_authorities
from redalert.alerts.timeline import record_on_timeline
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.cases.choices import CaseStatus
from redalert.cases.models import Case
from redalert.outbox.enqueue import AttachmentData, MessageSpec, enqueue_many, store_blob
from redalert.outbox.models import Blob, Channel
from redalert.public.cap_xml import CAP_MIME_TYPE, build_cancel, cap_datetime, reference_to, site_host
from redalert.public.exposure import PublicCase, public_cases

if TYPE_CHECKING:
    from redalert.accounts.models import User

log = logging.getLogger(__name__)

CAP_MSG_TYPES = {AlertKind.ALERT: "Alert", AlertKind.UPDATE: "Update", AlertKind.CANCEL: "Cancel"}


class AlertRefused(Exception):
    """An alert that may not be issued; the message says why, in the user's language."""


@dataclass
class IssueResult:
    alert: Alert
    recipients: list[Recipient]
    cap_seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)


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


# --- Issuing ----------------------------------------------------------------------------------------------------


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

    Without a current consent to share with authorities, only a cancellation may be sent, and it carries no
    personal data (see _issue_stop_circulating). Otherwise refused (AlertRefused, logged and audited) for an
    authority without an active contact, with no recipient at all, for an update or cancel without an open
    alert, an alert or update of a case not in active search, or a cancel of a case not located.
    """
    kind = AlertKind(kind)
    if kind == AlertKind.CANCEL and not may_alert_authorities(case):
        return _issue_stop_circulating(case, by=by, note=note, request=request)
    original = _check(case, kind, by=by, request=request)
    contacts = _choose_recipients(case, kind, original, authorities, by=by, request=request)

    timings: dict[str, float] = {}
    started = time.perf_counter()
    draft = _prepare(case, kind, contacts, timings)
    with transaction.atomic():
        number = _next_number(case)
        alert, cap, cap_seconds = _write_alert(case, kind, number, original=original, note=note, by=by, draft=draft)
        cap_file: AttachmentData = (f"red-alert-{case.reference}-{number}.cap.xml", store_blob(cap), CAP_MIME_TYPE)
        contents = {lang: render_content(alert, draft.views[lang], lang, original) for lang in draft.languages}
        recipients = _write_recipients(alert, contacts)
        specs = _message_specs(alert, recipients, contacts, contents, bulletins=draft.bulletins, cap_file=cap_file)
        _write_deliveries(recipients, specs)
        record_on_timeline(case, by, {"event": "issued", "number": number, "kind": kind, "recipients": len(recipients)})
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


def _issue_stop_circulating(case: Case, *, by: User, note: str, request: Any) -> IssueResult:
    """After consent to share with authorities is withdrawn (or refused), tell the recipients of the open alert to
    stop circulating it: a CAP Cancel that references the original and says nothing about the person, and a message
    with the case reference only. It needs no consent (nothing personal leaves), so its messages pass no gate."""
    original = open_original(case)
    if original is None:
        raise _refuse(by, case, _("There is no open Red Alert to cancel."), request)
    contacts = _original_contacts(original)
    if not contacts:
        raise _refuse(by, case, _("The original alert has no recipients."), request)
    issued_at = timezone.now()
    with transaction.atomic():
        number = _next_number(case)
        identifier = f"{site_host(settings.SITE_URL)}/red-alert/{case.reference}/{number}"
        cap = build_cancel(
            site_url=settings.SITE_URL,
            references=[reference_to(original.cap_xml.encode("utf-8"))],
            sent=issued_at,
            identifier=identifier,
            scope="Restricted",
            restriction=restriction(original.language),
        )
        alert = Alert.objects.create(
            case=case,
            number=number,
            kind=AlertKind.CANCEL,
            original=original,
            note="",  # free text could carry personal data; this message has none
            language=original.language,
            cap_identifier=identifier,
            cap_sent=cap_datetime(issued_at),
            cap_xml=cap.decode("utf-8"),
            issued_by=by,
            issued_at=issued_at,
        )
        cap_file: AttachmentData = (f"red-alert-{case.reference}-{number}.cap.xml", store_blob(cap), CAP_MIME_TYPE)
        recipients = _write_recipients(alert, contacts)
        contents = {r.language: stop_circulating_content(alert, original, r.language) for r in recipients}
        secrets = {c.pk: c.secret for c in contacts if c.channel == ContactChannel.WEBHOOK}
        specs = [
            message_spec(
                recipient,
                alert,
                contents[recipient.language],
                key=f"alert:{alert.pk}:recipient:{recipient.pk}",
                files=[cap_file],
                secret=secrets.get(recipient.contact_id, ""),
                gate="",
            )
            for recipient in recipients
        ]
        _write_deliveries(recipients, specs)
        data = {"event": "issued", "number": number, "kind": AlertKind.CANCEL, "recipients": len(recipients)}
        record_on_timeline(case, by, {**data, "reason": "consent"})
        audit_record(
            by,
            AuditAction.CREATE,
            alert,
            case=case,
            request=request,
            detail={"what": "red alert", **data, "reason": "consent withdrawn", "note_dropped": bool(note.strip())},
        )
    return IssueResult(alert=alert, recipients=recipients)


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


def _check(case: Case, kind: AlertKind, *, by: User, request: Any) -> Alert | None:
    """Whether this kind of alert may be issued for the case now; returns the open original alert, if any."""
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
        return None
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
    return original


def _choose_recipients(
    case: Case,
    kind: AlertKind,
    original: Alert | None,
    authorities: Sequence[Authority],
    *,
    by: User,
    request: Any,
) -> list[AuthorityContact]:
    """The contacts to send to: every active contact of the authorities chosen for an alert; the original's
    recipients for an update or a cancellation."""
    if kind != AlertKind.ALERT:
        assert original is not None  # _check refuses an update or cancel without one
        contacts = _original_contacts(original)
        if not contacts:
            raise _refuse(by, case, _("The original alert has no recipients."), request)
        return contacts
    chosen = list(authorities)
    if not chosen:
        raise _refuse(by, case, _("Choose at least one authority."), request)
    foreign = [a for a in chosen if a.organisation_id != case.organisation_id]
    if foreign:
        raise _refuse(by, case, _("An authority is not in your organisation's directory."), request)
    contacts_by_authority = {a.pk: list(a.contacts.filter(is_active=True).select_related("authority")) for a in chosen}
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
    return [c for a in chosen for c in contacts_by_authority[a.pk]]


@dataclass
class _Draft:
    """What is prepared before the transaction: the case as authorities see it in each language, and the
    bulletins (an alert or update about a person searched for)."""

    languages: list[str]  # the first is the alert's
    views: dict[str, PublicCase]
    public: bool
    issued_at: datetime
    bulletins: dict[str, Blob]


def _prepare(case: Case, kind: AlertKind, contacts: Sequence[AuthorityContact], timings: dict[str, float]) -> _Draft:
    languages = recipient_languages(contacts)
    views = {lang: alert_view(case, language=lang) for lang in languages}
    public = _is_public(case)
    issued_at = timezone.now()
    bulletins = render_bulletins(views, public=public, timings=timings) if kind != AlertKind.CANCEL else {}
    return _Draft(languages=languages, views=views, public=public, issued_at=issued_at, bulletins=bulletins)


def _is_public(case: Case) -> bool:
    return public_cases().filter(pk=case.pk).exists()


def _next_number(case: Case) -> int:
    """The case's next alert number; locks the case until the end of the transaction, so that numbers are given
    one issuer at a time."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    return (Alert.objects.filter(case=locked).aggregate(n=Max("number"))["n"] or 0) + 1


def _write_alert(
    case: Case, kind: AlertKind, number: int, *, original: Alert | None, note: str, by: User, draft: _Draft
) -> tuple[Alert, bytes, float]:
    """Render the CAP message and store the alert; returns the alert, its CAP and the seconds CAP took."""
    identifier = f"{site_host(settings.SITE_URL)}/red-alert/{case.reference}/{number}"
    references = [str(reference_to(original.cap_xml.encode("utf-8")))] if original is not None else []
    t0 = time.perf_counter()
    cap = render_cap(
        case,
        msg_type=CAP_MSG_TYPES[kind],
        identifier=identifier,
        sent=draft.issued_at,
        views=draft.views,
        references=references,
        public=draft.public,
    )
    cap_seconds = time.perf_counter() - t0
    alert = Alert(
        case=case,
        number=number,
        kind=kind,
        original=original if kind != AlertKind.ALERT else None,
        note=note.strip(),
        language=draft.languages[0],
        cap_identifier=identifier,
        cap_sent=cap_datetime(draft.issued_at),
        cap_xml=cap.decode("utf-8"),
        issued_by=by,
        issued_at=draft.issued_at,
    )
    alert.save()
    return alert, cap, cap_seconds


def _write_recipients(alert: Alert, contacts: Sequence[AuthorityContact]) -> list[Recipient]:
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
    return recipients


def _message_specs(
    alert: Alert,
    recipients: Sequence[Recipient],
    contacts: Sequence[AuthorityContact],
    contents: dict[str, MessageContent],
    *,
    bulletins: dict[str, Blob],
    cap_file: AttachmentData,
) -> list[MessageSpec]:
    """One message per recipient, in its language, with the bulletin in that language (if any) and the CAP."""
    case = alert.case
    secrets = {c.pk: c.secret for c in contacts if c.channel == ContactChannel.WEBHOOK}
    gate = consent_gate(case)
    specs = []
    for recipient in recipients:
        files: list[AttachmentData] = []
        if recipient.language in bulletins:
            name = f"bulletin-{case.reference}-{recipient.language}.pdf"
            files.append((name, bulletins[recipient.language], "application/pdf"))
        files.append(cap_file)
        specs.append(
            message_spec(
                recipient,
                alert,
                contents[recipient.language],
                key=f"alert:{alert.pk}:recipient:{recipient.pk}",
                files=files,
                secret=secrets.get(recipient.contact_id, ""),
                gate=gate,
            )
        )
    return specs


def _write_deliveries(recipients: Sequence[Recipient], specs: Sequence[MessageSpec]) -> None:
    """Queue the messages in the outbox and link each to its recipient (the first delivery, sequence 0)."""
    messages = enqueue_many(specs)
    Delivery.objects.bulk_create(
        [Delivery(recipient=r, sequence=0, message=m) for r, m in zip(recipients, messages, strict=True)],
        batch_size=1000,
    )


def message_spec(
    recipient: Recipient,
    alert: Alert,
    content: MessageContent,
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
