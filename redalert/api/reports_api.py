"""Reports and reporters of a case: the first report (on the case) and the further reports of the same
disappearance (redalert.matching's AdditionalReport), and adding one through redalert.matching.services.add_report.

Least exposure, as for the case itself: a reporter's phone and e-mail and what she said are accepted on a new
report but never returned (the case file's pages show them to the team).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router

from redalert.access.policy import Action, case_for, may
from redalert.api.cases_api import _errors, _form_data, _region
from redalert.api.core import note_for_audit, require_scope
from redalert.api.idempotency import idempotent
from redalert.api.problems import invalid, json_response, not_found
from redalert.api.schemas import ERRORS, Id, ReporterOut, ReportIn, ReportOut
from redalert.api.scopes import Scope
from redalert.cases.choices import NoteSection
from redalert.cases.forms import CaseReportForm
from redalert.cases.models import Case
from redalert.matching import services as matching
from redalert.matching.models import AdditionalReport

router = Router(tags=["reports"])


def _first(case: Case) -> dict[str, Any]:
    return {
        "id": None,
        "first": True,
        "reported_at": case.reported_at,
        "channel": case.report_channel,
        "reporter_name": case.reporter_name,
        "reporter_relationship": case.reporter_relationship,
        "added_at": case.reported_at,
        "score": None,
    }


def _further(report: AdditionalReport) -> dict[str, Any]:
    return {
        "id": report.pk,
        "first": False,
        "reported_at": report.reported_at,
        "channel": report.channel,
        "reporter_name": report.reporter_name,
        "reporter_relationship": report.reporter_relationship,
        "added_at": report.added_at,
        "score": report.score,
    }


def _reports(case: Case) -> list[dict[str, Any]]:
    return [_first(case)] + [_further(r) for r in AdditionalReport.objects.filter(case=case)]


@router.get("/cases/{case_id}/reports", response={200: list[ReportOut], **ERRORS}, summary="Reports of a case")
def list_reports(request: HttpRequest, case_id: Id) -> Any:
    """The first report (`first: true`, `id: null`) and every further report of the same disappearance, oldest
    first. Part of the case's general section: whoever may read the case may read them."""
    user = require_scope(request, Scope.READ_CASES)
    case = case_for(user, case_id)
    note_for_audit(request, case=case, section=NoteSection.GENERAL, listed="reports")
    return json_response(_reports(case))


@router.get("/cases/{case_id}/reporters", response={200: list[ReporterOut], **ERRORS}, summary="Reporters of a case")
def list_reporters(request: HttpRequest, case_id: Id) -> Any:
    """Who reported the disappearance: one entry per reporter (same name and relationship), with how many reports
    she made, through which channels, and when first and last. An unnamed reporter stays one entry per report."""
    user = require_scope(request, Scope.READ_CASES)
    case = case_for(user, case_id)
    note_for_audit(request, case=case, section=NoteSection.GENERAL, listed="reporters")
    reporters: dict[Any, dict[str, Any]] = {}
    for index, report in enumerate(_reports(case)):
        name = report["reporter_name"].strip()
        key = (name.casefold(), report["reporter_relationship"]) if name else index
        entry = reporters.setdefault(
            key,
            {
                "name": name,
                "relationship": report["reporter_relationship"],
                "reports": 0,
                "channels": [],
                "first_reported_at": report["reported_at"],
                "last_reported_at": report["reported_at"],
            },
        )
        entry["reports"] += 1
        if report["channel"] not in entry["channels"]:
            entry["channels"].append(report["channel"])
        entry["first_reported_at"] = min(entry["first_reported_at"], report["reported_at"])
        entry["last_reported_at"] = max(entry["last_reported_at"], report["reported_at"])
    return json_response(list(reporters.values()))


@router.get(
    "/cases/{case_id}/reports/{report_id}", response={200: ReportOut, **ERRORS}, summary="A further report of a case"
)
def read_report(request: HttpRequest, case_id: Id, report_id: Id) -> Any:
    user = require_scope(request, Scope.READ_CASES)
    case = case_for(user, case_id)
    report = AdditionalReport.objects.filter(case=case, pk=report_id).first()
    if report is None:
        raise not_found()
    note_for_audit(request, case=case, section=NoteSection.GENERAL, additional_report=report.pk)
    return json_response(_further(report))


@router.post(
    "/cases/{case_id}/reports",
    response={201: ReportOut, **ERRORS},
    summary="Add a further report to a case",
)
def create_report(request: HttpRequest, case_id: Id, payload: ReportIn) -> Any:
    """Another reporter of the same disappearance, added to the case instead of a second case (as the intake page's
    "add to this case"): checked by the intake form's rules, written by `matching.services.add_report` (timeline,
    audit, change announced). Needs what the page needs: a client that may open cases and edit this one. Send an
    `Idempotency-Key` header: a repeat with the same key and body adds nothing and gets the same answer."""
    user = require_scope(request, Scope.WRITE_CASES)
    if not may(user, Action.CREATE):
        raise not_found()
    case = case_for(user, case_id, Action.EDIT)

    def create() -> HttpResponse:
        body = payload.dict()
        report = {
            "reported_at": body["reported_at"],
            "report_channel": body["report_channel"],
            "reporter_name": body["reporter_name"],
            "reporter_relationship": body["reporter_relationship"],
            "reporter_phone": body["reporter_phone"],
            "reporter_email": body["reporter_email"],
            "circumstances": body["narrative"],
            # the disappearance is the case's: the form checks the new report against it
            "last_seen_on": case.last_seen_on,
            "last_seen_place": case.last_seen_place_id,
        }
        form = CaseReportForm(_form_data(report, {}), prefix="report", phone_region=_region(user))
        if not form.is_valid():
            errors = _errors(form)
            if "circumstances" in errors:
                errors["narrative"] = errors.pop("circumstances")
            raise invalid(errors)
        data = form.cleaned_data
        added = matching.add_report(case, matching.further_report(data), actor=user, request=request)
        note_for_audit(request, case=case, additional_report=added.pk)
        response = json_response(_further(added), 201)
        response["Location"] = f"{request.path.rstrip('/')}/{added.pk}"
        return response

    return idempotent(request, create)
