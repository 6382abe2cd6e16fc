"""The inbox: who may see it (another organisation's conversation is a 404), audited views, no full number in the
list, replies through the outbox, and the conversions into a tip, a report and a hotline contact."""

from __future__ import annotations

import pytest
from django.urls import reverse

from redalert.audit.models import AuditEntry
from redalert.cases.models import Case
from redalert.conversations.models import (
    ChannelAccount,
    Conversation,
    ConversationStatus,
    Direction,
    Medium,
    Message,
)
from redalert.conversations.services import Inbound, receive
from redalert.matching.models import AdditionalReport
from redalert.outbox.models import Channel, OutboundMessage
from redalert.tips.models import Tip

NUMBER = "+525512345678"


@pytest.fixture
def conversation(account) -> Conversation:
    message, _ = receive(
        account,
        Inbound(
            provider_id="SM" + "1" * 32,
            medium=Medium.SMS,
            sender=NUMBER,
            body="Hola, vi a María Fernanda López en la central ayer",
        ),
    )
    return message.conversation


def test_the_list_shows_the_last_digits_never_the_number(client_for, coordinator, conversation):
    response = client_for(coordinator).get(reverse("conversations:inbox"))
    assert response.status_code == 200
    assert "…5678" in response.content.decode()
    assert NUMBER not in response.content.decode()
    assert AuditEntry.objects.filter(actor=coordinator, detail__what="conversation inbox").exists()


def test_reading_a_conversation_is_audited(client_for, coordinator, conversation):
    response = client_for(coordinator).get(reverse("conversations:detail", args=[conversation.pk]))
    assert response.status_code == 200
    assert "vi a María Fernanda" in response.content.decode()
    assert AuditEntry.objects.filter(
        actor=coordinator, object_id=str(conversation.pk), detail__what="conversation"
    ).exists()


def test_another_organisation_gets_a_404(client_for, make_user, org_b, conversation):
    other = make_user(org_b, "coordinator")
    client = client_for(other)
    assert client.get(reverse("conversations:detail", args=[conversation.pk])).status_code == 404
    assert client.post(reverse("conversations:reply", args=[conversation.pk]), {"text": "x"}).status_code == 404
    assert "5678" not in client.get(reverse("conversations:inbox")).content.decode()


@pytest.mark.parametrize("role", ["analyst", "lawyer", "public_editor", "shelter_staff"])
def test_roles_without_the_inbox_get_a_404(client_for, make_user, org_a, conversation, role):
    client = client_for(make_user(org_a, role))
    assert client.get(reverse("conversations:inbox")).status_code == 404
    assert client.get(reverse("conversations:detail", args=[conversation.pk])).status_code == 404


def test_a_reply_is_queued_in_the_outbox(client_for, coordinator, conversation):
    response = client_for(coordinator).post(
        reverse("conversations:reply", args=[conversation.pk]), {"text": "Gracias, la llamamos."}
    )
    assert response.status_code == 302
    sent = Message.objects.get(direction=Direction.OUT, automatic=False)
    assert sent.body == "Gracias, la llamamos." and sent.sent_by == coordinator
    assert sent.outbound.channel == Channel.MESSAGING
    assert OutboundMessage.objects.filter(channel=Channel.MESSAGING).count() == 2  # the first reply and this one


def test_a_conversation_becomes_a_tip_on_a_case(client_for, coordinator, conversation, case):
    response = client_for(coordinator).post(
        reverse("conversations:to_tip", args=[conversation.pk]), {"case": case.pk, "description": ""}
    )
    assert response.status_code == 302
    tip = Tip.objects.get(case=case)
    assert "central ayer" in tip.description
    assert tip.anonymous and tip.contact_phone == ""
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.CONVERTED and conversation.tip == tip
    # A second conversion is refused.
    client_for(coordinator).post(reverse("conversations:to_tip", args=[conversation.pk]), {"case": case.pk})
    assert Tip.objects.count() == 1


