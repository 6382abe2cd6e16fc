"""An anonymised conversation (erased with its case, or expired unlinked) can no longer be answered or turned into
a record: the reply form is not shown, a POST to reply or convert stores nothing and answers with the reason; nothing
new is recorded on a case whose identity was erased (from a conversation or a hotline contact); the outbox never
tries to deliver to an empty address."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone, translation

from redalert.cases.models import Case
from redalert.conversations import converting, rules
from redalert.conversations.models import Conversation, Message
from redalert.conversations.services import reply
from redalert.conversations.tests.test_erasure import mail, staff, talk  # noqa: F401 (fixtures)
from redalert.hotline import actions as hotline
from redalert.hotline.models import Contact
from redalert.matching.models import AdditionalReport
from redalert.outbox.claiming import NO_RECIPIENT, deliver_due
from redalert.outbox.enqueue import enqueue_email, enqueue_provider_message
from redalert.outbox.models import DeliveryAttempt, OutboundMessage, Status
from redalert.retention.erasure import erase_case_identity
from redalert.retention.jobs import apply_for
from redalert.tips.models import Tip


def counts() -> tuple[int, ...]:
    return (
        Message.objects.count(),
        OutboundMessage.objects.count(),
        Tip.objects.count(),
        Case.objects.count(),
        AdditionalReport.objects.count(),
        Contact.objects.count(),
    )


def said(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def anonymised(org_a: Any, account: Any) -> Conversation:
    """A conversation linked to no case, past the retention period: the daily job anonymised it."""
    conversation = talk(account, "+525511112222", "Vi a la joven en la terminal", name="Lucía")
    long_ago = timezone.now() - timedelta(days=400)
    Conversation.objects.filter(pk=conversation.pk).update(started_at=long_ago, last_message_at=long_ago)
    assert apply_for(org_a, timezone.localdate()).counts["conversations_anonymised"] == 1
    conversation.refresh_from_db()
    assert rules.is_anonymised(conversation)
    return conversation


def test_posts_on_an_anonymised_conversation_store_nothing_and_say_why(
    anonymised: Conversation,
    staff: Any,  # noqa: F811
    make_case: Any,
    org_a: Any,
    client_for: Any,
) -> None:
    case = make_case(org_a, staff)
    client = client_for(staff)
    page = client.get(reverse("conversations:detail", args=[anonymised.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert reverse("conversations:reply", args=[anonymised.pk]) not in body
    assert reverse("conversations:to_tip", args=[anonymised.pk]) not in body
    assert reverse("conversations:to_contact", args=[anonymised.pk]) not in body
    with translation.override(page.wsgi_request.LANGUAGE_CODE):
        reason = rules.refusal(anonymised)
    assert reason and reason in body
    before = counts()

    posts = [
        ("conversations:reply", {"text": "¿Sigue ahí?"}),
        ("conversations:to_tip", {"case": case.pk, "description": "la vieron", "may_contact": "on"}),
        ("conversations:to_contact", {}),
        ("conversations:to_report", {"report-reporter_name": "x"}),
    ]
    for name, data in posts:
        response = client.post(reverse(name, args=[anonymised.pk]), data)
        assert response.status_code == 302, name
        assert response["Location"] == reverse("conversations:detail", args=[anonymised.pk])
        assert said(response)[-1] == reason, name
    response = client.get(reverse("conversations:to_report", args=[anonymised.pk]))
    assert response.status_code == 302 and said(response)[-1] == reason
    assert counts() == before


def test_the_services_refuse_an_anonymised_conversation(
    anonymised: Conversation,
    staff: Any,  # noqa: F811
    make_case: Any,
    org_a: Any,
) -> None:
    case = make_case(org_a, staff)
    before = counts()
    with pytest.raises(rules.Refused):
        reply(anonymised, "Hola", actor=staff)
    with pytest.raises(rules.Refused):
        converting.to_tip(anonymised, case, description="x", may_contact=False, actor=staff)
    with pytest.raises(rules.Refused):
        converting.to_existing_case(
            anonymised, case, AdditionalReport(reported_at=timezone.now(), channel="other"), actor=staff
        )
    assert counts() == before


def test_nothing_new_is_recorded_on_an_erased_case(
    org_a: Any,
    staff: Any,  # noqa: F811
    account: Any,
    make_case: Any,
    client_for: Any,
) -> None:
    erased = make_case(org_a, staff)
    assert erase_case_identity(erased, staff) is True
    conversation = talk(account, "+525533334444", "La vi ayer en el mercado")
    before = counts()
    client = client_for(staff)
    response = client.post(
        reverse("conversations:to_tip", args=[conversation.pk]),
        {"case": erased.pk, "description": "La vi ayer", "may_contact": "on"},
    )
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        reason = rules.refusal(conversation, erased)
    assert reason and said(response) == [reason]
    with pytest.raises(rules.Refused):
        converting.to_existing_case(
            conversation, erased, AdditionalReport(reported_at=timezone.now(), channel="other"), actor=staff
        )
    assert counts() == before
    conversation.refresh_from_db()
    assert conversation.status == "open" and conversation.case_id is None

    # The hotline refuses too: a contact becomes neither a tip nor a further report of the erased case.
    contact = hotline.open_contact(org_a, by=staff, channel="phone")
    hotline.save_details(contact, {"summary": "Dice que la vio"}, by=staff)
    before = counts()
    with pytest.raises(hotline.ContactError, match=str(reason)):
        hotline.add_tip(contact, erased, by=staff, description="La vio ayer")
    with pytest.raises(hotline.ContactError):
        hotline.add_to_case(contact, erased, by=staff)
    assert counts() == before
    contact.refresh_from_db()
    assert contact.case_id is None and contact.tip_id is None
    # The contact of an erased case takes no details again (they went with the erasure).
    linked = hotline.open_contact(org_a, by=staff, channel="phone")
    Contact.objects.filter(pk=linked.pk).update(case=erased)
    linked.refresh_from_db()
    with pytest.raises(hotline.ContactError):
        hotline.save_details(linked, {"summary": "Se llama María Fernanda"}, by=staff)
    assert Contact.objects.get(pk=linked.pk).summary == ""
    # A case not erased still takes them.
    hotline.add_tip(contact, make_case(org_a, staff, given_names="Ana"), by=staff, description="La vio ayer")


def test_the_outbox_never_sends_to_an_empty_address(db: Any, settings: Any) -> None:
    sms_spec = {
        "provider": "twilio",
        "base": "http://127.0.0.1:9",
        "account_sid": "AC" + "0" * 32,
        "auth_token": "t",
        "from": "+525511110000",
        "to": "",
        "text": "Gracias",
    }
    whatsapp_spec = {**sms_spec, "from": "whatsapp:+525511110000", "to": "whatsapp:"}
    rows = [
        enqueue_provider_message(sms_spec, key="t:sms", label="conversation 1"),
        enqueue_provider_message(whatsapp_spec, key="t:wa", label="conversation 2"),
        enqueue_email("", "Asunto", "Texto", key="t:mail"),
    ]

    deliver_due()

    for row in rows:
        row.refresh_from_db()
        assert row.status == Status.WITHHELD and row.last_error == NO_RECIPIENT
        assert row.sent_at is None
        attempts = DeliveryAttempt.objects.filter(message=row)
        assert [a.outcome for a in attempts] == ["withheld"]  # never tried on the network
