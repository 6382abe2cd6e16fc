"""Legal accompaniment: permissions per role, consent gating of legal representation, proceedings, hearings,
reminders and reparations money validation."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from redalert.audit.models import AuditEntry
from redalert.care.tests.helpers import EN, Purpose, grant, member, withdraw
from redalert.legal import services
from redalert.legal.models import Hearing, Proceeding, Reparation

pytestmark = pytest.mark.django_db


@pytest.fixture
def lawyer(case: Any, coordinator: Any, make_user: Any, org_a: Any) -> Any:
    user = member(make_user, org_a, case, coordinator, "lawyer")
    user.email = "abogada@example.org"
    user.save()
    return user


@pytest.fixture
def proceeding(case: Any, lawyer: Any, coordinator: Any) -> Proceeding:
    grant(case, Purpose.LEGAL_REPRESENTATION, coordinator)
    return services.open_proceeding(
        case,
        actor=lawyer,
        lawyer=lawyer,
        authority="state_prosecutor",
        authority_name="Fiscalía de Querétaro",
        complaint_filed_on=date(2026, 3, 3),
        investigation_file="CI/QRO/123/2026",
        crimes_charged="Trata de personas\nDesaparición",
    )


@pytest.mark.parametrize("roles", [("lawyer",), ("coordinator",), ("caseworker",)])
def test_legal_roles_on_the_team_see_the_page(
    proceeding: Any, case: Any, coordinator: Any, make_user: Any, org_a: Any, client_for: Any, roles: tuple[str]
) -> None:
    user = member(make_user, org_a, case, coordinator, *roles, username=f"{roles[0]}-x")
    response = client_for(user).get(reverse("legal:case", args=[case.pk]), **EN)
    assert response.status_code == 200
    assert "CI/QRO/123/2026" in response.content.decode()
    assert AuditEntry.objects.filter(actor=user, case_id=case.pk, action="view", detail__section="legal").exists()
    detail = client_for(user).get(reverse("legal:proceeding", args=[case.pk, proceeding.pk]), **EN)
    assert detail.status_code == 200 and "Trata de personas" in detail.content.decode()


@pytest.mark.parametrize("roles", [("health",), ("shelter_staff",), ("field_investigator",), ("analyst",)])
def test_other_roles_on_the_team_get_404(
    proceeding: Any, case: Any, coordinator: Any, make_user: Any, org_a: Any, client_for: Any, roles: tuple[str]
) -> None:
    user = member(make_user, org_a, case, coordinator, *roles)
    client = client_for(user)
    assert client.get(reverse("legal:case", args=[case.pk])).status_code == 404
    assert client.get(reverse("legal:proceeding", args=[case.pk, proceeding.pk])).status_code == 404


def test_lawyer_off_the_team_or_of_another_organisation_gets_404(
    proceeding: Any, case: Any, make_user: Any, org_a: Any, org_b: Any, client_for: Any
) -> None:
    assert (
        client_for(make_user(org_a, "lawyer", username="l2")).get(reverse("legal:case", args=[case.pk])).status_code
        == 404
    )
    assert client_for(make_user(org_b, "lawyer")).get(reverse("legal:case", args=[case.pk])).status_code == 404


def test_caseworker_reads_but_does_not_record(
    case: Any, coordinator: Any, make_user: Any, org_a: Any, client_for: Any
) -> None:
    grant(case, Purpose.LEGAL_REPRESENTATION, coordinator)
    caseworker = member(make_user, org_a, case, coordinator, "caseworker")
    response = client_for(caseworker).post(
        reverse("legal:proceeding_add", args=[case.pk]), {"authority": "federal_prosecutor"}
    )
    assert response.status_code == 404
    assert not Proceeding.objects.exists()


def test_proceeding_needs_consent_to_legal_representation(
    case: Any, lawyer: Any, coordinator: Any, client_for: Any
) -> None:
    with pytest.raises(services.LegalError, match="consent to legal representation"):
        services.open_proceeding(case, actor=lawyer, authority="federal_prosecutor")
    client = client_for(lawyer)
    page = client.get(reverse("legal:case", args=[case.pk]), **EN).content.decode()
    assert "There is no consent recorded for: Legal representation." in page
    response = client.post(
        reverse("legal:proceeding_add", args=[case.pk]), {"authority": "federal_prosecutor"}, follow=True, **EN
    )
    assert "cannot be recorded without the family" in response.content.decode()
    assert not Proceeding.objects.exists()
    grant(case, Purpose.LEGAL_REPRESENTATION, coordinator)
    response = client.post(
        reverse("legal:proceeding_add", args=[case.pk]),
        {"authority": "federal_prosecutor", "complaint_filed_on": "", "lawyer": lawyer.pk},
        **EN,
    )
    assert response.status_code == 302
    created = Proceeding.objects.get()
    assert created.complaint_filed_on is None  # not known
    assert created.status_history.get().to_status == "investigation"


def test_after_withdrawal_records_stay_visible_but_nothing_new(
    proceeding: Any, case: Any, lawyer: Any, coordinator: Any, client_for: Any
) -> None:
    withdraw(case, Purpose.LEGAL_REPRESENTATION, coordinator)
    client = client_for(lawyer)
    page = client.get(reverse("legal:proceeding", args=[case.pk, proceeding.pk]), **EN)
    assert page.status_code == 200 and "CI/QRO/123/2026" in page.content.decode()
    response = client.post(
        reverse("legal:record_add", args=[case.pk, proceeding.pk, "hearing"]),
        {"starts_at": "2026-05-01T10:00", "court": "Juzgado 1"},
        follow=True,
        **EN,
    )
    assert "cannot be recorded without the family" in response.content.decode()
    assert not Hearing.objects.exists()
    with pytest.raises(services.LegalError):
        services.change_status(proceeding, "charged", on=date(2026, 4, 1), actor=lawyer)


def test_status_history_and_decline_reason(proceeding: Any, lawyer: Any) -> None:
    with pytest.raises(services.LegalError, match="Say why"):
        services.change_status(proceeding, "declined", on=date(2026, 4, 1), actor=lawyer)
    services.change_status(proceeding, "declined", on=date(2026, 4, 1), reason="perpetrator_unknown", actor=lawyer)
    proceeding.refresh_from_db()
    assert (proceeding.status, proceeding.decline_reason) == ("declined", "perpetrator_unknown")
    assert list(proceeding.status_history.values_list("from_status", "to_status")) == [
        ("", "investigation"),
        ("investigation", "declined"),
    ]
    services.change_status(proceeding, "investigation", on=date(2026, 5, 1), actor=lawyer)
    proceeding.refresh_from_db()
    assert proceeding.decline_reason == ""


def test_declined_without_reason_over_http(proceeding: Any, case: Any, lawyer: Any, client_for: Any) -> None:
    response = client_for(lawyer).post(
        reverse("legal:status", args=[case.pk, proceeding.pk]),
        {"to_status": "declined", "changed_on": "2026-04-01"},
        **EN,
    )
    assert response.status_code == 400
    assert "Say why the prosecutor declined the case" in response.content.decode()


@pytest.mark.parametrize(
    ("amount", "currency", "field", "message"),
    [
        ("-100", "MXN", "amount", "An amount cannot be negative."),
        ("100.123", "MXN", "amount", "An amount has at most two decimals (cents)."),
        ("100", "PESOS", "currency", "is not an ISO 4217 currency code"),
        ("abc", "MXN", "amount", "Write an amount such as 1250.50"),
    ],
)
def test_reparation_money_validation(
    proceeding: Any, case: Any, lawyer: Any, client_for: Any, amount: str, currency: str, field: str, message: str
) -> None:
    response = client_for(lawyer).post(
        reverse("legal:record_add", args=[case.pk, proceeding.pk, "reparation"]),
        {"ordered_on": "2026-06-01", "amount": amount, "currency": currency},
        **EN,
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Reparation.objects.exists()


def test_reparation_ordered_and_paid(proceeding: Any, case: Any, lawyer: Any, client_for: Any) -> None:
    client = client_for(lawyer)
    client.post(
        reverse("legal:record_add", args=[case.pk, proceeding.pk, "reparation"]),
        {"ordered_on": "2026-06-01", "amount": "500000.00", "currency": "MXN"},
    )
    reparation = Reparation.objects.get()
    client.post(
        reverse("legal:record_add", args=[case.pk, proceeding.pk, "payment"]),
        {"reparation": reparation.pk, "paid_on": "2026-07-01", "amount": "120000.50"},
    )
    assert str(reparation.paid) == "120000.50" and str(reparation.outstanding) == "379999.50"
    page = client.get(reverse("legal:proceeding", args=[case.pk, proceeding.pk]), **EN).content.decode()
    assert "379999.50 MXN" in page


def test_measure_and_accused_validation(proceeding: Any, case: Any, lawyer: Any, client_for: Any) -> None:
    client = client_for(lawyer)
    measure = client.post(
        reverse("legal:record_add", args=[case.pk, proceeding.pk, "measure"]),
        {"description": "Orden de restricción", "status": "granted", "requested_on": "2026-03-05"},
        **EN,
    )
    assert measure.status_code == 400 and "Give the date the measure was granted." in measure.content.decode()
    accused = client.post(
        reverse("legal:record_add", args=[case.pk, proceeding.pk, "accused"]),
        {"name": "", "outcome": "fugitive", "sentence": "20 años"},
        **EN,
    )
    assert accused.status_code == 400 and "Only a convicted person has a sentence." in accused.content.decode()
    ok = client.post(
        reverse("legal:record_add", args=[case.pk, proceeding.pk, "accused"]),
        {"name": "", "outcome": "fugitive"},
        **EN,
    )
    assert ok.status_code == 302
    assert proceeding.accused.get().outcome == "fugitive"


def test_my_page_lists_proceedings_and_next_hearings(
    proceeding: Any, case: Any, lawyer: Any, client_for: Any, make_user: Any, org_a: Any
) -> None:
    now = timezone.now()
    Hearing.objects.create(
        proceeding=proceeding, starts_at=now + timedelta(days=10), court="Juzgado Tarde", created_by=lawyer
    )
    Hearing.objects.create(
        proceeding=proceeding, starts_at=now + timedelta(days=3), court="Juzgado Pronto", created_by=lawyer
    )
    Hearing.objects.create(
        proceeding=proceeding, starts_at=now - timedelta(days=30), court="Juzgado Pasado", created_by=lawyer
    )
    response = client_for(lawyer).get(reverse("legal:mine"), **EN)
    body = response.content.decode()
    assert response.status_code == 200
    assert case.reference in body
    assert body.index("Juzgado Pronto") < body.index("Juzgado Tarde")
    assert "Juzgado Pasado" not in body
    other = make_user(org_a, "lawyer", username="other-lawyer")
    assert case.reference not in client_for(other).get(reverse("legal:mine"), **EN).content.decode()
    assert client_for(make_user(org_a, "health")).get(reverse("legal:mine")).status_code == 404


def test_hearing_reminders_are_queued_once_without_personal_details(proceeding: Any, case: Any, lawyer: Any) -> None:
    from redalert.outbox.models import OutboundMessage

    now = timezone.now()
    soon = Hearing.objects.create(
        proceeding=proceeding, starts_at=now + timedelta(hours=30), court="Juzgado Tercero Penal", created_by=lawyer
    )
    Hearing.objects.create(proceeding=proceeding, starts_at=now + timedelta(days=9), court="Later", created_by=lawyer)
    Hearing.objects.create(
        proceeding=proceeding, starts_at=now + timedelta(hours=5), court="Cancelled", cancelled=True, created_by=lawyer
    )
    call_command("send_hearing_reminders", "--days", "2")
    call_command("send_hearing_reminders", "--days", "2")
    message = OutboundMessage.objects.get()
    assert message.to == "abogada@example.org"
    assert "Juzgado Tercero Penal" in message.body and case.reference in message.body
    for private in ("María", "López", "CI/QRO", "Rosa"):
        assert private not in message.body and private not in message.subject
    assert message.idempotency_key.startswith(f"hearing:{soon.pk}:2:{lawyer.pk}:")


def test_no_reminders_after_consent_is_withdrawn(proceeding: Any, case: Any, lawyer: Any, coordinator: Any) -> None:
    from redalert.legal.reminders import send_hearing_reminders

    Hearing.objects.create(
        proceeding=proceeding, starts_at=timezone.now() + timedelta(hours=30), court="J", created_by=lawyer
    )
    withdraw(case, Purpose.LEGAL_REPRESENTATION, coordinator)
    assert send_hearing_reminders(2) == 0