def test_a_tip_on_another_organisations_case_is_refused(
    client_for, coordinator, conversation, make_case, org_b, make_user
):
    foreign = make_case(org_b, make_user(org_b, "coordinator"))
    response = client_for(coordinator).post(
        reverse("conversations:to_tip", args=[conversation.pk]), {"case": foreign.pk}
    )
    assert response.status_code == 302  # the form refuses a case she cannot choose
    assert not Tip.objects.exists()


def _report_post(places, **extra):
    data = {
        "report-reported_at": "2026-12-01T10:00",
        "report-report_channel": "other",
        "report-reporter_relationship": "unknown",
        "report-last_seen_on": "2026-11-30",
        "report-last_seen_place_0": "",
        "report-last_seen_place_1": str(places["qro_city"].pk),
        "report-circumstances": "Lo que escribió por SMS.",
        "person-given_names": "Daniela",
        "person-first_surname": "Ramírez",
        "person-sex": "female",
        "person-gender": "Feminine",
        "person-indigenous": "unknown",
        "person-birth_date": "2010-01-05",
    }
    data.update(extra)
    return data


def test_the_report_form_is_filled_from_the_conversation(client_for, coordinator, conversation):
    response = client_for(coordinator).get(reverse("conversations:to_report", args=[conversation.pk]))
    assert response.status_code == 200
    assert "vi a María Fernanda" in response.content.decode()


def test_a_conversation_becomes_a_new_case_through_the_intake(client_for, coordinator, conversation, places):
    response = client_for(coordinator).post(
        reverse("conversations:to_report", args=[conversation.pk]), _report_post(places)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    conversation.refresh_from_db()
    case = Case.objects.get(pk=conversation.case_id)
    assert case.person.given_names == "Daniela"
    assert conversation.status == ConversationStatus.CONVERTED


def test_a_possible_duplicate_is_shown_and_the_report_added_to_that_case(
    client_for, coordinator, conversation, case, places
):
    post = _report_post(
        places,
        **{
            "person-given_names": "María Fernanda",
            "person-first_surname": "López",
            "person-second_surname": "Hernández",
            "report-last_seen_on": "2026-03-01",
        },
    )
    client = client_for(coordinator)
    response = client.post(reverse("conversations:to_report", args=[conversation.pk]), post)
    assert response.status_code == 200
    assert f'data-case="{case.pk}"' in response.content.decode()
    assert Case.objects.count() == 1
    response = client.post(reverse("conversations:to_report", args=[conversation.pk]), {**post, "add_to": case.pk})
    assert response.status_code == 302
    report = AdditionalReport.objects.get(case=case)
    assert report.narrative == "Lo que escribió por SMS."
    conversation.refresh_from_db()
    assert conversation.additional_report == report and conversation.case == case


def test_a_conversation_becomes_a_hotline_contact(client_for, coordinator, conversation):
    from redalert.hotline.models import Contact

    response = client_for(coordinator).post(reverse("conversations:to_contact", args=[conversation.pk]))
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.conversation_id == conversation.pk
    assert contact.channel == "sms"
    conversation.refresh_from_db()
    assert conversation.hotline_contact_id == contact.pk


def test_an_administrator_connects_an_account_and_secrets_are_never_shown(client_for, make_user, org_a):
    admin = make_user(org_a, "administrator")
    client = client_for(admin)
    response = client.post(
        reverse("conversations:account_new"),
        {
            "provider": "whatsapp_cloud",
            "label": "WA",
            "active": "on",
            "app_secret": "s3cr3t-app",
            "verify_token": "v3rify",
            "access_token": "EAAGtoken",
            "phone_number_id": "123",
        },
    )
    assert response.status_code == 302
    account = ChannelAccount.objects.get(provider="whatsapp_cloud")
    page = client.get(reverse("conversations:account", args=[account.pk])).content.decode()
    assert account.hook_key in page
    assert "s3cr3t-app" not in page and "EAAGtoken" not in page
    # Saving again with the secrets left empty keeps them.
    client.post(
        reverse("conversations:account", args=[account.pk]),
        {
            "provider": "whatsapp_cloud",
            "label": "WA 2",
            "active": "on",
            "phone_number_id": "123",
        },
    )
    account.refresh_from_db()
    assert account.label == "WA 2" and account.app_secret == "s3cr3t-app"
