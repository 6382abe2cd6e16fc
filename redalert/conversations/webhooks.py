"""The providers' webhooks: Twilio (SMS and WhatsApp) and the WhatsApp Business Cloud API.

Each organisation's account has its own address (/conversations/hooks/<provider>/<key>/, the key unguessable).
Order of work, the same for both: check the signature over exactly what the provider sent (a bad one is a 403, a
security event, nothing stored); parse (a body that is not what the provider sends is a 400, nothing stored); store
every message in one transaction (redalert.conversations.services.receive, a retry of the same message id stores
nothing); answer. Media downloads and replies are queued in the outbox and leave the request.

- Twilio signs with its `RequestValidator` (HMAC-SHA1 of the full URL plus the sorted POST parameters, with the
  account's Auth Token); we call the pinned `twilio` library's own validator. The URL is the one the organisation
  pasted into Twilio's console: SITE_URL + this path (docs/channels.md).
- Meta signs the raw body: X-Hub-Signature-256 = "sha256=" + hex HMAC-SHA256(app secret, body), compared in
  constant time. Its GET verification (hub.mode=subscribe, hub.verify_token, hub.challenge) is answered with the
  challenge when the verify token matches.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from twilio.request_validator import RequestValidator

from redalert.accounts.middleware import public
from redalert.conversations.models import ChannelAccount, Medium, Provider
from redalert.conversations.senders import SenderError, e164
from redalert.conversations.services import Inbound, RemoteMedia, receive
from redalert.security.events import record_security_event
from redalert.security.models import EventKind

log = logging.getLogger(__name__)

TWIML_EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
_TWILIO_SID = re.compile(r"^(SM|MM|IM)[0-9a-fA-F]{32}$")
_MAX_BODY = 1_000_000


class Malformed(ValueError):
    pass


def _account(key: str, provider: str) -> ChannelAccount:
    account = ChannelAccount.objects.filter(hook_key=key, provider=provider, active=True).first()
    if account is None:
        raise Http404
    return account


def _refuse(request: HttpRequest, account: ChannelAccount, provider: str) -> HttpResponse:
    log.warning("Webhook with a bad signature refused (%s, account %s)", provider, account.pk)
    record_security_event(
        EventKind.WEBHOOK_SIGNATURE_REFUSED,
        organisation_id=account.organisation_id,
        request=request,
        detail={"provider": provider, "account": account.pk},
    )
    return HttpResponseForbidden("Bad signature.")


def public_url(request: HttpRequest) -> str:
    """The address the provider called, as the organisation pasted it: SITE_URL + path (+ query)."""
    return settings.SITE_URL.rstrip("/") + request.get_full_path()


# --- Twilio -----------------------------------------------------------------------------------------------------


def _twilio_inbound(params: dict[str, str]) -> Inbound:
    sid = params.get("MessageSid") or params.get("SmsMessageSid") or ""
    if not _TWILIO_SID.match(sid):
        raise Malformed("MessageSid")
    sender = params.get("From", "")
    medium = Medium.WHATSAPP if sender.lower().startswith("whatsapp:") else Medium.SMS
    try:
        number = e164(sender)
    except SenderError as exc:
        raise Malformed("From") from exc
    try:
        count = int(params.get("NumMedia") or 0)
    except ValueError as exc:
        raise Malformed("NumMedia") from exc
    if not 0 <= count <= 10:
        raise Malformed("NumMedia")
    media = []
    for index in range(count):
        url = params.get(f"MediaUrl{index}", "")
        if not url.startswith(("https://", "http://")):
            raise Malformed(f"MediaUrl{index}")
        media.append(RemoteMedia(url, params.get(f"MediaContentType{index}", "")))
    return Inbound(
        provider_id=sid,
        medium=medium,
        sender=number,
        sender_name=params.get("ProfileName", ""),
        body=params.get("Body", ""),
        remote_media=media,
    )


@public
@csrf_exempt
def twilio(request: HttpRequest, key: str) -> HttpResponse:
    """Twilio's "A message comes in" webhook (POST, form-encoded), for SMS and WhatsApp numbers alike."""
    account = _account(key, Provider.TWILIO)
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    if len(request.body) > _MAX_BODY:
        return HttpResponseBadRequest("Too large.")
    params = {k: request.POST.get(k, "") for k in request.POST}
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature or not RequestValidator(account.auth_token).validate(public_url(request), params, signature):
        return _refuse(request, account, Provider.TWILIO)
    try:
        inbound = _twilio_inbound(params)
    except Malformed as exc:
        return HttpResponseBadRequest(f"Unreadable field: {exc}")
    receive(account, inbound)
    return HttpResponse(TWIML_EMPTY, content_type="text/xml")


