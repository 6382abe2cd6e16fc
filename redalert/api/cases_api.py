"""Cases: list (the staff search), read, intake, edit of the general sections, status transitions, notes.

Every endpoint asks redalert.access.policy as the case pages do (case_for: another organisation's case, or a
section the client may not open, is a 404) and writes through the same services and forms as the pages.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field as NinjaField
from ninja import Query, Router, Schema

from redalert.access.policy import Action, case_for, may
from redalert.accounts.models import User
from redalert.api.core import note_for_audit, require_scope
from redalert.api.idempotency import idempotent
from redalert.api.pagination import PAGE_SIZE, after, encode
from redalert.api.problems import ApiProblem, invalid, json_response, not_found
from redalert.api.schemas import (
    ERRORS,
    CaseIn,
    CaseOut,
    CasePage,
    CasePatch,
    Id,
    NoteOut,
    Problem,
    TransitionIn,
)
from redalert.api.scopes import Scope
from redalert.cases import services
from redalert.cases.choices import NoteSection
from redalert.cases.forms import CaseReportForm, CaseSearchForm, PersonForm, check_dates_against_birth
from redalert.cases.lifecycle import TransitionError, TransitionRequest, allowed_targets, transition
from redalert.cases.models import Case
from redalert.investigation.search import CaseQuery, search_cases
from redalert.lib.replica import reading_from_replica

router = Router(tags=["cases"])

REPORT_FIELDS = list(CaseReportForm.Meta.fields)
PERSON_FIELDS = list(PersonForm.Meta.fields)


# --- Representations -------------------------------------------------------------------------------------------


def _place(place: Any) -> dict[str, Any] | None:
    return {"id": place.pk, "label": place.label} if place is not None else None


def summary(case: Case) -> dict[str, Any]:
    person = case.person
    return {
        "id": case.pk,
        "reference": case.reference,
        "status": case.status,
        "reported_at": case.reported_at,
        "last_seen_on": case.last_seen_on,
        "last_seen_place": _place(case.last_seen_place),
        "given_names": person.given_names,
        "first_surname": person.first_surname,
        "second_surname": person.second_surname,
        "age_at_disappearance": person.age_at_disappearance,
    }


def _etag_key() -> bytes:
    return hashlib.sha256(b"redalert.api.etag:" + settings.SECRET_KEY.encode("utf-8")).digest()


def etag_of(case: Case) -> str:
    """A strong validator of the general sections as stored (every editable field of the case and the person,
    and the status). Keyed, so that it reveals nothing about the encrypted fields it covers."""
    values: dict[str, Any] = {"status": case.status}
    for obj in (case, case.person):
        for model_field in obj._meta.concrete_fields:
            if model_field.editable and not model_field.primary_key:
                values[f"{obj._meta.model_name}.{model_field.attname}"] = getattr(obj, model_field.attname)
    text = json.dumps(values, sort_keys=True, default=str)
    return '"' + hmac.new(_etag_key(), text.encode("utf-8"), hashlib.sha256).hexdigest()[:32] + '"'


def detail(case: Case) -> dict[str, Any]:
    person = case.person
    return {
        "id": case.pk,
        "reference": case.reference,
        "status": case.status,
        "status_changed_at": case.status_changed_at,
        "reported_at": case.reported_at,
        "report_channel": case.report_channel,
        "reporter_name": case.reporter_name,
        "reporter_relationship": case.reporter_relationship,
        "last_seen_on": case.last_seen_on,
        "last_seen_time": case.last_seen_time,
        "last_seen_place": _place(case.last_seen_place),
        "located_on": case.located_on,
        "closed_on": case.closed_on,
        "person": {name: getattr(person, name) for name in PERSON_OUT},
        "allowed_transitions": list(allowed_targets(case)),
        "etag": etag_of(case),
    }


# What is returned of the person: the intake form's fields, and her age when she disappeared (computed).
PERSON_OUT = [*PERSON_FIELDS, "age_at_disappearance"]


def _with_etag(status: int, case: Case) -> HttpResponse:
    body = detail(case)
    response = json_response(body, status)
    response["ETag"] = body["etag"]
    return response


# --- Forms: the API's JSON goes through the pages' forms, so that the rules and the messages are the same ---------


def _form_value(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat() if not isinstance(value, datetime) else value.strftime("%Y-%m-%dT%H:%M:%S")
    return "" if value is None else value


def _form_data(report: dict[str, Any], person: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, value in report.items():
        if name == "last_seen_place":
            data["report-last_seen_place_0"], data["report-last_seen_place_1"] = "", "" if value is None else value
        else:
            data[f"report-{name}"] = _form_value(value)
    for name, value in person.items():
        if name == "languages":
            data["person-languages"] = ", ".join(value or [])
        elif name == "nationalities":
            data["person-nationalities"] = list(value or [])
        else:
            data[f"person-{name}"] = _form_value(value)
    return data


def _errors(*forms: Any) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for form in forms:
        prefix = "person." if form.prefix == "person" else ""
        for name, messages in form.errors.items():
            key = "request" if name == "__all__" else prefix + name
            errors.setdefault(key, []).extend(str(m) for m in messages)
    return errors


def _region(user: User) -> str:
    return user.organisation.country if user.organisation else ""


def _validated(user: User, data: dict[str, Any], case: Case | None = None) -> tuple[CaseReportForm, PersonForm]:
    region = _region(user)
    report_form = CaseReportForm(data, prefix="report", phone_region=region, instance=case)
    person_form = PersonForm(data, prefix="person", instance=case.person if case is not None else None)
    valid = report_form.is_valid() & person_form.is_valid()
    check_dates_against_birth(report_form, person_form)
    if not valid or report_form.errors:
        raise invalid(_errors(report_form, person_form))
    return report_form, person_form


# --- Endpoints -------------------------------------------------------------------------------------------------


class CaseFilters(Schema):
    q: str = NinjaField("", max_length=200, description="Name or reference, as in the staff search.")
    status: str = NinjaField("", max_length=30)
    state: Id | None = NinjaField(None, description="Gazetteer id of a state of the organisation's country.")
    place: Id | None = NinjaField(None, description="Gazetteer id of a place (and everything inside it).")
    seen_from: date | None = None
    seen_to: date | None = None
    assigned: Id | None = NinjaField(None, description="Id of a member: cases on whose team she is.")
    cursor: str = NinjaField("", max_length=200)


@router.get("/cases", response={200: CasePage, **ERRORS}, summary="List cases (the staff search)")
def list_cases(request: HttpRequest, filters: Query[CaseFilters]) -> Any:
    """The cases of the client's organisation that match every filter given, newest report first, 50 a page."""
    user = require_scope(request, Scope.READ_CASES)
    raw = {k: v for k, v in filters.dict().items() if k != "cursor" and v not in (None, "")}
    if "place" in raw:
        raw["place_1"] = raw.pop("place")
    form = CaseSearchForm({k: _form_value(v) for k, v in raw.items()}, user=user)
    if not form.is_valid():
        raise invalid(_errors(form))
    query = CaseQuery(**{k: v for k, v in form.cleaned_data.items() if v not in (None, "")})
    results = search_cases(user, query)
    if filters.cursor:
        results = results.where(after(filters.cursor, "reported_at"))
    with reading_from_replica():  # a list read: on the replica if there is one, fresh (docs/operations.md)
        page = list(results[: PAGE_SIZE + 1])
    more = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    note_for_audit(request, cases=[c.pk for c in page])
    last = page[-1] if page else None
    return json_response(
        {
            "items": [summary(c) for c in page],
            "next_cursor": encode(last.reported_at, last.pk) if more and last is not None else None,
        }
    )


