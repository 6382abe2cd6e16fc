"""Acknowledging a Red Alert: the signed personal link each recipient gets, and the acknowledgement it allows, once.

A link is refused (AckRefused, logged and counted) when it is forged, expired (ALERT_ACK_LINK_DAYS) or used.
Refusals are counted per link and per client address in windows of ALERT_ACK_REFUSAL_WINDOW_SECONDS
(redalert.audit.refusals): one audit entry per link or address and window, with the count, instead of one per
refusal; an address refused ALERT_ACK_REFUSALS_PER_WINDOW times in a window is refused outright ("throttled",
429) until the window ends.
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
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from redalert.alerts.models import Acknowledgement, Recipient
from redalert.alerts.timeline import record_on_timeline
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.audit.refusals import count_refusal, current_count
from redalert.changes.announce import Kind, announce
from redalert.lib.http import client_address

log = logging.getLogger(__name__)

ACK_SALT = "redalert.alerts.ack"
DEFAULT_ACK_LINK_DAYS = 30
# Refusal counters (redalert.audit.refusals): per client address, and per link whose signature is valid (a forged
# link names no recipient, and counting each forged token apart would give an attacker a row per request).
ACK_ADDRESS_SCOPE = "alert-ack-address"
ACK_LINK_SCOPE = "alert-ack-link"


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


def _refusal_window() -> int:
    return int(getattr(settings, "ALERT_ACK_REFUSAL_WINDOW_SECONDS", 600))


def _address(request: Any) -> str:
    return client_address(request) if request is not None else ""


def _ack_refused(code: str, message: str, recipient: Recipient | None, request: Any) -> AckRefused:
    log.warning("Acknowledgement link refused (%s) for recipient %s", code, recipient.pk if recipient else "?")
    address = _address(request)
    what = {"what": "alert acknowledgement"}
    if address:
        count_refusal(ACK_ADDRESS_SCOPE, address, window_seconds=_refusal_window(), detail=what)
    if recipient is not None:
        case = recipient.alert.case
        count_refusal(
            ACK_LINK_SCOPE,
            f"{recipient.pk}:{code}",
            window_seconds=_refusal_window(),
            case_id=case.pk,
            organisation_id=case.organisation_id,
            detail={**what, "reason": code, "recipient": recipient.pk},
        )
    return AckRefused(code, message)


def address_throttled(request: Any) -> AckRefused | None:
    """AckRefused("throttled") when the client's address was refused ALERT_ACK_REFUSALS_PER_WINDOW times in the
    running window (this attempt is counted too); None while it is under the limit."""
    address = _address(request)
    limit = int(getattr(settings, "ALERT_ACK_REFUSALS_PER_WINDOW", 20))
    if not address or current_count(ACK_ADDRESS_SCOPE, address, window_seconds=_refusal_window()) < limit:
        return None
    count_refusal(
        ACK_ADDRESS_SCOPE, address, window_seconds=_refusal_window(), detail={"what": "alert acknowledgement"}
    )
    minutes = max(1, _refusal_window() // 60)
    return AckRefused(
        "throttled",
        _(
            "Too many invalid acknowledgement attempts came from your connection. Please wait %(minutes)d minutes, "
            "then use the link in the alert."
        )
        % {"minutes": minutes},
    )


def already_acknowledged(recipient: Recipient, request: Any = None, *, counted: bool = True) -> AckRefused | None:
    """AckRefused("reused") once the recipient has acknowledged. `counted=False` when she only opens her link again
    (to check it went through): that is not an attempt to get in, so it is not counted among the refusals."""
    ack = Acknowledgement.objects.filter(recipient=recipient).first()
    if ack is None:
        return None
    message = _("This alert was already acknowledged on %(date)s by %(name)s. Thank you.") % {
        "date": date_format(timezone.localtime(ack.at), "SHORT_DATETIME_FORMAT"),
        "name": ack.name,
    }
    if not counted:
        return AckRefused("reused", message)
    return _ack_refused("reused", message, recipient, request)


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
            announce(case.pk, Kind.ALERT)
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