# --- WhatsApp Business Cloud API ---------------------------------------------------------------------------------


def hub_signature(body: bytes, secret: str) -> str:
    """The X-Hub-Signature-256 value Meta sends: "sha256=" + hex HMAC-SHA256 of the raw body with the app secret."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def _str(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise Malformed(name)
    return value


def _cloud_messages(payload: Any) -> list[Inbound]:
    if not isinstance(payload, dict) or payload.get("object") != "whatsapp_business_account":
        raise Malformed("object")
    entries = payload.get("entry")
    if not isinstance(entries, list):
        raise Malformed("entry")
    found: list[Inbound] = []
    for entry in entries:
        changes = entry.get("changes") if isinstance(entry, dict) else None
        if not isinstance(changes, list):
            raise Malformed("changes")
        for change in changes:
            value = change.get("value") if isinstance(change, dict) else None
            if not isinstance(value, dict):
                raise Malformed("value")
            names = {}
            for contact in value.get("contacts") or []:
                if isinstance(contact, dict) and isinstance(contact.get("profile"), dict):
                    names[str(contact.get("wa_id", ""))] = str(contact["profile"].get("name", ""))
            messages = value.get("messages") or []
            if not isinstance(messages, list):
                raise Malformed("messages")
            for item in messages:
                if not isinstance(item, dict):
                    raise Malformed("message")
                found.append(_cloud_message(item, names))
    return found


def _cloud_message(item: dict[str, Any], names: dict[str, str]) -> Inbound:
    message_id = _str(item.get("id"), "id")
    if not message_id or len(message_id) > 200:
        raise Malformed("id")
    wa_id = _str(item.get("from"), "from")
    try:
        number = e164(wa_id)
    except SenderError as exc:
        raise Malformed("from") from exc
    try:
        at = datetime.fromtimestamp(int(item.get("timestamp") or 0), tz=UTC) if item.get("timestamp") else None
    except (TypeError, ValueError, OverflowError, OSError) as exc:
        raise Malformed("timestamp") from exc
    kind = item.get("type")
    body = ""
    media: list[RemoteMedia] = []
    if kind == "text":
        text = item.get("text")
        body = _str(text.get("body") if isinstance(text, dict) else None, "text.body")
    elif kind in ("image", "audio", "voice", "video", "document", "sticker"):
        part = item.get(str(kind))
        if not isinstance(part, dict):
            raise Malformed(str(kind))
        media.append(RemoteMedia(_str(part.get("id"), f"{kind}.id"), str(part.get("mime_type", ""))))
        body = str(part.get("caption", ""))
    elif kind == "location":
        body = "[location]"
    # Other kinds (reactions, buttons…) are stored as an empty message: staff see that something came.
    return Inbound(
        provider_id=message_id,
        medium=Medium.WHATSAPP,
        sender=number,
        sender_name=names.get(wa_id, ""),
        body=body,
        at=at,
        remote_media=media,
    )


@public
@csrf_exempt
def whatsapp(request: HttpRequest, key: str) -> HttpResponse:
    """The Cloud API's webhook: GET is Meta's verification request, POST carries messages and statuses."""
    account = _account(key, Provider.WHATSAPP_CLOUD)
    if request.method == "GET":
        token = request.GET.get("hub.verify_token", "")
        if (
            request.GET.get("hub.mode") == "subscribe"
            and account.verify_token
            and hmac.compare_digest(token.encode(), account.verify_token.encode())
        ):
            return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
        return HttpResponseForbidden("Verification refused.")
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    body = request.body
    if len(body) > _MAX_BODY:
        return HttpResponseBadRequest("Too large.")
    signature = request.headers.get("X-Hub-Signature-256", "")
    if not account.app_secret or not hmac.compare_digest(
        signature.encode(), hub_signature(body, account.app_secret).encode()
    ):
        return _refuse(request, account, Provider.WHATSAPP_CLOUD)
    try:
        inbound = _cloud_messages(json.loads(body))
    except (ValueError, Malformed) as exc:  # json.JSONDecodeError is a ValueError
        return HttpResponseBadRequest(f"Unreadable body: {exc}")
    with transaction.atomic():  # all the messages of one delivery, or none
        for item in inbound:
            receive(account, item)
    return HttpResponse("OK", content_type="text/plain")
