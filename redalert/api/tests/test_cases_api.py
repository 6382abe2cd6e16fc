"""Cases through the API: the policy's 404s, scopes, pagination, intake with idempotency, edits with ETag."""

from __future__ import annotations

from typing import Any

from redalert.api.scopes import Scope
from redalert.cases.models import Case
from redalert.testing import record_consent

from .conftest import ApiCaller, intake_body


def test_list_and_read_only_own_organisation(full_a: ApiCaller, full_b: ApiCaller, case: Any) -> None:
    listed = full_a.get("/cases").json()
    assert [c["id"] for c in listed["items"]] == [case.pk]
    assert listed["next_cursor"] is None
    assert full_b.get("/cases").json()["items"] == []
    read = full_a.get(f"/cases/{case.pk}")
    assert read.status_code == 200
    body = read.json()
    assert body["reference"] == case.reference and body["person"]["given_names"] == "María Fernanda"
    assert read["ETag"] == body["etag"]
    # Least exposure: phones and exact places are never returned.
    assert "+524421234567" not in read.content.decode() and "Hidalgo" not in read.content.decode()
    other = full_b.get(f"/cases/{case.pk}")
    assert other.status_code == 404 and other["Content-Type"] == "application/problem+json"
    assert full_b.get(f"/cases/{case.pk}/consents").status_code == 404
    assert full_b.patch(f"/cases/{case.pk}", {"reporter_name": "x"}, **{"If-Match": body["etag"]}).status_code == 404
    assert full_b.post(f"/cases/{case.pk}/transitions", {"to": "verification"}).status_code == 404


def test_sensitive_section_is_404_general_is_open(full_a: ApiCaller, case: Any) -> None:
    assert full_a.get(f"/cases/{case.pk}/notes/general").status_code == 200
    for section in ("investigation", "legal", "health", "shelter"):
        assert full_a.get(f"/cases/{case.pk}/notes/{section}").status_code == 404


def test_scopes(admin_a: Any, make_api_client: Any, case: Any, places: Any) -> None:
    stats_only = ApiCaller(make_api_client(admin_a, [Scope.STATISTICS]).token)
    reader = ApiCaller(make_api_client(admin_a, [Scope.READ_CASES], name="r").token)
    tips_only = ApiCaller(make_api_client(admin_a, [Scope.TIPS], name="t").token)
    for api in (stats_only, tips_only):
        assert api.get("/cases").status_code == 403
        assert api.get(f"/cases/{case.pk}").status_code == 403
    assert reader.get("/cases").status_code == 200
    assert reader.get(f"/cases/{case.pk}").status_code == 200
    assert reader.get("/tips").status_code == 403
    assert reader.post("/cases", intake_body(places["qro_city"].pk)).status_code == 403
    etag = reader.get(f"/cases/{case.pk}")["ETag"]
    assert reader.patch(f"/cases/{case.pk}", {"reporter_name": "x"}, **{"If-Match": etag}).status_code == 403
    assert reader.post(f"/cases/{case.pk}/transitions", {"to": "verification"}).status_code == 403
    assert reader.post(f"/cases/{case.pk}/consents", {}).status_code in (403, 422)
    assert tips_only.get("/tips").status_code == 200
    assert Case.objects.count() == 1


