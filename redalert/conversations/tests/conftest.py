"""Set-up of the conversations tests: a real local HTTP server standing in for the providers' APIs (Twilio's
Messages and media, Meta's Graph API), accounts pointed at it, and helpers that sign requests exactly as each
provider signs them."""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.parse
import urllib.request
from collections.abc import Iterator
from io import BytesIO
from typing import Any

import pytest
from PIL import Image
from twilio.request_validator import RequestValidator

from redalert.conversations.models import ChannelAccount, Provider
from redalert.outbox.testing import ProviderStandIn, smtp_sink

__all__ = ["smtp_sink"]

TWILIO_TOKEN = "twilio-auth-token-for-tests-0123456789"
TWILIO_SID = "AC" + "0" * 32
APP_SECRET = "meta-app-secret-for-tests"
VERIFY_TOKEN = "verify-me-please"
ACCESS_TOKEN = "EAAG-access-token-for-tests"


@pytest.fixture
def provider_api() -> Iterator[ProviderStandIn]:
    stand_in = ProviderStandIn()
    stand_in.thread.start()
    try:
        yield stand_in
    finally:
        stand_in.server.shutdown()
        stand_in.server.server_close()


@pytest.fixture
def account(org_a: Any) -> ChannelAccount:
    """An SMS account whose provider is never reached (a closed port): for what happens before any send."""
    return ChannelAccount.objects.create(
        organisation=org_a,
        provider=Provider.TWILIO,
        account_sid=TWILIO_SID,
        auth_token="t",
        sender_number="+525511110000",
        api_base_url="http://127.0.0.1:9",
    )


@pytest.fixture
def twilio_account(org_a: Any, provider_api: ProviderStandIn) -> ChannelAccount:
    return ChannelAccount.objects.create(
        organisation=org_a,
        provider=Provider.TWILIO,
        label="Línea SMS",
        account_sid=TWILIO_SID,
        auth_token=TWILIO_TOKEN,
        sender_number="+525511110000",
        api_base_url=provider_api.base,
    )


@pytest.fixture
def whatsapp_account(org_a: Any, provider_api: ProviderStandIn) -> ChannelAccount:
    return ChannelAccount.objects.create(
        organisation=org_a,
        provider=Provider.WHATSAPP_CLOUD,
        label="WhatsApp",
        app_secret=APP_SECRET,
        verify_token=VERIFY_TOKEN,
        access_token=ACCESS_TOKEN,
        phone_number_id="106540352242922",
        api_base_url=provider_api.base,
    )


def http(
    method: str, url: str, *, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    """A real HTTP request (to the live server); (status, body) whatever the status."""
    request = urllib.request.Request(url, data=body, headers=headers or {}, method=method)  # noqa: S310 (tests)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 (tests)
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def post_twilio(url: str, params: dict[str, str], *, token: str = TWILIO_TOKEN) -> tuple[int, bytes]:
    """POST form parameters as Twilio does, signed by the twilio library's own validator."""
    signature = RequestValidator(token).compute_signature(url, params)
    body = urllib.parse.urlencode(params).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature}
    return http("POST", url, body=body, headers=headers)


def post_meta(url: str, payload: Any, *, secret: str = APP_SECRET, raw: bytes | None = None) -> tuple[int, bytes]:
    """POST a JSON body as Meta does: X-Hub-Signature-256 = sha256=HMAC-SHA256(app secret, raw body)."""
    body = raw if raw is not None else json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    headers = {"Content-Type": "application/json", "X-Hub-Signature-256": signature}
    return http("POST", url, body=body, headers=headers)


def twilio_params(
    sid_digit: str = "1", *, sender: str = "+525512345678", body: str = "Hola, vi a la muchacha", **extra: str
) -> dict[str, str]:
    return {
        "MessageSid": "SM" + sid_digit * 32,
        "AccountSid": TWILIO_SID,
        "From": sender,
        "To": "+525511110000",
        "Body": body,
        "NumMedia": "0",
        **extra,
    }


def cloud_payload(
    message_id: str, *, wa_id: str = "5215512345678", text: str = "Olá, preciso de ajuda", **message: Any
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "from": wa_id,
        "id": message_id,
        "timestamp": "1765100000",
        "type": "text",
        "text": {"body": text},
    }
    item.update(message)
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "WABA-1",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {"display_phone_number": "15550001111", "phone_number_id": "106540352242922"},
                            "contacts": [{"profile": {"name": "Ana"}, "wa_id": wa_id}],
                            "messages": [item],
                        },
                    }
                ],
            }
        ],
    }


def photo_with_gps() -> bytes:
    """A JPEG carrying EXIF with a GPS block and a camera model (what a phone photo carries)."""
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0110] = "Phone Model X"  # Model
    exif[0x8825] = {1: "N", 2: (19.0, 26.0, 0.0), 3: "W", 4: (99.0, 8.0, 0.0)}  # GPSInfo
    out = BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


@pytest.fixture
def site_url(settings: Any, live_server: Any) -> str:
    """SITE_URL is the live server's address: the URL the provider calls, and that the signature covers."""
    settings.SITE_URL = live_server.url
    return str(live_server.url)
