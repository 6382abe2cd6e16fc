"""Reports and reporters of a case, and the register of people found, through the API: scopes per endpoint,
another organisation's ids are 404, writes go through the services (timeline, audit, pairs), idempotency."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.files.base import ContentFile

from redalert.api.scopes import Scope
from redalert.audit.models import AuditEntry
from redalert.cases.models import TimelineEvent
from redalert.found.models import Candidate, FoundPerson, FoundPhoto
from redalert.matching.models import AdditionalReport

from .conftest import ApiCaller

REPORT = {
    "reported_at": "2026-03-03T09:00:00-06:00",
    "report_channel": "hotline",
    "reporter_name": "Lucía Pérez",
    "reporter_relationship": "other_relative",
    "reporter_phone": "+52 442 765 4321",
    "narrative": "Su tía la buscó en la terminal.",
}


def _found_body(place_id: int, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "condition": "alive",
        "found_on": "2026-03-05",
        "found_place": place_id,
        "found_place_detail": "Albergue Casa Esperanza, calle 5",
        "age_min": 14,
        "age_max": 18,
        "sex": "female",
        "names": "María Fernanda",
        "reported_by_kind": "shelter",
        "reported_by_institution": "Casa Esperanza",
        "reporter_contact": "+52 442 000 1111",
    }
    body.update(overrides)
    return body


# --- Reports and reporters -----------------------------------------------------------------------------------


def test_reports_list_the_first_report_and_a_further_one(full_a: ApiCaller, case: Any) -> None:
    created = full_a.post(f"/cases/{case.pk}/reports", REPORT, **{"Idempotency-Key": "call-1"})
    assert created.status_code == 201, created.content
    report = AdditionalReport.objects.get(case=case)
    assert report.reporter_name == "Lucía Pérez" and report.reporter_phone == "+524427654321"
    assert report.narrative == "Su tía la buscó en la terminal."
    # through matching.services.add_report: a timeline line and an audit entry
    assert TimelineEvent.objects.filter(case=case, summary_data__additional_report=report.pk).exists()
    assert AuditEntry.objects.filter(object_type="matching.additionalreport", object_id=str(report.pk)).exists()
    # the same key again: the same answer, nothing added
    again = full_a.post(f"/cases/{case.pk}/reports", REPORT, **{"Idempotency-Key": "call-1"})
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == created.json() and AdditionalReport.objects.filter(case=case).count() == 1

    listed = full_a.get(f"/cases/{case.pk}/reports")
    assert listed.status_code == 200
    items = listed.json()
    assert [(i["first"], i["reporter_name"]) for i in items] == [(True, case.reporter_name), (False, "Lucía Pérez")]
    text = listed.content.decode()
    assert "4321" not in text and "terminal" not in text  # phone and narrative never returned
    assert full_a.get(f"/cases/{case.pk}/reports/{report.pk}").json()["channel"] == "hotline"

    reporters = full_a.get(f"/cases/{case.pk}/reporters").json()
    assert {(r["name"], r["reports"]) for r in reporters} == {(case.reporter_name, 1), ("Lucía Pérez", 1)}


def test_a_reporter_who_reported_twice_is_one_reporter(full_a: ApiCaller, case: Any) -> None:
    for key in ("a", "b"):
        assert full_a.post(f"/cases/{case.pk}/reports", REPORT, **{"Idempotency-Key": key}).status_code == 201
    reporters = full_a.get(f"/cases/{case.pk}/reporters").json()
    lucia = next(r for r in reporters if r["name"] == "Lucía Pérez")
    assert lucia["reports"] == 2 and lucia["channels"] == ["hotline"]


def test_bad_report_is_a_translated_422_and_saves_nothing(admin_a: Any, make_api_client: Any, case: Any) -> None:
    api = ApiCaller(make_api_client(admin_a).token, language="es")
    bad = {**REPORT, "reporter_phone": "abc", "report_channel": "pigeon", "reported_at": "2099-01-01T10:00:00Z"}
    answer = api.post(f"/cases/{case.pk}/reports", bad)
    assert answer.status_code == 422
    errors = answer.json()["errors"]
    assert {"reporter_phone", "report_channel", "reported_at"} <= set(errors)
    assert "futuro" in " ".join(errors["reported_at"])
    assert not AdditionalReport.objects.exists()


def test_reports_scopes_and_other_organisation(
    admin_a: Any, make_api_client: Any, full_b: ApiCaller, case: Any
) -> None:
    reader = ApiCaller(make_api_client(admin_a, [Scope.READ_CASES], name="r").token)
    tips = ApiCaller(make_api_client(admin_a, [Scope.TIPS], name="t").token)
    assert reader.get(f"/cases/{case.pk}/reports").status_code == 200
    assert reader.get(f"/cases/{case.pk}/reporters").status_code == 200
    assert reader.post(f"/cases/{case.pk}/reports", REPORT).status_code == 403
    for path in ("reports", "reporters"):
        assert tips.get(f"/cases/{case.pk}/{path}").status_code == 403
        assert full_b.get(f"/cases/{case.pk}/{path}").status_code == 404
    assert full_b.post(f"/cases/{case.pk}/reports", REPORT).status_code == 404
    report = AdditionalReport.objects.create(
        case=case, reported_at=case.reported_at, channel="public", added_by=case.team.first()
    )
    assert full_b.get(f"/cases/{case.pk}/reports/{report.pk}").status_code == 404
    assert reader.get(f"/cases/{case.pk}/reports/{report.pk + 1000}").status_code == 404
    assert not AdditionalReport.objects.exclude(pk=report.pk).exists()


# --- People found ----------------------------------------------------------------------------------------------


def test_record_list_and_read_a_person_found(
    admin_a: Any, make_api_client: Any, places: Any, case: Any, full_b: ApiCaller
) -> None:
    api = ApiCaller(make_api_client(admin_a, [Scope.READ_FOUND, Scope.WRITE_FOUND]).token)
    created = api.post("/found", _found_body(places["qro_city"].pk), **{"Idempotency-Key": "shelter-7"})
    assert created.status_code == 201, created.content
    found = FoundPerson.objects.get()
    assert found.organisation_id == admin_a.organisation_id and found.names == "María Fernanda"
    assert found.found_place_detail == "Albergue Casa Esperanza, calle 5"
    body = created.json()
    # private fields stay on the pages
    assert "calle 5" not in created.content.decode() and "1111" not in created.content.decode()
    # record_found proposed the open case with the same name
    assert Candidate.objects.filter(found=found, case=case).exists()
    assert [p["case_id"] for p in body["pairs"]] == [case.pk]
    assert api.post("/found", _found_body(places["qro_city"].pk), **{"Idempotency-Key": "shelter-7"}).json() == body
    assert FoundPerson.objects.count() == 1

    listed = api.get("/found").json()
    assert [f["id"] for f in listed["items"]] == [found.pk] and listed["next_cursor"] is None
    assert api.get("/found", {"open": "false"}).json()["items"] == []
    assert api.get(f"/found/{found.pk}").json()["reference"] == found.reference
    assert AuditEntry.objects.filter(object_type="found.foundperson", object_id=str(found.pk), action="view").exists()
    # another organisation: nothing listed, 404 on the id
    assert full_b.get("/found").json()["items"] == []
    assert full_b.get(f"/found/{found.pk}").status_code == 404


def test_found_scopes(admin_a: Any, make_api_client: Any, places: Any, coordinator: Any) -> None:
    found = FoundPerson.objects.create(
        organisation_id=admin_a.organisation_id,
        condition="alive",
        found_on=date(2026, 3, 5),
        reported_by_kind="staff",
        recorded_by=coordinator,
    )
    read_only = ApiCaller(make_api_client(admin_a, [Scope.READ_FOUND], name="r").token)
    cases_only = ApiCaller(make_api_client(admin_a, [Scope.READ_CASES, Scope.WRITE_CASES], name="c").token)
    stats = ApiCaller(make_api_client(admin_a, [Scope.STATISTICS], name="s").token)
    assert read_only.get(f"/found/{found.pk}").status_code == 200
    assert read_only.post("/found", _found_body(places["qro_city"].pk)).status_code == 403
    for api in (cases_only, stats):
        assert api.get("/found").status_code == 403
        assert api.get(f"/found/{found.pk}").status_code == 403
        assert api.post("/found", _found_body(places["qro_city"].pk)).status_code == 403
    assert FoundPerson.objects.count() == 1


def test_found_photos_only_for_roles_that_may_see_them(
    admin_a: Any, make_api_client: Any, coordinator: Any, make_user: Any, org_a: Any
) -> None:
    from redalert.api.found_api import _represent
    from redalert.found.permissions import may_see_photos

    found = FoundPerson.objects.create(
        organisation_id=admin_a.organisation_id,
        condition="alive",
        found_on=date(2026, 3, 5),
        reported_by_kind="staff",
        recorded_by=coordinator,
    )
    photo = FoundPhoto(found=found, sha256="0" * 64, width=600, height=800, uploaded_by=coordinator)
    photo.image.save("x.jpg", ContentFile(b"\xff\xd8\xff"), save=False)
    photo.save()
    api = ApiCaller(make_api_client(admin_a, [Scope.READ_FOUND]).token)
    assert [p["id"] for p in api.get(f"/found/{found.pk}").json()["photos"]] == [photo.pk]
    # a role that may not see photos gets none (and may not open the register at all: the policy's 404)
    analyst = make_user(org_a, "analyst")
    assert not may_see_photos(analyst)
    assert _represent(analyst, [found])[0]["photos"] == []


def test_bad_found_record_is_a_translated_422(admin_a: Any, make_api_client: Any, places: Any) -> None:
    api = ApiCaller(make_api_client(admin_a, [Scope.WRITE_FOUND]).token, language="es")
    answer = api.post("/found", _found_body(places["qro_city"].pk, age_min=30, age_max=20, found_on="2099-01-01"))
    assert answer.status_code == 422
    errors = answer.json()["errors"]
    assert "age_max" in errors and "found_on" in errors
    assert not FoundPerson.objects.exists()
