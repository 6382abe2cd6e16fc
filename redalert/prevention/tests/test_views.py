"""The register's pages: who may see and record, add and edit with audit, bad input, filters, export, delete."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from redalert.audit.log import verify_chain
from redalert.audit.models import AuditAction, AuditEntry
from redalert.prevention.models import Activity
from redalert.prevention.tests.helpers import EN, activity

pytestmark = pytest.mark.django_db


def form_data(**overrides: Any) -> dict[str, str]:
    data = {
        "held_on": "2025-02-09",
        "ended_on": "2025-02-10",
        "activity_type": "workshop",
        "theme": "Basic aspects and judicial framework",
        "audience": "DIF Oaxaca",
        "audience_kind": "government",
        "place_0": "",
        "place_1": "",
        "reach": "direct",
        "participants": "35",
        "women": "20",
        "men": "",
        "sex_other": "",
        "children": "",
        "adolescents": "",
        "adults": "",
        "age_unknown": "",
        "notes": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", ["coordinator", "caseworker", "administrator"])
def test_recording_roles_record_and_the_entry_is_audited(
    role: str, org_a: Any, make_user: Any, client_for: Any, places: dict[str, Any]
) -> None:
    user = make_user(org_a, role)
    data = form_data(place_0=places["qro"].label, place_1=str(places["qro"].pk))
    response = client_for(user).post(reverse("prevention:add"), data, **EN)
    assert response.status_code == 302
    saved = Activity.objects.get()
    assert (saved.organisation, saved.recorded_by, saved.place) == (org_a, user, places["qro"])
    assert (saved.participants, saved.women, saved.men) == (35, 20, None)  # men: not recorded, not 0
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_type="prevention.activity")
    assert entry.actor == user and entry.object_id == str(saved.pk) and entry.detail == {"section": "prevention"}
    assert verify_chain() == []


def test_edit_is_audited_as_a_change(org_a: Any, coordinator: Any, client_for: Any) -> None:
    item = activity(org_a, participants=10)
    client = client_for(coordinator)
    assert client.get(reverse("prevention:edit", args=[item.pk]), **EN).status_code == 200
    response = client.post(reverse("prevention:edit", args=[item.pk]), form_data(participants="12", women="0"), **EN)
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.participants, item.women, item.theme) == (12, 0, "Basic aspects and judicial framework")
    assert AuditEntry.objects.filter(action=AuditAction.CHANGE, object_id=str(item.pk)).count() == 1


def test_inconsistent_counts_are_refused_with_a_message_and_nothing_saved(
    org_a: Any, coordinator: Any, client_for: Any
) -> None:
    client = client_for(coordinator)
    response = client.post(reverse("prevention:add"), form_data(women="30", men="10"), **EN)
    assert response.status_code == 400
    body = response.content.decode()
    assert "add up to 40, more than the 35 participants" in body
    assert "Nothing was saved" in body
    response = client.post(reverse("prevention:add"), form_data(participants="", women="3"), **EN)
    assert response.status_code == 400 and "needs a total" in response.content.decode()
    response = client.post(reverse("prevention:add"), form_data(participants="-4", women=""), **EN)
    assert response.status_code == 400
    response = client.post(reverse("prevention:add"), form_data(held_on="2999-01-01", ended_on=""), **EN)
    assert response.status_code == 400 and "cannot be in the future" in response.content.decode()
    response = client.post(reverse("prevention:add"), form_data(ended_on="2025-02-01"), **EN)
    assert response.status_code == 400 and "cannot be before the first day" in response.content.decode()
    response = client.post(reverse("prevention:add"), form_data(place_0="Atlantis", place_1=""), **EN)
    assert response.status_code == 400 and "not a place we know" in response.content.decode()
    assert not Activity.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditAction.CREATE).exists()


def test_another_organisation_gets_404_everywhere(org_a: Any, org_b: Any, make_user: Any, client_for: Any) -> None:
    item = activity(org_a, participants=10)
    for role in ("coordinator", "administrator", "analyst"):
        client = client_for(make_user(org_b, role))
        assert client.get(reverse("prevention:edit", args=[item.pk])).status_code == 404
        assert client.post(reverse("prevention:edit", args=[item.pk]), form_data()).status_code == 404
        assert client.post(reverse("prevention:delete", args=[item.pk])).status_code == 404
        listing = client.get(reverse("prevention:list"), **EN)
        assert listing.status_code == 200 and item.theme not in listing.content.decode()
        export = client.get(reverse("prevention:export"))
        assert item.theme not in export.content.decode()
    item.refresh_from_db()
    assert item.participants == 10


def test_analysts_read_but_do_not_record(org_a: Any, make_user: Any, client_for: Any) -> None:
    item = activity(org_a, participants=10)
    client = client_for(make_user(org_a, "analyst"))
    assert client.get(reverse("prevention:list")).status_code == 200
    assert client.get(reverse("prevention:summary")).status_code == 200
    assert client.get(reverse("prevention:export")).status_code == 200
    assert client.get(reverse("prevention:add")).status_code == 404
    assert client.post(reverse("prevention:add"), form_data()).status_code == 404
    assert client.get(reverse("prevention:edit", args=[item.pk])).status_code == 404
    assert client.post(reverse("prevention:delete", args=[item.pk])).status_code == 404
    assert Activity.objects.count() == 1


@pytest.mark.parametrize("role", ["field_investigator", "lawyer", "health", "shelter_staff", "public_editor"])
def test_other_roles_do_not_see_the_register(role: str, org_a: Any, make_user: Any, client_for: Any) -> None:
    item = activity(org_a)
    client = client_for(make_user(org_a, role))
    for url in (
        reverse("prevention:list"),
        reverse("prevention:summary"),
        reverse("prevention:export"),
        reverse("prevention:add"),
        reverse("prevention:edit", args=[item.pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_caseworkers_do_not_delete_coordinators_do(org_a: Any, make_user: Any, client_for: Any) -> None:
    item = activity(org_a, participants=10)
    caseworker = client_for(make_user(org_a, "caseworker"))
    assert caseworker.post(reverse("prevention:delete", args=[item.pk])).status_code == 404
    coordinator = make_user(org_a, "coordinator")
    assert client_for(coordinator).post(reverse("prevention:delete", args=[item.pk])).status_code == 302
    assert not Activity.objects.exists()
    entry = AuditEntry.objects.get(action=AuditAction.DELETE)
    assert entry.detail["theme"] == item.theme and entry.detail["participants"] == 10


def test_list_filters_by_year_type_and_state(
    org_a: Any, coordinator: Any, client_for: Any, places: dict[str, Any]
) -> None:
    activity(org_a, theme="Taller en Querétaro", place=places["qro_city"])
    activity(org_a, theme="Campaña en Tlaxcala", activity_type="campaign", reach="indirect", place=places["tlax"])
    activity(org_a, theme="Charla de 2024", held_on=date(2024, 5, 5), activity_type="awareness_talk")
    client = client_for(coordinator)

    def themes(**params: Any) -> set[str]:
        body = client.get(reverse("prevention:list"), params, **EN).content.decode()
        return {t for t in ("Taller en Querétaro", "Campaña en Tlaxcala", "Charla de 2024") if t in body}

    assert len(themes()) == 3
    assert themes(year=2024) == {"Charla de 2024"}
    assert themes(activity_type="campaign") == {"Campaña en Tlaxcala"}
    assert themes(state=places["qro"].pk) == {"Taller en Querétaro"}  # the town is in the state
    assert client.get(reverse("prevention:list"), {"year": "abc"}).status_code == 400


def test_summary_page_shows_not_recorded_apart_from_zero(org_a: Any, coordinator: Any, client_for: Any) -> None:
    activity(org_a, participants=70, women=40, men=30, sex_other=0)
    activity(org_a, participants=None, activity_type="campaign", reach="indirect")
    body = client_for(coordinator).get(reverse("prevention:summary"), {"year": 2025}, **EN).content.decode()
    assert "Prevention in 2025" in body
    assert "Activities without a number of participants" in body
    assert "Not recorded" in body
    assert client_for(coordinator).get(reverse("prevention:summary"), {"year": "x"}).status_code == 200


def test_export_is_csv_with_empty_cells_for_unrecorded_counts(org_a: Any, coordinator: Any, client_for: Any) -> None:
    activity(org_a, participants=70, women=40, theme='=HYPERLINK("http://x")')
    activity(org_a, participants=None, held_on=date(2024, 1, 3))
    response = client_for(coordinator).get(reverse("prevention:export"), {"year": 2025}, **EN)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, line = rows[0], rows[1]
    assert len(rows) == 2  # the year filter applies
    values = dict(zip(header, line, strict=True))
    assert values["Participants / people reached"] == "70"
    assert values["Women"] == "40" and values["Men"] == "" and values["Sex not recorded"] == "30"
    assert values["Theme"].startswith("'=")  # not run as a formula by spreadsheets
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.detail["rows"] == 1 and entry.detail["filters"] == {"year": 2025}
    assert client_for(coordinator).get(reverse("prevention:export"), {"year": "x"}).status_code == 400
