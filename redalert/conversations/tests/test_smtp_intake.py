"""The inbound SMTP service: a real aiosmtpd server on a free port, a real smtplib client."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from email.message import EmailMessage
from io import BytesIO

import pytest
from PIL import Image

from redalert.conversations.models import (
    ChannelAccount,
    Conversation,
    Direction,
    Media,
    MediaStatus,
    Medium,
    Message,
    Provider,
)
from redalert.conversations.smtp import controller
from redalert.conversations.tests.conftest import photo_with_gps
from redalert.outbox.claiming import deliver_due
from redalert.outbox.testing import free_port

pytestmark = pytest.mark.django_db(transaction=True)

TIPS = "pistas@rba.example.org"


@pytest.fixture
def email_account(org_a) -> ChannelAccount:
    return ChannelAccount.objects.create(organisation=org_a, provider=Provider.EMAIL, address=TIPS)


@pytest.fixture
def intake() -> Iterator[int]:
    port = free_port()
    server = controller("127.0.0.1", port)
    server.start()
    try:
        yield port
    finally:
        server.stop()


def mail(
    *, message_id: str = "<tip-1@example.net>", attachments: list[tuple[bytes, str, str, str]] = ()
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Lucía Pérez <lucia@example.net>"
    message["To"] = TIPS
    message["Subject"] = "Vi a la muchacha del cartel"
    message["Message-ID"] = message_id
    message.set_content("Hola, la vi ayer en la central de autobuses de Querétaro.")
    for data, maintype, subtype, filename in attachments:
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message


def send(port: int, message: EmailMessage, to: list[str] | None = None) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=20) as client:
        client.send_message(message, to_addrs=to or [TIPS])


def test_an_email_to_the_tips_address_becomes_a_conversation(intake, email_account):
    send(intake, mail())
    conversation = Conversation.objects.get()
    assert conversation.organisation_id == email_account.organisation_id
    assert conversation.medium == Medium.EMAIL
    assert conversation.sender == "lucia@example.net"
    assert conversation.sender_name == "Lucía Pérez"
    assert conversation.language == "es"
    message = Message.objects.get(direction=Direction.IN)
    assert message.subject == "Vi a la muchacha del cartel"
    assert "central de autobuses" in message.body


def test_the_same_message_id_twice_is_stored_once(intake, email_account):
    send(intake, mail())
    send(intake, mail())
    assert Message.objects.filter(direction=Direction.IN).count() == 1


def test_another_address_is_refused_no_open_relay(intake, email_account):
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send(intake, mail(), to=["someone@elsewhere.example"])
    assert not Message.objects.exists()


def test_attachments_are_checked_by_content(intake, email_account):
    photo = photo_with_gps()
    fake = b"#!/bin/sh\nrm -rf /\n"
    send(intake, mail(attachments=[(photo, "image", "jpeg", "foto.jpg"), (fake, "image", "jpeg", "otra.jpg")]))
    stored = Media.objects.get(status=MediaStatus.STORED)
    assert stored.content_type == "image/jpeg"
    with stored.file.open("rb") as handle, Image.open(BytesIO(handle.read())) as image:
        assert not image.getexif()
    assert Media.objects.filter(status=MediaStatus.REJECTED).count() == 1


def test_the_first_reply_leaves_by_email_in_her_language(intake, email_account, smtp_sink):
    send(intake, mail())
    deliver_due()
    (reply,) = smtp_sink.messages
    assert reply["To"] == "lucia@example.net"
    assert "Privacidad" in reply.get_content()