def test_cursor_pagination(full_a: ApiCaller, make_case: Any, org_a: Any, coordinator: Any) -> None:
    from datetime import datetime, timedelta

    from django.utils import timezone

    start = timezone.make_aware(datetime(2026, 1, 1, 9, 0))
    made = [make_case(org_a, coordinator, reported_at=start + timedelta(hours=i // 2)) for i in range(55)]
    first = full_a.get("/cases").json()
    assert len(first["items"]) == 50 and first["next_cursor"]
    second = full_a.get("/cases", {"cursor": first["next_cursor"]}).json()
    assert second["next_cursor"] is None
    seen = [c["id"] for c in first["items"] + second["items"]]
    assert sorted(seen) == sorted(c.pk for c in made) and len(set(seen)) == 55
    assert full_a.get("/cases", {"cursor": "garbage"}).status_code == 400


def test_filters_like_the_staff_search(
    full_a: ApiCaller, make_case: Any, org_a: Any, coordinator: Any, places: Any
) -> None:
    qro = make_case(org_a, coordinator)
    tlax = make_case(org_a, coordinator, given_names="Lucía", last_seen_place=places["tlax_city"])
    assert [c["id"] for c in full_a.get("/cases", {"q": "lucia"}).json()["items"]] == [tlax.pk]
    assert [c["id"] for c in full_a.get("/cases", {"state": places["qro"].pk}).json()["items"]] == [qro.pk]
    bad = full_a.get("/cases", {"seen_from": "2026-03-02", "seen_to": "2026-03-01"})
    assert bad.status_code == 422 and "seen_to" in bad.json()["errors"]


def test_intake_with_idempotency_key(full_a: ApiCaller, places: Any, coordinator: Any) -> None:
    body = intake_body(places["qro_city"].pk)
    first = full_a.post("/cases", body, **{"Idempotency-Key": "call-1"})
    assert first.status_code == 201, first.content
    again = full_a.post("/cases", body, **{"Idempotency-Key": "call-1"})
    assert again.status_code == 201 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 1
    case = Case.objects.get()
    assert case.reporter_phone == "+524421234567"  # normalised by the intake form's rules
    assert first["Location"].endswith(f"/cases/{case.pk}")
    reused = full_a.post("/cases", {**body, "reporter_name": "Otra"}, **{"Idempotency-Key": "call-1"})
    assert reused.status_code == 422
    assert full_a.post("/cases", body, **{"Idempotency-Key": "call-2"}).status_code == 201
    assert Case.objects.count() == 2


def test_intake_errors_are_the_forms_in_spanish(admin_a: Any, make_api_client: Any, places: Any) -> None:
    api = ApiCaller(make_api_client(admin_a).token, language="es")
    answer = api.post("/cases", intake_body(places["qro_city"].pk, reporter_phone="abc", last_seen_on="2099-01-01"))
    assert answer.status_code == 422
    problem = answer.json()
    assert problem["title"] == "La solicitud tiene errores."
    assert "reporter_phone" in problem["errors"] and "last_seen_on" in problem["errors"]
    assert Case.objects.count() == 0


def test_update_needs_a_fresh_etag(full_a: ApiCaller, case: Any) -> None:
    path = f"/cases/{case.pk}"
    etag = full_a.get(path)["ETag"]
    assert full_a.patch(path, {"reporter_name": "Rosa H."}).status_code == 428
    changed = full_a.patch(path, {"reporter_name": "Rosa H.", "person": {"aliases": "Fer"}}, **{"If-Match": etag})
    assert changed.status_code == 200, changed.content
    assert changed.json()["reporter_name"] == "Rosa H." and changed.json()["person"]["aliases"] == "Fer"
    assert changed["ETag"] != etag
    # Fields not sent are kept (the phone, never returned, too).
    case.refresh_from_db()
    assert case.reporter_phone == "+524421234567" and case.person.given_names == "María Fernanda"
    stale = full_a.patch(path, {"reporter_name": "Otra"}, **{"If-Match": etag})
    assert stale.status_code == 412
    case.refresh_from_db()
    assert case.reporter_name == "Rosa H."
    assert full_a.patch(path, {"reporter_name": "Otra"}, **{"If-Match": changed["ETag"]}).status_code == 200
    assert case.timeline.filter(kind="change").count() == 2


def test_transitions_follow_the_lifecycle(full_a: ApiCaller, case: Any, coordinator: Any) -> None:
    path = f"/cases/{case.pk}/transitions"
    assert full_a.post(path, {"to": "verification"}).json()["status"] == "verification"
    refused = full_a.post(path, {"to": "active_search"})
    assert refused.status_code == 409 and "consent" in refused.json()["detail"]
    record_consent(case, "open_file", by=coordinator)
    assert full_a.post(path, {"to": "active_search"}).json()["status"] == "active_search"


def test_consent_list_and_record(full_a: ApiCaller, case: Any) -> None:
    path = f"/cases/{case.pk}/consents"
    current = {c["purpose"]: c["decision"] for c in full_a.get(path).json()["current"]}
    assert current["publish"] is None  # unknown, not refused
    body = {
        "purpose": "publish",
        "decision": "granted",
        "given_by_name": "Rosa Hernández",
        "given_by_relationship": "mother",
        "method": "verbal_witnessed",
        "witness_name": "Ana Ruiz",
        "decided_on": "2026-03-02",
    }
    made = full_a.post(path, body, **{"Idempotency-Key": "consent-1"})
    assert made.status_code == 201, made.content
    assert full_a.post(path, body, **{"Idempotency-Key": "consent-1"}).json() == made.json()
    withdrawn = full_a.post(path, {**body, "decision": "withdrawn", "decided_on": "2026-03-03"})
    assert withdrawn.status_code == 201
    current = {c["purpose"]: c["decision"] for c in full_a.get(path).json()["current"]}
    assert current["publish"] == "withdrawn"
    too_early = full_a.post(path, {**body, "decided_on": "2026-03-01"})
    assert too_early.status_code == 409
    assert full_a.post(path, {**body, "purpose": "nope"}).status_code == 422
