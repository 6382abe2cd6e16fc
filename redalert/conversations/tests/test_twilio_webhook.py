"""Twilio's webhook over real HTTP, signed by the twilio library's own RequestValidator; the reply and the media
download go through the outbox to a real local server standing in for Twilio's API."""

from __future__ import annotations

import base64
import urllib.parse
from io import BytesIO

import pytest
from django.urls import reverse
from PIL import Image

from redalert.conversations.models import Conversation, Direction, Media, MediaStatus, Medium, Message
from redalert.conversations.tests.conftest import TWILIO_SID, TWILIO_TOKEN, photo_with_gps, post_twilio, twilio_params
from redalert.lib.storage import MAGIC, private_storage
from redalert.outbox.claiming import deliver_due
from redalert.outbox.models import Channel, OutboundMessage, Status
from redalert.security.models import EventKind, SecurityEvent

pytestmark = pytest.mark.django_db(transaction=True)


def hook(site_url: str, account) -> str:
    return site_url + reverse("conversations:twilio_hook", args=[account.hook_key])


def test_it_stores_a_signed_sms_and_answers_with_empty_twiml(site_url, twilio_account):
    status, body = post_twilio(hook(site_url, twilio_account), twilio_params(body="Hola, vi a la muchacha ayer"))
    assert status == 200
    assert b"<Response>" in body
    message = Message.objects.get(direction=Direction.IN)
    assert message.body == "Hola, vi a la muchacha ayer"
    conversation = message.conversation
    assert conversation.organisation_id == twilio_account.organisation_id
    assert conversation.medium == Medium.SMS
    assert conversation.sender == "+525512345678"
    assert conversation.language == "es"


def test_the_number_and_the_text_are_encrypted_at_rest(site_url, twilio_account):
    post_twilio(hook(site_url, twilio_account), twilio_params(body="texto secreto"))
    raw_conversation = Conversation.objects.values("sender", "sender_key").get()
    raw_message = Message.objects.filter(direction=Direction.IN).values("body").get()
    # .values() goes through from_db_value; read the column itself.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT sender FROM conversations_conversation")
        (stored_sender,) = cursor.fetchone()
        cursor.execute("SELECT body FROM conversations_message WHERE direction = 'in'")
        (stored_body,) = cursor.fetchone()
    assert raw_conversation["sender"] == "+525512345678"
    assert raw_message["body"] == "texto secreto"
    assert "5512345678" not in stored_sender and stored_sender.startswith("fernet:")
    assert "secreto" not in stored_body
    assert "5512345678" not in raw_conversation["sender_key"]


def test_a_retry_of_the_same_message_sid_is_stored_once(site_url, twilio_account):
    url = hook(site_url, twilio_account)
    for _ in range(3):
        assert post_twilio(url, twilio_params("7"))[0] == 200
    assert Message.objects.filter(direction=Direction.IN).count() == 1
    assert Conversation.objects.count() == 1
    # One automatic first reply, not three.
    assert Message.objects.filter(direction=Direction.OUT, automatic=True).count() == 1


def test_the_same_sender_continues_her_conversation(site_url, twilio_account):
    url = hook(site_url, twilio_account)
    post_twilio(url, twilio_params("1"))
    post_twilio(url, twilio_params("2", body="¿Me escuchan?"))
    assert Conversation.objects.count() == 1
    assert Message.objects.filter(direction=Direction.IN).count() == 2


def test_a_bad_signature_is_refused_stores_nothing_and_is_a_security_event(site_url, twilio_account):
    status, _body = post_twilio(hook(site_url, twilio_account), twilio_params(), token="not-the-token")
    assert status == 403
    assert not Message.objects.exists() and not Conversation.objects.exists()
    event = SecurityEvent.objects.get(kind=EventKind.WEBHOOK_SIGNATURE_REFUSED)
    assert event.organisation_id == twilio_account.organisation_id


def test_a_body_changed_after_signing_is_refused(site_url, twilio_account):
    url = hook(site_url, twilio_account)
    params = twilio_params()
    from twilio.request_validator import RequestValidator

    signature = RequestValidator(TWILIO_TOKEN).compute_signature(url, params)
    params["Body"] = "otro texto"
    from redalert.conversations.tests.conftest import http

    status, _ = http(
        "POST",
        url,
        body=urllib.parse.urlencode(params).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature},
    )
    assert status == 403
    assert not Message.objects.exists()


