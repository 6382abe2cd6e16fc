"""A hotline contact anonymised (by the daily job when linked to no case, or with its case's identity) takes nothing
more: its page shows the reason and no form, every POST of the desk stores nothing and answers with the reason, the
actions refuse on the locked row whoever calls them; another organisation's contact stays a 404."""

from __future__ import annotations

import importlib
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone, translation

from redalert.audit.models import AuditAction, AuditEntry
from redalert.cases.models import Case
from redalert.hotline import actions, rules
from redalert.hotline.models import Contact
from redalert.hotline.tests.conftest import intake_post
from redalert.hotline.tests.test_erasure import is_blank, raw, taken
from redalert.matching.models import AdditionalReport
from redalert.retention.erasure import erase_case_identity
from redalert.retention.jobs import apply_for
from redalert.retention.models import ErasedCase
from redalert.tips.models import Tip

STORED = (
    "urgency",
    "urgency_at",
    "emergency_called_at",
    "emergency_authority",
    "indicators",
    "victims",
    "place_id",
    "summary",
    "caller_name",
    "caller_phone",
    "caller_email",
    "caller_agrees_to_contact",
    "outcome",
    "referred_to",
    "ended_at",
    "case_id",
    "tip_id",
    "converted_at",
    "anonymised_at",
    "updated_at",
)


def said(response: Any) -> list[str]:
    """The messages the response left for the next page, then marked read (as the next page would)."""
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    response.client.cookies.pop("messages", None)
    return texts


def rows() -> tuple[Any, ...]:
    """What the desk could have written: the contacts' rows as stored, the records a contact becomes, the audit."""
    contacts = tuple(Contact.objects.order_by("pk").values_list(*STORED))
    stored = tuple(
        raw("hotline_contact", pk, ("summary", "caller_name", "caller_phone", "caller_email")).values()
        for pk in Contact.objects.values_list("pk", flat=True)
    )
    return (
        contacts,
        tuple(tuple(s) for s in stored),
        Case.objects.count(),
        Tip.objects.count(),
        AdditionalReport.objects.count(),
        AuditEntry.objects.exclude(action=AuditAction.VIEW).count(),
    )


@pytest.fixture
def anonymised(org_a: Any, coordinator: Any) -> Contact:
    """A contact linked to no case, in immediate danger with nothing recorded yet, past the retention period: the
    daily job anonymised it."""
    contact = taken(org_a, coordinator, "Lucía Llamante")
    actions.record_urgency(contact, "danger", by=coordinator)
    long_ago = timezone.now() - timedelta(days=400)
    Contact.objects.filter(pk=contact.pk).update(started_at=long_ago)
    assert apply_for(org_a, timezone.localdate()).counts["hotline_contacts_anonymised"] == 1
    contact.refresh_from_db()
    assert rules.is_anonymised(contact) and is_blank(contact)
    return contact


