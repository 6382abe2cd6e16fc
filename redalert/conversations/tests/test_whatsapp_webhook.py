"""The WhatsApp Business Cloud API's webhook over real HTTP: Meta's verification GET, bodies signed with
X-Hub-Signature-256 (HMAC-SHA256 of the raw body with the app secret), media through the Graph API stand-in."""

from __future__ import annotations

import json
import urllib.parse

import pytest
from django.urls import reverse

from redalert.conversations.models import Conversation, Direction, Media, MediaStatus, Medium, Message
from redalert.conversations.tests.conftest import (
    ACCESS_TOKEN,
    VERIFY_TOKEN,
    cloud_payload,
    http,
    post_meta,
)
from redalert.outbox.claiming import deliver_due
from redalert.security.models import EventKind, SecurityEvent

pytestmark = pytest.mark.django_db(transaction=True)

OGG_VOICE_NOTE = b"OggS\x00\x02" + b"\x00" * 20 + b"OpusHead" + b"\x01" * 40


def hook(site_url: str, account) -> str:
    return site_url + reverse("conversations:whatsapp_hook", args=[account.hook_key])


def test_the_verification_challenge_is_answered_with_the_right_token(site_url, whatsapp_account):
    query = urllib.parse.urlencode(
        {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"}
    )
    status, body = http("GET", hook(site_url, whatsapp_account) + "?" + query)
    assert (status, body) == (200, b"1158201444")
    query = urllib.parse.urlencode({"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"})
    assert http("GET", hook(site_url, whatsapp_account) + "?" + query)[0] == 403


def test_it_stores_a_signed_text_message(site_url, whatsapp_account):
    status, _ = post_meta(
        hook(site_url, whatsapp_account), cloud_payload("wamid.A1", text="Olá, preciso de ajuda com minha filha")
    )
    assert status == 200
    conversation = Conversation.objects.get()
    assert conversation.medium == Medium.WHATSAPP
    assert conversation.sender == "+525512345678"  # Mexico's old mobile "1" dropped
    assert conversation.sender_name == "Ana"
    assert conversation.language == "pt"
    assert Message.objects.get(direction=Direction.IN).body == "Olá, preciso de ajuda com minha filha"


def test_a_redelivery_of_the_same_message_id_is_stored_once(site_url, whatsapp_account):
    url = hook(site_url, whatsapp_account)
    for _ in range(3):
        assert post_meta(url, cloud_payload("wamid.SAME"))[0] == 200
    assert Message.objects.filter(direction=Direction.IN).count() == 1


def test_a_bad_signature_is_refused_stores_nothing_and_is_a_security_event(site_url, whatsapp_account):
    status, _ = post_meta(hook(site_url, whatsapp_account), cloud_payload("wamid.B1"), secret="someone-else")
    assert status == 403
    assert not Message.objects.exists()
    assert SecurityEvent.objects.filter(kind=EventKind.WEBHOOK_SIGNATURE_REFUSED).count() == 1


def test_a_missing_signature_is_refused(site_url, whatsapp_account):
    body = json.dumps(cloud_payload("wamid.C1")).encode()
    status, _ = http("POST", hook(site_url, whatsapp_account), body=body, headers={"Content-Type": "application/json"})
    assert status == 403
    assert not Message.objects.exists()


def test_malformed_bodies_are_a_400_and_never_half_saved(site_url, whatsapp_account):
    url = hook(site_url, whatsapp_account)
    assert post_meta(url, None, raw=b"{not json")[0] == 400
    assert post_meta(url, {"object": "page"})[0] == 400
    two = cloud_payload("wamid.OK1")
    broken = dict(cloud_payload("wamid.BAD")["entry"][0]["changes"][0]["value"]["messages"][0], **{"from": "abc"})
    two["entry"][0]["changes"][0]["value"]["messages"].append(broken)
    assert post_meta(url, two)[0] == 400
    assert not Message.objects.exists() and not Conversation.objects.exists()


def test_status_updates_are_acknowledged_and_store_nothing(site_url, whatsapp_account):
    payload = cloud_payload("wamid.S1")
    value = payload["entry"][0]["changes"][0]["value"]
    del value["messages"]
    value["statuses"] = [{"id": "wamid.out", "status": "delivered", "recipient_id": "5215512345678"}]
    assert post_meta(hook(site_url, whatsapp_account), payload)[0] == 200
    assert not Message.objects.exists()


def test_a_voice_note_is_fetched_through_the_graph_api_and_stored(site_url, whatsapp_account, provider_api):
    provider_api.add_file("1036918427735", OGG_VOICE_NOTE)
    payload = cloud_payload(
        "wamid.V1", type="audio", audio={"id": "1036918427735", "mime_type": "audio/ogg; codecs=opus", "voice": True}
    )
    del payload["entry"][0]["changes"][0]["value"]["messages"][0]["text"]
    assert post_meta(hook(site_url, whatsapp_account), payload)[0] == 200
    deliver_due()
    media = Media.objects.get()
    assert media.status == MediaStatus.STORED
    assert media.content_type == "audio/ogg"
    gets = [r for r in provider_api.requests if r["method"] == "GET"]
    assert [r["path"] for r in gets] == ["/1036918427735", "/media/1036918427735"]
    assert all(r["headers"]["Authorization"] == f"Bearer {ACCESS_TOKEN}" for r in gets)


def test_the_first_reply_goes_to_the_cloud_api(site_url, whatsapp_account, provider_api):
    post_meta(hook(site_url, whatsapp_account), cloud_payload("wamid.R1", text="Hola, necesito ayuda"))
    deliver_due()
    (sent,) = provider_api.posts()
    assert sent["path"] == "/106540352242922/messages"
    assert sent["headers"]["Authorization"] == f"Bearer {ACCESS_TOKEN}"
    payload = json.loads(sent["body"])
    assert payload["messaging_product"] == "whatsapp"
    assert payload["to"] == "525512345678"
    assert "Privacidad" in payload["text"]["body"]
