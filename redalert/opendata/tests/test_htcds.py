"""The HTCDS export: pseudonymous by default, identifiers only for coordinators and only with consent to referral,
always audited; unknown values stay unknown; consent to statistics decides which cases are in it."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.urls import reverse

from redalert.audit.models import AuditAction, AuditEntry
from redalert.consent.choices import Decision, Purpose
from redalert.investigation.models import LinkedPerson
from redalert.opendata.htcds import csv_columns, pseudonym
from redalert.opendata.tests.helpers import EN, SECRETS, add_facts, statistics_consent
from redalert.testing import record_consent

pytestmark = pytest.mark.django_db

URL = "opendata:htcds_download"


def download(client: Any, fmt: str = "json", identifiers: bool = False) -> Any:
    data = {"format": fmt}
    if identifiers:
        data["identifiers"] = "on"
    return client.post(reverse(URL), data, **EN)


def body(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content).decode()


def records(response: Any) -> list[dict[str, Any]]:
    return json.loads(body(response))["records"]


@pytest.fixture
def shared(case: Any, coordinator: Any, places: dict[str, Any]) -> Any:
    """The standard case, with facts, a route, a perpetrator and consent to use in statistics."""
    add_facts(case, coordinator, places)
    statistics_consent(case, coordinator)
    return case


@pytest.mark.parametrize("fmt", ["json", "csv"])
@pytest.mark.parametrize("role", ["coordinator", "analyst", "administrator"])
def test_no_identifier_or_free_text_leaves_by_default(
    shared: Any, make_user: Any, org_a: Any, client_for: Any, role: str, fmt: str
) -> None:
    user = make_user(org_a, role, username=f"{role}-export")
    text = body(download(client_for(user), fmt))
    assert pseudonym(shared.pk) in text
    for secret in SECRETS:
        assert secret not in text, secret
    assert "MX-QUE" in text and "MX-TLA" in text  # places stop at the state
    assert "2026-03" in text and "2026-03-01" not in text  # months, not days


def test_the_json_record_carries_the_htcds_values(shared: Any, coordinator: Any, client_for: Any) -> None:
    (record,) = records(download(client_for(coordinator)))
    assert record["ext_cas_CaseId"] == pseudonym(shared.pk)
    assert record["ext_IdentifiersIncluded"] is False
    assert "prs_FirstName" not in record and "prs_Birthdate" not in record
    assert record["prs_Gender"] == "Feminine"
    assert record["ext_AgeWhenLastSeen"] == 17 and record["ext_AgeBand"] == "9--17"
    assert record["vic_TraffickingStatus"] == "ActualVictimOfTrafficking"
    assert record["vic_AgeWhenTrafficked"] == 17
    assert record["vic_MethodsOfControl"] == ["PhysicalThreats", "PsychologicalAbuse"]
    assert record["vic_TypeOfExploitation"] == ["SexualExploitation"]
    assert record["vic_RelationshipToTrafficker"] == "Acquainted"
    assert record["per_RoleInProcess"] == ["RecruiterOrIntermediary"]
    assert record["ext_OrganisedCrime"] is True
    assert record["cas_Status"] == "Active"
    assert record["ext_hte_Events"] == [
        {"hte_Type": "Recruitment", "hte_Country": "MX", "hte_State": "MX-QUE", "hte_Date": "2026-02"},
        {"hte_Type": "Exploitation", "hte_Country": "MX", "hte_State": "MX-TLA", "hte_Date": None},
    ]


def test_the_csv_has_one_row_per_case_in_the_declared_columns(shared: Any, coordinator: Any, client_for: Any) -> None:
    rows = list(csv.reader(io.StringIO(body(download(client_for(coordinator), "csv")))))
    assert rows[0] == csv_columns(False)
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["vic_MethodsOfControl"] == "PhysicalThreats;PsychologicalAbuse"
    assert row["ext_hte_RecruitmentStates"] == "MX-QUE" and row["ext_hte_ExploitationDates"] == ""


def test_unknown_stays_unknown(case: Any, coordinator: Any, client_for: Any) -> None:
    """A case with no facts recorded: every unknown is null (empty in CSV), never "no", 0 or an empty list."""
    statistics_consent(case, coordinator)
    (record,) = records(download(client_for(coordinator)))
    for name in (
        "vic_TraffickingStatus",
        "vic_RelationshipToTrafficker",
        "vic_MethodsOfControl",
        "vic_TypeOfExploitation",
        "ext_TypeOfExploitationOther",
        "ext_WebsitesAndApps",
        "vic_MethodOfRecruitment",
        "ext_OrganisedCrime",
        "prs_Deceased",
        "prs_Citizenship",
        "ext_Indigenous",
        "per_RoleInProcess",
        "vic_AgeWhenTrafficked",
    ):
        assert record[name] is None, name
    assert record["ext_Outcome"] == "not_located"  # still searched for: that is known
    header, values = csv.reader(io.StringIO(body(download(client_for(coordinator), "csv"))))
    row = dict(zip(header, values, strict=True))
    assert row["prs_Deceased"] == "" and row["ext_OrganisedCrime"] == "" and row["vic_MethodsOfControl"] == ""


def test_identifiers_for_a_coordinator_with_consent_to_referral_and_audited(
    shared: Any, coordinator: Any, client_for: Any
) -> None:
    record_consent(shared, Purpose.REFERRAL, coordinator)
    (record,) = records(download(client_for(coordinator), identifiers=True))
    assert record["ext_IdentifiersIncluded"] is True
    assert record["prs_FirstName"] == "María Fernanda"
    assert record["prs_SecondName"] == "López Hernández"
    assert record["prs_Birthdate"] == "2008-05-14"
    assert record["ext_cas_Reference"] == shared.reference
    assert record["ext_LastSeenOn"] == "2026-03-01" and record["ext_LastSeenTown"] == "Santiago de Querétaro"
    assert "Calle Hidalgo" not in json.dumps(record) and "Juan el Güero" not in json.dumps(record)
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT, actor=coordinator).latest("id")
    assert entry.detail["export"] == "htcds"
    assert entry.detail["identifiers"] is True
    assert entry.detail["records"] == 1 and entry.detail["records_with_identifiers"] == 1
    assert entry.detail["identified_case_ids"] == [shared.pk]


def test_identifiers_stay_out_without_consent_to_referral(shared: Any, coordinator: Any, client_for: Any) -> None:
    text = body(download(client_for(coordinator), identifiers=True))
    (record,) = json.loads(text)["records"]
    assert record["ext_IdentifiersIncluded"] is False and record["prs_FirstName"] is None
    for secret in SECRETS:
        assert secret not in text, secret
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT).latest("id")
    assert entry.detail["records_with_identifiers"] == 0


def test_every_export_is_audited(shared: Any, make_user: Any, org_a: Any, client_for: Any) -> None:
    analyst = make_user(org_a, "analyst")
    body(download(client_for(analyst), "csv"))
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT, actor=analyst).latest("id")
    assert entry.detail == {"export": "htcds", "format": "csv", "identifiers": False, "records": 1}
    assert entry.organisation_id == org_a.pk


@pytest.mark.parametrize("role", ["analyst", "administrator"])
def test_asking_for_identifiers_without_the_role_is_a_404(
    shared: Any, make_user: Any, org_a: Any, client_for: Any, role: str
) -> None:
    user = make_user(org_a, role, username=f"{role}-asks")
    assert download(client_for(user), identifiers=True).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT, actor=user).exists()
    page = client_for(user).get(reverse("opendata:index"), **EN).content.decode()
    assert 'name="identifiers"' not in page


@pytest.mark.parametrize("role", ["caseworker", "field_investigator", "lawyer", "health", "public_editor"])
def test_other_roles_get_a_404(shared: Any, make_user: Any, org_a: Any, client_for: Any, role: str) -> None:
    client = client_for(make_user(org_a, role, username=f"{role}-data"))
    assert client.get(reverse("opendata:index"), **EN).status_code == 404
    assert download(client).status_code == 404
    assert client.get(reverse("opendata:open_data"), **EN).status_code == 404
    assert client.get(reverse("opendata:open_data_download"), **EN).status_code == 404


def test_another_organisation_exports_only_its_own_cases(
    shared: Any, make_user: Any, org_b: Any, client_for: Any
) -> None:
    other = make_user(org_b, "coordinator")
    response = download(client_for(other), identifiers=True)
    text = body(response)
    assert json.loads(text)["records"] == []
    assert pseudonym(shared.pk) not in text and "María Fernanda" not in text


def test_a_case_without_consent_to_statistics_is_left_out(
    shared: Any, make_case: Any, org_a: Any, coordinator: Any, client_for: Any
) -> None:
    refused = make_case(org_a, coordinator, given_names="Lucía")
    record_consent(refused, Purpose.STATISTICS, coordinator, Decision.REFUSED)
    silent = make_case(org_a, coordinator, given_names="Paula")
    ids = [r["ext_cas_CaseId"] for r in records(download(client_for(coordinator)))]
    assert ids == [pseudonym(shared.pk)]
    assert pseudonym(refused.pk) not in ids and pseudonym(silent.pk) not in ids


def test_a_withdrawal_takes_the_case_out_of_the_next_export(shared: Any, coordinator: Any, client_for: Any) -> None:
    client = client_for(coordinator)
    assert len(records(download(client))) == 1
    statistics_consent(shared, coordinator, Decision.WITHDRAWN)
    assert records(download(client)) == []


def test_pseudonyms_are_stable_and_not_the_id(shared: Any, coordinator: Any, client_for: Any) -> None:
    first = records(download(client_for(coordinator)))[0]["ext_cas_CaseId"]
    second = records(download(client_for(coordinator)))[0]["ext_cas_CaseId"]
    assert first == second == pseudonym(shared.pk)
    assert len(first) == 32 and str(shared.pk) != first and pseudonym(shared.pk + 1) != first


def test_a_bad_format_is_refused_with_the_form(shared: Any, coordinator: Any, client_for: Any) -> None:
    response = client_for(coordinator).post(reverse(URL), {"format": "xml"}, **EN)
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_page_says_how_many_cases_may_be_shared(shared: Any, coordinator: Any, client_for: Any) -> None:
    page = client_for(coordinator).get(reverse("opendata:index"), **EN).content.decode()
    assert "1 of them has a current consent to use in statistics" in page
    assert 'name="identifiers"' in page


def test_values_are_written_as_the_htcds_picklists_spell_them(
    case: Any, coordinator: Any, places: dict[str, Any], client_for: Any
) -> None:
    """Our role codes become the standard's (Bought → BoughtIndividual); "Unacquainted" is written "Unaquainted" as in
    the standard; exploitation forms beyond its picklist are its "Other", named in ext_TypeOfExploitationOther."""
    add_facts(
        case,
        coordinator,
        places,
        relationship_to_trafficker="Unacquainted",
        exploitation_types=["SexualExploitation", "DebtBondage", "DomesticServitude"],
    )
    statistics_consent(case, coordinator)
    LinkedPerson.objects.create(case=case, link="suspect", name="x", role_in_process="Bought", created_by=coordinator)
    LinkedPerson.objects.create(case=case, link="suspect", name="y", role_in_process="unknown", created_by=coordinator)
    (record,) = records(download(client_for(coordinator)))
    assert record["per_RoleInProcess"] == ["BoughtIndividual", "RecruiterOrIntermediary"]
    assert record["vic_RelationshipToTrafficker"] == "Unaquainted"
    assert record["vic_TypeOfExploitation"] == ["SexualExploitation", "Other"]
    assert record["ext_TypeOfExploitationOther"] == ["DebtBondage", "DomesticServitude"]
    assert record["ext_WebsitesAndApps"] == ["Facebook"]
    assert "vic_WebsitesAndApps" not in record and "sup_Types" not in record and "cas_CaseId" not in record