def test_every_post_of_the_desk_on_an_anonymised_contact_stores_nothing_and_says_why(
    anonymised: Contact, coordinator: Any, org_a: Any, make_case: Any, client_for: Any, places: dict[str, Any]
) -> None:
    case = make_case(org_a, coordinator)
    client = client_for(coordinator)
    page_url = reverse("hotline:contact", args=[anonymised.pk])
    page = client.get(page_url)
    assert page.status_code == 200
    body = page.content.decode()
    with translation.override(page.wsgi_request.LANGUAGE_CODE):
        reason = rules.refusal(anonymised)
    assert reason and reason in body
    # No form of the desk, no way to what the contact becomes.
    assert 'action="/hotline/' not in body
    for name in ("urgency", "emergency", "details", "indicators", "close"):
        assert reverse("hotline:step", args=[anonymised.pk, name]) not in body
    for name in ("report", "further", "tip"):
        assert reverse(f"hotline:{name}", args=[anonymised.pk]) not in body
    for form_id in ("save-urgency", "save-emergency", "save-details", "save-indicators", "close-contact"):
        assert f'id="{form_id}"' not in body
    before = rows()

    step = lambda name: reverse("hotline:step", args=[anonymised.pk, name])  # noqa: E731
    posts = [
        (step("urgency"), {"u-urgency": "no_danger"}),
        (step("emergency"), {"e-authority": "Policía Estatal de Querétaro"}),
        (
            step("details"),
            {
                "d-summary": "Se llama María Fernanda y está en Tlaxcala",
                "d-caller_relation": "family",
                "d-victims": "2",
                "d-caller_agrees_to_contact": "on",
                "d-caller_name": "Lucía Llamante",
                "d-caller_phone": "+524421112233",
            },
        ),
        (step("indicators"), {"i-control:PhysicalAbuse": "yes"}),
        (step("close"), {"c-outcome": "information"}),
        (reverse("hotline:report", args=[anonymised.pk]), intake_post(places)),
        (reverse("hotline:further", args=[anonymised.pk]), {"case": str(case.pk)}),
        (
            reverse("hotline:tip", args=[anonymised.pk]),
            {"reference": case.reference, "description": "La vio ayer en la central"},
        ),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code == 302 and response["Location"] == page_url, url
        assert said(response) == [reason], url  # read here, so the next request starts with none
        assert rows() == before, url
    for name in ("report", "further", "tip"):  # the pages of what it becomes are not offered either
        response = client.get(reverse(f"hotline:{name}", args=[anonymised.pk]))
        assert response.status_code == 302 and response["Location"] == page_url and said(response) == [reason]
    assert rows() == before
    anonymised.refresh_from_db()
    assert anonymised.urgency == "danger" and anonymised.emergency_called_at is None and anonymised.ended_at is None
    assert (
        anonymised.case_id is None
        and anonymised.tip_id is None
        and anonymised.indicators == {"control:FalsePromises": "yes"}
    )


def test_a_call_taker_gets_the_same_refusal_and_another_organisation_a_404(
    org_a: Any, org_b: Any, call_taker: Any, make_user: Any, client_for: Any
) -> None:
    contact = taken(org_a, call_taker, "Sara Sola")
    Contact.objects.filter(pk=contact.pk).update(started_at=timezone.now() - timedelta(days=400))
    apply_for(org_a, timezone.localdate())
    client = client_for(call_taker)
    body = client.get(reverse("hotline:contact", args=[contact.pk])).content.decode()
    assert 'id="refusal"' in body and 'action="/hotline/' not in body
    before = rows()
    response = client.post(reverse("hotline:step", args=[contact.pk, "details"]), {"d-summary": "Otra vez"})
    assert response.status_code == 302 and len(said(response)) == 1
    assert rows() == before

    outsider = make_user(org_b, "coordinator", "call_taker")
    other = client_for(outsider)
    assert other.get(reverse("hotline:contact", args=[contact.pk])).status_code == 404
    assert other.post(reverse("hotline:step", args=[contact.pk, "urgency"]), {"u-urgency": "danger"}).status_code == 404
    assert other.post(reverse("hotline:tip", args=[contact.pk]), {"reference": "X"}).status_code == 404
    assert rows() == before


def test_the_actions_refuse_on_the_locked_row_even_from_an_instance_read_before(
    org_a: Any, coordinator: Any, make_case: Any
) -> None:
    case = make_case(org_a, coordinator)
    stale = taken(org_a, coordinator, "Marta Testigo")  # read before the job, still holding her details
    Contact.objects.filter(pk=stale.pk).update(started_at=timezone.now() - timedelta(days=400))
    apply_for(org_a, timezone.localdate())
    assert stale.anonymised_at is None and stale.caller_name == "Marta Testigo"
    before = rows()
    with translation.override("en"):
        refusals = [
            lambda: actions.record_urgency(stale, "danger", by=coordinator),
            lambda: actions.record_emergency_call(stale, by=coordinator, authority="Policía"),
            lambda: actions.save_details(stale, {"summary": "Se llama María"}, by=coordinator),
            lambda: actions.close_contact(stale, by=coordinator, outcome="information"),
            lambda: actions.add_to_case(stale, case, by=coordinator),
            lambda: actions.add_tip(stale, case, by=coordinator, description="La vio ayer"),
        ]
        for attempt in refusals:
            with pytest.raises(actions.ContactError, match="This contact was anonymised"):
                attempt()
        with pytest.raises(actions.ContactError, match="This contact was anonymised"):
            actions.link_new_report(stale, case, by=coordinator)
    assert rows() == before
    assert is_blank(stale)


def test_erasure_and_the_job_mark_the_contacts_they_blank_and_only_those(
    org_a: Any, coordinator: Any, make_case: Any
) -> None:
    case = make_case(org_a, coordinator)
    of_case = taken(org_a, coordinator, "Lucía Llamante")
    actions.add_to_case(of_case, case, by=coordinator)
    silent = actions.open_contact(org_a, by=coordinator, channel="phone")  # nothing said; long ago
    recent = taken(org_a, coordinator, "Reciente Sinliga")
    Contact.objects.filter(pk=silent.pk).update(started_at=timezone.now() - timedelta(days=400))

    assert erase_case_identity(case, coordinator) is True
    of_case.refresh_from_db()
    assert of_case.anonymised_at is not None and rules.refusal(of_case)
    first = of_case.anonymised_at

    result = apply_for(org_a, timezone.localdate())
    assert result.counts["hotline_contacts_anonymised"] == 0  # it held nothing: counted 0, closed to changes
    silent.refresh_from_db()
    recent.refresh_from_db()
    assert silent.anonymised_at is not None and recent.anonymised_at is None and rules.refusal(recent) is None
    assert Contact.objects.get(pk=of_case.pk).anonymised_at == first  # kept from the first time
    actions.save_details(recent, {"summary": "Sigue abierta"}, by=coordinator)  # the others still take changes
    assert Contact.objects.get(pk=recent.pk).summary == "Sigue abierta"


def test_a_contact_of_a_case_erased_before_the_marker_is_refused_too(
    org_a: Any, coordinator: Any, make_case: Any, client_for: Any
) -> None:
    case = make_case(org_a, coordinator)
    contact = taken(org_a, coordinator, "Lucía Llamante")
    actions.add_to_case(contact, case, by=coordinator)
    erase_case_identity(case, coordinator)
    Contact.objects.filter(pk=contact.pk).update(anonymised_at=None)  # as erased before this marker existed
    contact.refresh_from_db()
    with translation.override("en"):
        assert rules.refusal(contact) == "The identity of this case was erased: nothing new can be recorded on it."
    body = client_for(coordinator).get(reverse("hotline:contact", args=[contact.pk])).content.decode()
    assert 'id="refusal"' in body and 'action="/hotline/' not in body
    with pytest.raises(actions.ContactError):
        actions.record_urgency(contact, "danger", by=coordinator)

    # The migration that adds the marker marks such contacts with the erasure's time, and no other.
    other = taken(org_a, coordinator, "Elena Otra")
    migration = importlib.import_module("redalert.hotline.migrations.0003_contact_anonymised_at")
    migration.mark_contacts_of_erased_cases(django_apps, None)
    assert Contact.objects.get(pk=contact.pk).anonymised_at == ErasedCase.objects.get(case=case).at
    assert Contact.objects.get(pk=other.pk).anonymised_at is None
