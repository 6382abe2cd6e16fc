"""The pages of transfers and referrals: who may open what, and a 404 for everybody else."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from redalert.access.models import CaseGrant
from redalert.audit.models import AuditEntry
from redalert.cases.choices import NoteSection
from redalert.transfers import services
from redalert.transfers.models import Offer, OfferKind, OfferStatus


def _refer(case: Any, by: Any, to: Any, *sections: str) -> Offer:
    return services.offer(case, to=to, kind=OfferKind.REFERRAL, sections=sections, reason="Acompañamiento", actor=by)


def test_the_coordinator_offers_from_the_case_file(consenting_case, coordinator, org_b, client_for):
    client = client_for(coordinator)
    page = client.get(reverse("cases:detail", args=[consenting_case.pk]))
    assert reverse("transfers:new", args=[consenting_case.pk]) in page.content.decode()
    response = client.post(
        reverse("transfers:new", args=[consenting_case.pk]),
        {"kind": "referral", "to": org_b.pk, "sections": ["legal"], "reason": "Acompañamiento jurídico"},
    )
    offer = Offer.objects.get()
    assert response.status_code == 302 and offer.sections == ["legal"]


def test_bad_input_says_why_and_saves_nothing(case, coordinator, org_b, client_for):
    client = client_for(coordinator)
    url = reverse("transfers:new", args=[case.pk])
    no_section = client.post(url, {"kind": "referral", "to": org_b.pk, "reason": "x"}, HTTP_ACCEPT_LANGUAGE="es")
    assert no_section.status_code == 200 and "Elija al menos una sección" in no_section.content.decode()
    no_consent = client.post(url, {"kind": "referral", "to": org_b.pk, "sections": ["legal"], "reason": "x"})
    assert no_consent.status_code == 200
    assert not Offer.objects.exists()


def test_wrong_organisation_or_role_is_a_404_on_every_page(
    consenting_case, coordinator, coordinator_b, org_a, org_b, make_user, client_for, places
):
    from redalert.accounts.models import Organisation

    offer = _refer(consenting_case, coordinator, org_b, NoteSection.LEGAL)
    org_c = Organisation.objects.create(name="Otra", code="OTRA", country="MX")
    outsiders = [make_user(org_c, "coordinator"), make_user(org_b, "caseworker"), make_user(org_a, "caseworker")]
    for user in outsiders:
        client = client_for(user)
        assert client.get(reverse("transfers:offer", args=[offer.pk])).status_code == 404, user
        for answer in ("accept", "reject", "end"):
            assert client.post(reverse("transfers:decide", args=[offer.pk, answer])).status_code == 404
    assert client_for(coordinator_b).get(reverse("transfers:new", args=[consenting_case.pk])).status_code == 404
    assert client_for(outsiders[2]).get(reverse("transfers:new", args=[consenting_case.pk])).status_code == 404
    # the sender cannot accept for the receiver; the receiver cannot withdraw for the sender
    assert client_for(coordinator).post(reverse("transfers:decide", args=[offer.pk, "accept"])).status_code == 404
    assert client_for(coordinator_b).post(reverse("transfers:decide", args=[offer.pk, "end"])).status_code == 404
    assert not CaseGrant.objects.exists()


def test_the_receiver_accepts_and_opens_only_the_shared_section(
    consenting_case, coordinator, coordinator_b, org_a, org_b, make_user, client_for
):
    offer = _refer(consenting_case, coordinator, org_b, NoteSection.LEGAL)
    client = client_for(coordinator_b)
    assert client.get(reverse("transfers:offer", args=[offer.pk])).status_code == 200
    client.post(reverse("transfers:decide", args=[offer.pk, "accept"]), {"note": "Recibido"})
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED
    index = client.get(reverse("transfers:index")).content.decode()
    assert consenting_case.reference in index and reverse("legal:case", args=[consenting_case.pk]) in index
    listing = client.get(reverse("cases:list")).content.decode()
    assert consenting_case.reference in listing and org_a.name in listing  # marked as shared by A
    before = AuditEntry.objects.count()
    assert client.get(reverse("cases:section", args=[consenting_case.pk, "legal"])).status_code == 200
    legal_page = client.get(reverse("legal:case", args=[consenting_case.pk]))
    assert legal_page.status_code == 200
    # The case header offers no tab the receiver could not open (consent, tasks, Red Alert stay with A).
    # Nor a link inside the page: the family has not consented to legal representation, and recording that decision
    # is A's (the link, with its query string, would be a 404 for B).
    assert 'id="consent-warning"' in legal_page.content.decode()
    for held_by_a in ("consent:page", "tasks:case", "alerts:case"):
        assert f'href="{reverse(held_by_a, args=[consenting_case.pk])}' not in legal_page.content.decode(), held_by_a
    views = AuditEntry.objects.filter(pk__gt=0).order_by("-id")[: AuditEntry.objects.count() - before]
    assert {e.organisation_id for e in views} >= {org_a.pk, org_b.pk}
    for url in (
        reverse("cases:detail", args=[consenting_case.pk]),
        reverse("cases:section", args=[consenting_case.pk, "investigation"]),
        reverse("cases:section", args=[consenting_case.pk, "health"]),
        reverse("cases:edit", args=[consenting_case.pk]),
        reverse("consent:page", args=[consenting_case.pk]),
        reverse("tasks:case", args=[consenting_case.pk]),
        reverse("cases:audit", args=[consenting_case.pk]),
    ):
        assert client.get(url).status_code == 404, url
    # another role of the receiver whose role does not read legal: nothing
    health_b = make_user(org_b, "health")
    assert client_for(health_b).get(reverse("cases:section", args=[consenting_case.pk, "legal"])).status_code == 404


def test_after_the_consent_is_withdrawn_the_receiver_gets_a_404(
    consenting_case, coordinator, coordinator_b, org_b, client_for
):
    from redalert.consent.choices import Decision, Purpose
    from redalert.testing import record_consent

    services.accept(_refer(consenting_case, coordinator, org_b, NoteSection.LEGAL), actor=coordinator_b)
    client = client_for(coordinator_b)
    url = reverse("cases:section", args=[consenting_case.pk, "legal"])
    assert client.get(url).status_code == 200
    record_consent(
        consenting_case, Purpose.REFERRAL, coordinator, Decision.WITHDRAWN, on=consenting_case.reported_at.date()
    )
    assert client.get(url).status_code == 404
    index = client.get(reverse("transfers:index")).content.decode()
    assert reverse("legal:case", args=[consenting_case.pk]) not in index  # no longer among the shared cases
    assert consenting_case.reference not in client.get(reverse("cases:list")).content.decode()


def test_after_a_transfer_the_receiver_works_the_case_and_the_sender_reads_its_general_file(
    consenting_case, coordinator, coordinator_b, org_b, client_for
):
    offer = services.offer(consenting_case, to=org_b, kind=OfferKind.TRANSFER, reason="Se mudó", actor=coordinator)
    client_b = client_for(coordinator_b)
    client_b.post(reverse("transfers:decide", args=[offer.pk, "accept"]))
    detail = reverse("cases:detail", args=[consenting_case.pk])
    assert client_b.get(detail).status_code == 200
    assert client_b.get(reverse("cases:edit", args=[consenting_case.pk])).status_code == 200
    client_a = client_for(coordinator)
    page = client_a.get(detail, HTTP_ACCEPT_LANGUAGE="es")
    assert page.status_code == 200 and "Compartido por Colectivo B" in page.content.decode()
    for url in (
        reverse("cases:edit", args=[consenting_case.pk]),
        reverse("cases:section", args=[consenting_case.pk, "legal"]),
        reverse("cases:team", args=[consenting_case.pk]),
        reverse("transfers:new", args=[consenting_case.pk]),
    ):
        assert client_a.get(url).status_code == 404, url
