"""The case list: the search ignores accents and finds aliases, and the list view is audited."""

from __future__ import annotations

from django.urls import reverse

from redalert.audit.models import AuditAction, AuditEntry


def test_search_is_accent_insensitive_and_finds_aliases(client_for, make_case, org_a, coordinator):
    make_case(org_a, coordinator, given_names="María José", first_surname="López", aliases="La Güera")
    client = client_for(coordinator)
    for query in ("maria lopez", "MARÍA JOSÉ", "guera"):
        page = client.get(reverse("cases:list"), {"q": query}).context["page"]
        assert [c.person.given_names for c in page] == ["María José"], query


def test_list_view_is_audited_with_the_cases_shown(client_for, case, coordinator):
    client_for(coordinator).get(reverse("cases:list"))
    entry = AuditEntry.objects.filter(actor=coordinator, action=AuditAction.VIEW, case_id=None).latest("id")
    assert case.pk in entry.detail["cases"]
