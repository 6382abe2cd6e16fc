"""Acknowledging a Red Alert: the signed personal link each recipient gets, and the acknowledgement it allows, once.

A link is refused (AckRefused, logged and audited) when it is forged, expired (ALERT_ACK_LINK_DAYS) or used.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from redalert.alerts.models import Acknowledgement, Recipient
from redalert.alerts.timeline import record_on_timeline
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction

log = logging.getLogger(__name__)

ACK_SALT = "redalert.alerts.ack"
DEFAULT_ACK_LINK_DAYS = 30


class AckRefused(Exception):
    """An acknowledgement link that is forged, expired or already used."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def ack_link_max_age() -> int:
    return int(getattr(settings, "ALERT_ACK_LINK_DAYS", DEFAULT_ACK_LINK_DAYS)) * 24 * 3600


def ack_token(recipient: Recipient) -> str:
    return signing.TimestampSigner(salt=ACK_SALT).sign(f"{recipient.pk}.{recipient.nonce}")


def ack_url(recipient: Recipient) -> str:
    return urljoin(settings.SITE_URL, reverse("alerts:ack", args=[ack_token(recipient)]))


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
            record_on_timeline(
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
