"""The pages: the case tab, issuing, the directory, due diligence; who may see what."""

import pytest

from redalert.alerts.issuing import issue_alert
from redalert.alerts.models import Alert, Authority, AuthorityContact

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_the_case_tab_shows_status_per_recipient(client_for, coordinator, alert_case, directory):
    issue_alert(alert_case, by=coordinator, authorities=[directory["fgr"]])
    page = client_for(coordinator).get(f"/cases/{alert_case.pk}/alerts/", **EN)
    assert page.status_code == 200
    assert b"FGR" in page.content and b'data-state="queued"' in page.content
    assert b"Not acknowledged" in page.content


def test_a_coordinator_issues_from_the_form_with_the_proposal(client_for, coordinator, alert_case, directory):
    client = client_for(coordinator)
    form = client.get(f"/cases/{alert_case.pk}/alerts/issue/", **EN)
    assert form.status_code == 200
    assert b"proposed" in form.content
    response = client.post(
        f"/cases/{alert_case.pk}/alerts/issue/",
        {"kind": "alert", "authorities": [directory["fgr"].pk, directory["qro"].pk], "note": ""},
        **EN,
    )
    assert response.status_code == 302
    alert = Alert.objects.get()
    assert alert.recipients.count() == 2


def test_the_form_refuses_an_authority_without_a_channel(client_for, coordinator, alert_case, directory):
    response = client_for(coordinator).post(
        f"/cases/{alert_case.pk}/alerts/issue/",
        {"kind": "alert", "authorities": [directory["qro_police"].pk]},
        **EN,
    )
    assert response.status_code == 400
    assert "No email address or webhook to reach: Policía de Querétaro" in response.content.decode()
    assert not Alert.objects.exists()


def test_a_caseworker_cannot_issue(client_for, make_user, org_a, alert_case, directory):
    caseworker = make_user(org_a, "caseworker")
    client = client_for(caseworker)
    assert client.get(f"/cases/{alert_case.pk}/alerts/", **EN).status_code == 200
    assert client.get(f"/cases/{alert_case.pk}/alerts/issue/", **EN).status_code == 404
    response = client.post(f"/cases/{alert_case.pk}/alerts/issue/", {"kind": "alert"}, **EN)
    assert response.status_code == 404
    assert not Alert.objects.exists()


def test_another_organisation_sees_no_alerts(client_for, make_user, org_b, alert_case):
    other = make_user(org_b, "coordinator")
    assert client_for(other).get(f"/cases/{alert_case.pk}/alerts/", **EN).status_code == 404


def test_an_administrator_keeps_the_directory(client_for, make_user, org_a, places):
    admin = make_user(org_a, "administrator")
    client = client_for(admin)
    assert client.get("/alerts/authorities/", **EN).status_code == 200
    response = client.post(
        "/alerts/authorities/new/",
        {
            "name": "Fiscalía de Querétaro",
            "level": "state",
            "kind": "prosecutor",
            "country_code": "mx",
            "subdivision_code": "MX-QUE",
            "language": "es",
            "is_active": "on",
        },
        **EN,
    )
    assert response.status_code == 302
    authority = Authority.objects.get()
    assert authority.subdivision == places["qro"] and authority.organisation == org_a
    bad_hook = client.post(
        f"/alerts/authorities/{authority.pk}/contacts/new/",
        {"channel": "webhook", "address": "https://hooks.qro.example/alerta", "secret": "short", "is_active": "on"},
        **EN,
    )
    assert bad_hook.status_code == 400 and b"at least 16" in bad_hook.content
    bad_email = client.post(
        f"/alerts/authorities/{authority.pk}/contacts/new/",
        {"channel": "email", "address": "not-an-address", "is_active": "on"},
        **EN,
    )
    assert bad_email.status_code == 400
    ok = client.post(
        f"/alerts/authorities/{authority.pk}/contacts/new/",
        {"channel": "webhook", "address": "https://hooks.qro.example/alerta", "secret": "x" * 20, "is_active": "on"},
        **EN,
    )
    assert ok.status_code == 302
    contact = AuthorityContact.objects.get()
    assert contact.secret == "x" * 20
    # editing without retyping the secret keeps it
    client.post(
        f"/alerts/authorities/{authority.pk}/contacts/{contact.pk}/",
        {"channel": "webhook", "address": "https://hooks.qro.example/v2", "secret": "", "is_active": "on"},
        **EN,
    )
    contact.refresh_from_db()
    assert contact.address.endswith("/v2") and contact.secret == "x" * 20


def test_a_state_authority_needs_its_state(client_for, make_user, org_a, places):
    client = client_for(make_user(org_a, "administrator"))
    response = client.post(
        "/alerts/authorities/new/",
        {"name": "X", "level": "state", "kind": "police", "country_code": "MX", "language": "es"},
        **EN,
    )
    assert response.status_code == 400 and b"needs its state" in response.content


def test_the_directory_is_for_administrators(client_for, coordinator):
    assert client_for(coordinator).get("/alerts/authorities/", **EN).status_code == 404


def test_due_diligence_page(client_for, coordinator, make_user, org_a):
    assert client_for(coordinator).get("/alerts/due-diligence/", **EN).status_code == 200
    assert client_for(make_user(org_a, "caseworker")).get("/alerts/due-diligence/", **EN).status_code == 404
