"""The transition view: an illegal change of status is refused with a clear message."""

from __future__ import annotations

from django.urls import reverse

from redalert.cases.choices import CaseStatus


def test_illegal_transition_shows_a_clear_message(client_for, case, coordinator):
    client = client_for(coordinator)
    response = client.post(
        reverse("cases:transition", args=[case.pk]), {"to": "follow_up"}, HTTP_ACCEPT_LANGUAGE="en", follow=True
    )
    assert "cannot move" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.REPORTED


def test_located_is_recorded_only_through_the_outcome_form(client_for, case, coordinator):
    """Issue 17: the status menu never offers "located" without its details; it links to the outcome form."""
    from redalert.cases.models import Case

    Case.objects.filter(pk=case.pk).update(status=CaseStatus.ACTIVE_SEARCH)
    client = client_for(coordinator)
    detail = client.get(reverse("cases:detail", args=[case.pk]))
    menu = detail.context["transition_form"].fields["to"].choices
    assert [value for value, _ in menu if value in ("located_alive", "located_deceased")] == []
    assert reverse("investigation:outcome", args=[case.pk]) in detail.content.decode()
    response = client.post(reverse("cases:transition", args=[case.pk]), {"to": "located_alive"}, follow=True)
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE_SEARCH


def test_the_case_list_shows_rows_as_cards_on_a_phone(client_for, case, coordinator):
    """Issue 17: each cell names its column (data-label), so CSS shows each row as a card on a narrow screen."""
    html = client_for(coordinator).get(reverse("cases:list"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<table class="cards">' in html
    assert 'data-label="Estado"' in html and 'data-label="Referencia"' in html
