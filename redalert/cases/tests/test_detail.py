"""The case page: every view of it is audited, and it renders in English and Spanish."""

from __future__ import annotations

from django.urls import reverse

from redalert.audit.models import AuditAction, AuditEntry


def test_every_view_of_a_case_is_audited(client_for, case, coordinator):
    client = client_for(coordinator)
    before = AuditEntry.objects.filter(case_id=case.pk, action=AuditAction.VIEW).count()
    client.get(reverse("cases:detail", args=[case.pk]))
    client.get(reverse("consent:page", args=[case.pk]))
    entries = AuditEntry.objects.filter(case_id=case.pk, action=AuditAction.VIEW).order_by("id")
    assert entries.count() == before + 2
    last = entries.last()
    assert last.actor == coordinator
    assert last.client_address == "127.0.0.1"


def test_pages_render_in_english_and_spanish(client_for, case, coordinator):
    client = client_for(coordinator)
    es = client.get(reverse("cases:detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Línea de tiempo" in es and "Timeline" not in es
    client.cookies["django_language"] = "en"
    en = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Timeline" in en
