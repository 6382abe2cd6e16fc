"""For any set of hotline contacts and conversations (any ages, linked to a case or not, a conversation turned into a
contact or not) and any retention period: after the daily job a row still holds personal data if and only if it held
some and is linked to a case (directly, or through the contact it became) or its last activity is not older than
the period; the job counts exactly the rows it anonymised, and a second run counts nothing."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redalert.conversations.models import ChannelAccount, Conversation, Direction, Message, Provider
from redalert.hotline.models import Contact
from redalert.retention.jobs import apply_for
from redalert.retention.models import RetentionPolicy

KINDS = ["contact", "conversation", "conversation_to_contact"]
ITEM = st.tuples(st.sampled_from(KINDS), st.integers(0, 800), st.booleans(), st.booleans())


def holds(row: Contact | Conversation) -> bool:
    if isinstance(row, Contact):
        fresh = Contact.objects.get(pk=row.pk)
        return any((fresh.summary, fresh.caller_name, fresh.caller_phone, fresh.caller_email))
    conversation = Conversation.objects.get(pk=row.pk)
    bodies = Message.objects.filter(conversation=conversation).exclude(body="").exists()
    return bool(conversation.sender or conversation.sender_name or bodies)


def build(kind: str, age: int, linked: bool, said: bool, *, org: Any, user: Any, case: Any, account: Any, n: int):
    from django.utils import timezone

    at = timezone.now() - timedelta(days=age)
    rows: list[Contact | Conversation] = []
    conversation = None
    if kind != "contact":
        conversation = Conversation.objects.create(
            organisation=org,
            account=account,
            medium="sms",
            sender_key=f"k{n}",
            sender=f"+52551000{n:04d}",
            status="converted" if kind == "conversation_to_contact" or linked else "open",
            started_at=at,
            last_message_at=at,
            case=case if linked and kind == "conversation" else None,
        )
        Message.objects.create(
            conversation=conversation, account=account, direction=Direction.IN, provider_id=f"SM{n}", body="hola", at=at
        )
        rows.append(conversation)
    if kind != "conversation":
        contact = Contact.objects.create(
            organisation=org,
            reference=f"P-{n}",
            channel="phone" if conversation is None else "sms",
            conversation_id=conversation.pk if conversation is not None else None,
            started_at=at,
            ended_at=at + timedelta(minutes=5),
            taken_by=user,
            summary="Vio a la joven en la central" if said else "",
            case=case if linked else None,
        )
        if conversation is not None:
            Conversation.objects.filter(pk=conversation.pk).update(hotline_contact_id=contact.pk)
        rows.append(contact)
    return rows


@pytest.fixture
def setting(org_a: Any, make_user: Any, make_case: Any) -> tuple[Any, Any, Any]:
    """One member, one case and one account for every example (each example starts with no contact or
    conversation)."""
    user = make_user(org_a, "coordinator")
    account = ChannelAccount.objects.create(organisation=org_a, provider=Provider.TWILIO, auth_token="t")
    return user, make_case(org_a, user), account


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(items=st.lists(ITEM, max_size=8), period=st.integers(1, 800))
def test_only_expired_unlinked_contacts_and_conversations_lose_their_personal_data(items, period, org_a, setting):
    from django.utils import timezone

    user, case, account = setting
    Conversation.objects.all().delete()
    Contact.objects.all().delete()
    RetentionPolicy.objects.update_or_create(organisation=org_a, defaults={"unlinked_contact_days": period})
    today = timezone.localdate()
    cutoff = timezone.make_aware(datetime.combine(today - timedelta(days=period), time.min))

    expected: list[tuple[Contact | Conversation, bool]] = []
    anonymised = {"hotline_contacts_anonymised": 0, "conversations_anonymised": 0}
    for n, (kind, age, linked, said) in enumerate(items):
        rows = build(kind, age, linked, said, org=org_a, user=user, case=case, account=account, n=n)
        for row in rows:
            # The last activity: a contact's end (5 minutes after it started), a conversation's last message.
            last = row.ended_at if isinstance(row, Contact) else row.last_message_at
            expired = not linked and last < cutoff
            had = holds(row)
            expected.append((row, had and not expired))
            if had and expired:
                anonymised[
                    "hotline_contacts_anonymised" if isinstance(row, Contact) else "conversations_anonymised"
                ] += 1

    result = apply_for(org_a, today)

    for row, still in expected:
        assert holds(row) == still, (items, period, row)
    assert {k: result.counts[k] for k in anonymised} == anonymised
    again = apply_for(org_a, today)
    assert again.counts["hotline_contacts_anonymised"] == again.counts["conversations_anonymised"] == 0
