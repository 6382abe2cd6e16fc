"""Red Alerts through the API: issue through the alerts service, status per recipient, scopes, other organisation."""

from __future__ import annotations

from typing import Any

from redalert.alerts.models import Alert
from redalert.alerts.tests.conftest import alert_case, directory, make_authority, set_consent
from redalert.api.scopes import Scope

from .conftest import ApiCaller

__all__ = ["alert_case", "directory", "make_authority"]  # fixtures of the alerts app's tests, used here


def test_issue_and_follow_an_alert(
    full_a: ApiCaller, full_b: ApiCaller, alert_case: Any, directory: dict[str, Any], coordinator: Any
) -> None:
    path = f"/cases/{alert_case.pk}/alerts"
    assert full_a.get(path).json() == []
    authorities = full_a.get(f"{path}/authorities").json()
    proposed = {a["name"] for a in authorities if a["proposed"]}
    assert "FGR" in proposed and "Fiscalía de Querétaro" in proposed
    ids = [a["id"] for a in authorities if a["name"] in ("FGR", "Fiscalía de Querétaro")]
    made = full_a.post(path, {"kind": "alert", "authorities": ids, "note": "Urgente"})
    assert made.status_code == 201, made.content
    alert = made.json()
    assert alert["number"] == 1 and {r["authority"] for r in alert["recipients"]} == {"FGR", "Fiscalía de Querétaro"}
    assert all(r["state"] == "queued" and r["acknowledgement"] is None for r in alert["recipients"])
    assert "@" not in made.content.decode()  # addresses stay on the pages
    assert full_a.get(f"{path}/1").json()["number"] == 1
    assert full_a.get(f"{path}/2").status_code == 404
    # A second alert while one is open: only an update or a cancellation may follow.
    again = full_a.post(path, {"kind": "alert", "authorities": ids})
    assert again.status_code == 422 and "kind" in again.json()["errors"]
    update = full_a.post(path, {"kind": "update", "note": "Vista en Celaya"})
    assert update.status_code == 201 and update.json()["original_number"] == 1
    # Another organisation: 404 for everything.
    assert full_b.get(path).status_code == 404
    assert full_b.get(f"{path}/1").status_code == 404
    assert full_b.post(path, {"kind": "update"}).status_code == 404
    assert Alert.objects.count() == 2


def test_no_consent_no_alert(full_a: ApiCaller, case: Any, directory: dict[str, Any], coordinator: Any) -> None:
    from redalert.cases.models import Case

    Case.objects.filter(pk=case.pk).update(status="active_search")
    set_consent(case, coordinator, decision="refused")
    answer = full_a.post(f"/cases/{case.pk}/alerts", {"kind": "alert", "authorities": [directory["fgr"].pk]})
    assert answer.status_code == 409
    assert not Alert.objects.exists()


def test_alert_scope(admin_a: Any, make_api_client: Any, alert_case: Any, directory: dict[str, Any]) -> None:
    reader = ApiCaller(make_api_client(admin_a, [Scope.READ_CASES, Scope.WRITE_CASES]).token)
    path = f"/cases/{alert_case.pk}/alerts"
    assert reader.get(path).status_code == 403
    assert reader.post(path, {"kind": "alert", "authorities": [directory["fgr"].pk]}).status_code == 403
    assert not Alert.objects.exists()
