"""Erasure and retention reach the inbox: every conversation that became something of a case is anonymised with the
case's identity (messages, media files, the outbox's replies), conversations linked to no case after the
organisation's period; the skeleton stays, other cases' conversations are untouched, both are audited."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from redalert.audit.models import AuditEntry
from redalert.conversations import converting, hotline_link
from redalert.conversations.files import check_file
from redalert.conversations.models import (
    ChannelAccount,
    Conversation,
    ConversationStatus,
    Direction,
    Media,
    Medium,
    Message,
    Provider,
)
from redalert.conversations.services import Inbound, RemoteMedia, receive, reply
from redalert.hotline import actions as hotline
from redalert.hotline.models import Contact
from redalert.matching.models import AdditionalReport
from redalert.outbox.models import Channel, OutboundMessage, Status
from redalert.retention.erasure import erase_case_identity
from redalert.retention.jobs import apply_for
from redalert.retention.registry import case_erasers, expiry_rules

_counter = iter(range(10_000, 99_999))


def raw(table: str, pk: int, columns: tuple[str, ...]) -> dict[str, Any]:
    """The stored column values (ciphertext for encrypted fields), read past the ORM."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE id = %s", [pk])  # noqa: S608 (test names)
        return dict(zip(columns, cursor.fetchone(), strict=True))


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 32), (10, 120, 30)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def mail(org_a: Any) -> ChannelAccount:
    return ChannelAccount.objects.create(organisation=org_a, provider=Provider.EMAIL, address="pistas@example.org")


@pytest.fixture
def staff(org_a: Any, make_user: Any, settings: Any, tmp_path: Path) -> Any:
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path)
    return make_user(org_a, "coordinator", "caseworker")


def talk(account: ChannelAccount, sender: str, body: str, *, name: str = "", photo: bool = False) -> Conversation:
    """A conversation as a provider brings it: her message (with a stored photo and one still to fetch), the
    automatic first reply queued in the outbox."""
    medium = Medium.EMAIL if account.provider == Provider.EMAIL else Medium.SMS
    files = []
    remote = []
    if photo:
        files.append(check_file(jpeg()))
        remote.append(RemoteMedia(f"https://api.twilio.example/Media/ME{next(_counter)}", "image/jpeg"))
    pid = f"<{next(_counter)}.{sender}>" if medium == Medium.EMAIL else f"SM{next(_counter)}"
    message, created = receive(
        account,
        Inbound(
            provider_id=pid,
            medium=medium,
            sender=sender,
            sender_name=name,
            body=body,
            subject="Vi a la joven" if medium == Medium.EMAIL else "",
            files=files,
            remote_media=remote,
        ),
    )
    assert created
    return Conversation.objects.get(pk=message.conversation_id)


def is_anonymised(conversation: Conversation) -> bool:
    stored = raw("conversations_conversation", conversation.pk, ("sender", "sender_name", "sender_key"))
    if any(stored.values()):
        return False
    for message in Message.objects.filter(conversation=conversation):
        columns = raw("conversations_message", message.pk, ("body", "subject", "provider_id"))
        if columns["body"] or columns["subject"]:
            return False
        if message.direction == Direction.IN and not columns["provider_id"].startswith("erased:"):
            return False
    return not Media.objects.filter(message__conversation=conversation).exists()


def replies_of(conversation: Conversation) -> list[OutboundMessage]:
    ids = Message.objects.filter(conversation=conversation).exclude(outbound=None).values("outbound_id")
    return list(OutboundMessage.objects.filter(pk__in=ids))


def test_the_inbox_registers_its_steps() -> None:
    assert "conversations" in case_erasers()
    assert "conversations_anonymised" in {rule.name for rule in expiry_rules()}


