"""The administrator's webhook pages: the secret shown once, other organisations and other roles get a 404, https
only outside tests, every change audited, the delivery log."""

from __future__ import annotations

import pytest
from django.urls import reverse

from redalert.audit.models import AuditEntry
from redalert.webhooks.models import EventKind, Subscription

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Línea de ayuda",
    "url": "https://hooks.example.org/redalert",
    "kinds": [EventKind.CASE_OPENED, EventKind.STATUS_CHANGED],
    "scope": "ids",
}


def test_the_administrator_subscribes_and_sees_the_secret_once(admin, client_for):
    client = client_for(admin)
    page = client.get(reverse("webhooks:list"))
    assert page.status_code == 200 and 'href="/webhooks/"' in page.content.decode()  # the menu's link
    response = client.post(reverse("webhooks:new"), FORM)
    assert response.status_code == 200
    sub = Subscription.objects.get()
    assert sub.organisation == admin.organisation and sub.kinds == sorted(FORM["kinds"])
    assert sub.secret.startswith("whsec_") and sub.secret in response.content.decode()
    detail = client.get(reverse("webhooks:detail", args=[sub.pk])).content.decode()
    assert sub.secret not in detail and "hooks.example.org" in detail
    entry = AuditEntry.objects.filter(object_type="webhooks.subscription", action="create").get()
    assert sub.secret not in str(entry.detail) and entry.detail["host"] == "hooks.example.org"


def test_plain_http_is_refused_outside_tests(admin, client_for, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    response = client_for(admin).post(reverse("webhooks:new"), {**FORM, "url": "http://hooks.example.org/x"})
    assert response.status_code == 400
    assert "https://" in response.content.decode() and "debe ser una dirección" in response.content.decode()
    assert not Subscription.objects.exists()


def test_bad_input_is_a_clear_message_not_a_500(admin, client_for):
    response = client_for(admin).post(reverse("webhooks:new"), {**FORM, "kinds": ["no.such.kind"], "url": "nada"})
    assert response.status_code == 400
    assert not Subscription.objects.exists()


@pytest.fixture
def sub(subscribe):
    return subscribe().subscription


@pytest.mark.parametrize(
    ("name", "method"),
    [("detail", "get"), ("edit", "get"), ("pause", "post"), ("resume", "post"), ("rotate", "post"), ("delete", "post")],
)
def test_another_organisations_administrator_gets_404(sub, org_b, make_user, client_for, name, method):
    other = client_for(make_user(org_b, "administrator"))
    response = getattr(other, method)(reverse(f"webhooks:{name}", args=[sub.pk]))
    assert response.status_code == 404
    assert Subscription.objects.filter(pk=sub.pk, paused_at__isnull=True).exists()


@pytest.mark.parametrize("role", ["coordinator", "caseworker", "analyst"])
def test_other_roles_get_404(sub, org_a, make_user, client_for, role):
    client = client_for(make_user(org_a, role))
    assert client.get(reverse("webhooks:list")).status_code == 404
    assert client.get(reverse("webhooks:detail", args=[sub.pk])).status_code == 404
    assert client.post(reverse("webhooks:new"), FORM).status_code == 404
    assert client.post(reverse("webhooks:pause", args=[sub.pk])).status_code == 404
    assert 'href="/webhooks/"' not in client.get(reverse("tasks:mine")).content.decode()


def test_every_change_is_audited(sub, admin, client_for):
    client = client_for(admin)
    client.post(reverse("webhooks:edit", args=[sub.pk]), {**FORM, "name": "Hotline", "scope": "public"})
    client.post(reverse("webhooks:pause", args=[sub.pk]))
    client.post(reverse("webhooks:resume", args=[sub.pk]))
    rotated = client.post(reverse("webhooks:rotate", args=[sub.pk])).content.decode()
    sub.refresh_from_db()
    assert sub.name == "Hotline" and sub.scope == "public" and sub.secret in rotated
    client.post(reverse("webhooks:delete", args=[sub.pk]))
    assert not Subscription.objects.exists()
    entries = AuditEntry.objects.filter(object_type="webhooks.subscription", object_id=str(sub.pk)).order_by("pk")
    details = [(e.action, e.detail.get("what")) for e in entries if e.action != "view"]
    assert details == [
        ("create", "webhook subscription"),
        ("change", "webhook subscription"),
        ("change", "webhook subscription paused"),
        ("change", "webhook subscription resumed"),
        ("security", "webhook secret rotated"),
        ("delete", "webhook subscription"),
    ]
    assert entries.filter(action="change").first().detail["changed"]["name"] == ["Línea de ayuda", "Hotline"]


def test_the_delivery_log_shows_each_delivery(sub, admin, client_for, receiver, make_case, org_a, coordinator):
    from redalert.webhooks.tests.conftest import drain

    receiver.script = [500]
    case = make_case(org_a, coordinator)
    drain()
    page = client_for(admin).get(reverse("webhooks:detail", args=[sub.pk])).content.decode()
    assert case.reference in page and "HTTP 500" in page
