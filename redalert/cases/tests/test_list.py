"""The case list: the search ignores accents and finds aliases, and the list view is audited."""

from __future__ import annotations

import pytest
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


def test_a_name_searched_leaves_no_part_of_it_in_the_audit_log(client_for, make_case, org_a, coordinator):
    from redalert.audit.log import keyed_digest
    from redalert.cases.search_audit import SEARCH_DIGEST_PURPOSE

    make_case(org_a, coordinator, given_names="Yaretzi Anahí", first_surname="Quispe")
    client = client_for(coordinator)
    client.get(reverse("cases:list"), {"q": "Yaretzi  QUISPE", "status": "reported", "seen_from": "2024-01-02"})
    client.get(reverse("cases:list"), {"q": "yaretzi quispe"})
    entries = list(AuditEntry.objects.filter(actor=coordinator, detail__list="cases").order_by("id"))
    assert len(entries) == 2
    for entry in AuditEntry.objects.all():
        written = " ".join(
            str(v) for v in (entry.detail, entry.actor_label, entry.object_id, entry.object_type, entry.client_address)
        ).lower()
        for part in ("yaretzi", "quispe", "yaret", "quisp", "anah"):
            assert part not in written, (part, entry.detail)
    first, second = entries[0].detail, entries[1].detail
    assert first["criteria"] == ["q", "seen_from", "status"]
    assert (first["status"], first["seen_from"]) == ("reported", "2024-01-02")
    # The same name typed differently gives the same keyed digest: the auditor can tell repeated searches apart.
    assert first["text_digest"] == second["text_digest"] == keyed_digest(SEARCH_DIGEST_PURPOSE, "yaretzi quispe")
    assert second["criteria"] == ["q"] and "status" not in second


@pytest.mark.parametrize("language", ["es", "pt", "en"])
def test_no_two_search_filters_share_a_label(language):
    from django.utils import translation

    from redalert.cases.forms import CaseSearchForm

    with translation.override(language):
        labels = [str(field.label) for field in CaseSearchForm().fields.values()]
    assert len(labels) == len(set(labels)), labels