@router.get("/cases/{case_id}", response={200: CaseOut, **ERRORS}, summary="Read a case (general sections)")
def read_case(request: HttpRequest, case_id: Id) -> Any:
    """The ETag header (and `etag`) is what If-Match must carry to change the case."""
    user = require_scope(request, Scope.READ_CASES)
    case = case_for(user, case_id)
    note_for_audit(request, case=case, section=NoteSection.GENERAL)
    return _with_etag(200, case)


@router.post(
    "/cases",
    response={201: CaseOut, 409: Problem, **ERRORS},
    summary="Report a disappearance (intake)",
)
def create_case(request: HttpRequest, payload: CaseIn) -> Any:
    """Opens a case through the intake service, after the intake form's checks. Send an `Idempotency-Key`
    header: a repeat with the same key (and the same body) gets the same answer and creates nothing."""
    user = require_scope(request, Scope.WRITE_CASES)
    if not may(user, Action.CREATE) or user.organisation is None:
        raise not_found()
    organisation = user.organisation

    def create() -> HttpResponse:
        body = payload.dict()
        person = body.pop("person")
        report_form, person_form = _validated(user, _form_data(body, person))
        values = {**report_form.cleaned_data, **person_form.cleaned_data}
        data = services.IntakeData(**{k: v for k, v in values.items() if k in services.IntakeData.__annotations__})
        case = services.open_report(data, organisation=organisation, actor=user, request=request)
        case = Case.objects.select_related("person", "last_seen_place").get(pk=case.pk)
        response = _with_etag(201, case)
        response["Location"] = f"{request.path.rstrip('/')}/{case.pk}"
        return response

    return idempotent(request, create)