def test_erasing_a_case_anonymises_its_conversations_and_nothing_of_another_case(
    org_a: Any, staff: Any, account: ChannelAccount, mail: ChannelAccount, make_case: Any, client_for: Any
) -> None:
    case = make_case(org_a, staff)
    other = make_case(org_a, staff, given_names="Ana")
    as_tip = talk(account, "+525512345678", "Vi a María Fernanda en la central", name="Lucía", photo=True)
    reply(as_tip, "Gracias, Lucía. ¿Nos da su dirección?", actor=staff)
    converting.to_tip(as_tip, case, description="La vieron en la central", may_contact=True, actor=staff)
    as_report = talk(mail, "tia.rosa@example.org", "Soy su tía, Rosa Hernández")
    converting.to_existing_case(
        as_report,
        case,
        AdditionalReport(reported_at=timezone.now(), channel="other", reporter_name="Rosa Hernández"),
        actor=staff,
    )
    through_contact = talk(account, "+525598765432", "Llamo por la joven desaparecida")
    hotline_link.open_contact(through_contact, actor=staff)
    contact = Contact.objects.get(conversation_id=through_contact.pk)
    hotline.save_details(contact, {"summary": "Escribió que la vio con El Güero"}, by=staff)
    hotline.add_to_case(contact, case, by=staff)
    kept = talk(account, "+525500001111", "Vi a Ana en el mercado", photo=True)
    converting.to_tip(kept, other, description="Vista en el mercado", may_contact=False, actor=staff)
    unlinked = talk(account, "+525522223333", "Necesito información")
    files = [Path(m.file.path) for m in Media.objects.exclude(file="")]
    mine = [Path(m.file.path) for m in Media.objects.filter(message__conversation=as_tip).exclude(file="")]
    assert mine and all(f.exists() for f in files)
    reply_rows = replies_of(as_tip)
    assert any("+525512345678" in r.secret for r in reply_rows)  # the SMS payload names her number
    email_rows = replies_of(as_report)
    assert email_rows and all(r.to == "tia.rosa@example.org" for r in email_rows)
    messages_before = Message.objects.filter(conversation=as_tip).count()

    assert erase_case_identity(case, staff) is True

    for conversation in (as_tip, as_report, through_contact):
        assert is_anonymised(conversation)
        conversation.refresh_from_db()
        # The skeleton stays: channel, language, dates, what it became, the number of messages.
        assert conversation.status == ConversationStatus.CONVERTED and conversation.started_at
    assert Message.objects.filter(conversation=as_tip).count() == messages_before
    assert not any(f.exists() for f in mine)
    for row in replies_of(as_tip) + replies_of(as_report) + replies_of(through_contact):
        stored = raw("outbox_outboundmessage", row.pk, ("body", "secret", "last_error", "status"))
        assert stored["body"] == "" and stored["secret"] == "" and stored["last_error"] == ""
        assert stored["status"] == Status.WITHHELD  # nothing here was sent yet: it never will be
    assert all(r.to == "" for r in replies_of(as_report))
    media_downloads = OutboundMessage.objects.filter(channel=Channel.INBOUND_MEDIA)
    assert media_downloads.filter(status=Status.WITHHELD).count() == 1  # hers; the other case's still waits
    assert media_downloads.filter(status=Status.PENDING).count() == 1

    for conversation in (kept, unlinked):
        assert not is_anonymised(conversation)
        conversation.refresh_from_db()
        assert conversation.sender.startswith("+5255")
    assert all(f.exists() for f in files if f not in mine)
    assert all(r.secret for r in replies_of(kept))

    entry = AuditEntry.objects.filter(case_id=case.pk, detail__erased="identity").get()
    assert entry.detail["sections"]["conversations"] == 3
    assert entry.detail["sections"]["hotline_contacts"] == 1
    assert "5512345678" not in str(entry.detail) and "tia.rosa" not in str(entry.detail)

    client = client_for(staff)
    assert client.get(reverse("conversations:detail", args=[as_tip.pk])).status_code == 200
    assert client.get(reverse("conversations:inbox") + "?status=converted").status_code == 200


def test_the_daily_job_anonymises_expired_unlinked_conversations_only(
    org_a: Any, staff: Any, account: ChannelAccount, make_case: Any
) -> None:
    today = timezone.localdate()
    old = talk(account, "+525511112222", "Hola, ¿me ayudan?", photo=True)
    recent = talk(account, "+525533334444", "Hola de nuevo")
    linked = talk(account, "+525555556666", "La vi ayer")
    converting.to_tip(linked, make_case(org_a, staff), description="vista", may_contact=True, actor=staff)
    via_unlinked_contact = talk(account, "+525577778888", "Llamada de información")
    hotline_link.open_contact(via_unlinked_contact, actor=staff)
    via_linked_contact = talk(account, "+525599990000", "Sé algo de la joven")
    hotline_link.open_contact(via_linked_contact, actor=staff)
    hotline.add_to_case(
        Contact.objects.get(conversation_id=via_linked_contact.pk), make_case(org_a, staff, given_names="Ana"), by=staff
    )
    long_ago = timezone.now() - timedelta(days=400)
    expired = [old, linked, via_unlinked_contact, via_linked_contact]
    Conversation.objects.filter(pk__in=[c.pk for c in expired]).update(started_at=long_ago, last_message_at=long_ago)
    Contact.objects.filter(conversation_id__in=[c.pk for c in expired]).update(started_at=long_ago)

    result = apply_for(org_a, today)

    assert result.counts["conversations_anonymised"] == 2
    assert result.counts["hotline_contacts_anonymised"] == 0  # the unlinked contact held nothing yet
    assert is_anonymised(old) and is_anonymised(via_unlinked_contact)
    assert not any(is_anonymised(c) for c in (recent, linked, via_linked_contact))
    old.refresh_from_db()
    assert old.status == ConversationStatus.CLOSED and old.medium == Medium.SMS and old.last_message_at == long_ago
    assert Message.objects.filter(conversation=old).count() == 2  # hers and the automatic reply, both blank
    entry = AuditEntry.objects.filter(detail__has_key="retention", organisation_id=org_a.pk).get()
    assert entry.detail["retention"]["conversations_anonymised"] == 2

    assert apply_for(org_a, today).counts["conversations_anonymised"] == 0

    # She writes again: nothing finds her old conversation, a new one starts.
    again = talk(account, "+525511112222", "Soy yo otra vez")
    assert again.pk != old.pk and again.sender == "+525511112222"
    assert is_anonymised(old)