def test_a_malformed_message_is_a_400_and_stores_nothing(site_url, twilio_account):
    url = hook(site_url, twilio_account)
    assert post_twilio(url, twilio_params(MessageSid="not-a-sid"))[0] == 400
    assert post_twilio(url, twilio_params(sender="not a number"))[0] == 400
    assert post_twilio(url, twilio_params(NumMedia="many"))[0] == 400
    assert not Message.objects.exists() and not Conversation.objects.exists()


def test_an_unknown_hook_key_is_a_404(site_url, twilio_account):
    status, _ = post_twilio(site_url + reverse("conversations:twilio_hook", args=["nope"]), twilio_params())
    assert status == 404


def test_whatsapp_through_twilio_is_a_whatsapp_conversation(site_url, twilio_account):
    post_twilio(hook(site_url, twilio_account), twilio_params(sender="whatsapp:+5511987654321", body="Olá, bom dia"))
    conversation = Conversation.objects.get()
    assert conversation.medium == Medium.WHATSAPP
    assert conversation.sender == "+5511987654321"
    assert conversation.language == "pt"


def test_the_first_reply_leaves_through_the_outbox_to_twilio_in_her_language(site_url, twilio_account, provider_api):
    post_twilio(hook(site_url, twilio_account), twilio_params(sender="+14155550100", body="Hello, I need help"))
    queued = OutboundMessage.objects.get(channel=Channel.MESSAGING)
    assert "4155550100" not in queued.to + queued.body  # the number travels only in the encrypted spec
    assert deliver_due() == 1
    (sent,) = provider_api.posts()
    assert sent["path"] == f"/2010-04-01/Accounts/{TWILIO_SID}/Messages.json"
    assert (
        sent["headers"]["Authorization"]
        == "Basic " + base64.b64encode(f"{TWILIO_SID}:{TWILIO_TOKEN}".encode()).decode()
    )
    form = urllib.parse.parse_qs(sent["body"].decode())
    assert form["To"] == ["+14155550100"]
    assert form["From"] == ["+525511110000"]
    assert "Privacy" in form["Body"][0]
    assert OutboundMessage.objects.get(pk=queued.pk).status == Status.SENT


def test_a_photo_is_fetched_by_the_workers_cleaned_and_stored_encrypted(site_url, twilio_account, provider_api):
    media_url = provider_api.add_file("ME" + "a" * 32, photo_with_gps())
    params = twilio_params(NumMedia="1", MediaUrl0=media_url, MediaContentType0="image/jpeg")
    assert post_twilio(hook(site_url, twilio_account), params)[0] == 200
    media = Media.objects.get()
    assert media.status == MediaStatus.PENDING  # the request did not download it
    deliver_due()
    media.refresh_from_db()
    assert media.status == MediaStatus.STORED
    assert media.content_type == "image/jpeg"
    fetches = [r for r in provider_api.requests if r["method"] == "GET"]
    assert fetches[0]["headers"]["Authorization"].startswith("Basic ")
    with media.file.open("rb") as handle:
        data = handle.read()
    with Image.open(BytesIO(data)) as image:
        assert not image.getexif()
    assert private_storage().read_raw(media.file.name).startswith(MAGIC)


def test_a_file_that_is_not_what_it_claims_is_refused_and_the_message_kept(site_url, twilio_account, provider_api):
    media_url = provider_api.add_file("ME" + "b" * 32, b"MZ\x90\x00 this is a program, not a photo")
    params = twilio_params(NumMedia="1", MediaUrl0=media_url, MediaContentType0="image/jpeg")
    post_twilio(hook(site_url, twilio_account), params)
    deliver_due()
    media = Media.objects.get()
    assert media.status == MediaStatus.REJECTED
    assert not media.file
    assert Message.objects.filter(direction=Direction.IN).count() == 1


def test_a_media_address_outside_the_provider_is_never_fetched(site_url, twilio_account, provider_api):
    params = twilio_params(NumMedia="1", MediaUrl0="http://127.0.0.1:9/elsewhere.jpg", MediaContentType0="image/jpeg")
    post_twilio(hook(site_url, twilio_account), params)
    deliver_due()
    assert Media.objects.get().status == MediaStatus.REJECTED
    assert not [r for r in provider_api.requests if r["method"] == "GET"]