def _if_match(request: HttpRequest) -> list[str]:
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise ApiProblem(
            428,
            "precondition-required",
            _("If-Match is required."),
            _("Read the case first and send its ETag as If-Match, so that nobody's changes are overwritten."),
        )
    return [tag.strip().removeprefix("W/") for tag in header.split(",")]


def _check_fresh(case: Case, tags: list[str]) -> None:
    if "*" not in tags and etag_of(case) not in tags:
        raise ApiProblem(
            412,
            "stale",
            _("The case changed since you read it."),
            _("Read it again, apply your changes to what is there now, and send the new ETag."),
        )


@router.patch(
    "/cases/{case_id}",
    response={200: CaseOut, 409: Problem, 412: Problem, 428: Problem, **ERRORS},
    summary="Change the general sections of a case",
)
def update_case(request: HttpRequest, case_id: Id, payload: CasePatch) -> Any:
    """Only the fields sent change, through the case edit form and service (field-level history on the timeline).
    `If-Match` with the case's ETag is required: 428 without it, 412 if the case changed since."""
    user = require_scope(request, Scope.WRITE_CASES)
    case_for(user, case_id, Action.EDIT)
    tags = _if_match(request)
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case_id).first()
        case = case_for(user, case_id, Action.EDIT)
        _check_fresh(case, tags)
        sent = payload.dict(exclude_unset=True)
        person_sent = sent.pop("person", None) or {}
        report_now = {name: _current(case, name) for name in REPORT_FIELDS}
        person_now = {name: _current(case.person, name) for name in PERSON_FIELDS}
        data = _form_data({**report_now, **sent}, {**person_now, **person_sent})
        report_form, person_form = _validated(user, data, case)
        services.save_changes(case, [report_form.instance, person_form.instance], actor=user, request=request)
    case = Case.objects.select_related("person", "last_seen_place").get(pk=case_id)
    return _with_etag(200, case)


def _current(obj: Any, name: str) -> Any:
    if name == "last_seen_place":
        return obj.last_seen_place_id
    return getattr(obj, name)


@router.post(
    "/cases/{case_id}/transitions",
    response={200: CaseOut, 409: Problem, 412: Problem, **ERRORS},
    summary="Move a case to another status",
)
def transition_case(request: HttpRequest, case_id: Id, payload: TransitionIn) -> Any:
    """The lifecycle's rules (redalert.cases.lifecycle): 409 with the reason when the move is not allowed now.
    An If-Match, when sent, must be the case's current ETag."""
    user = require_scope(request, Scope.WRITE_CASES)
    case = case_for(user, case_id, Action.CHANGE_STATUS)
    header = request.headers.get("If-Match", "").strip()
    if header:
        _check_fresh(case, [tag.strip().removeprefix("W/") for tag in header.split(",")])
    try:
        transition(case, TransitionRequest(to=payload.to, on=payload.on, reason=payload.reason), user, request=request)
    except TransitionError as exc:
        raise ApiProblem(409, "transition-refused", _("The status cannot change."), str(exc)) from None
    case = Case.objects.select_related("person", "last_seen_place").get(pk=case_id)
    return _with_etag(200, case)


@router.get(
    "/cases/{case_id}/notes/{section}",
    response={200: list[NoteOut], **ERRORS},
    summary="Notes of one section of a case",
)
def section_notes(request: HttpRequest, case_id: Id, section: str) -> Any:
    """`general` for every client that reads cases; a sensitive section (investigation, legal, health, shelter) is
    for the case's team, by role, as on the pages: anyone else gets 404."""
    user = require_scope(request, Scope.READ_CASES)
    if section not in NoteSection.values:
        raise not_found()
    case = case_for(user, case_id, Action.VIEW, section)
    note_for_audit(request, case=case, section=section)
    notes = case.notes.filter(section=section).order_by("-created_at", "-id")[:200]
    return [{"id": n.pk, "section": n.section, "body": n.body, "created_at": n.created_at} for n in notes]
