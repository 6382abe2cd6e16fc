"""The register of people found (redalert.found): list, read, record, through its permissions and services.

Who may do what is redalert.found.permissions (built on redalert.access.policy): anything not allowed is a 404, as
for a record that does not exist. A pair (record ↔ case) or an identified case is shown only if the client may
read that case (policy.may); photos only for the roles that may see them (found.permissions.may_see_photos).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from redalert.access.policy import Action, may
from redalert.accounts.models import User
from redalert.api.cases_api import _errors, _form_value
from redalert.api.core import note_for_audit, require_scope
from redalert.api.idempotency import idempotent
from redalert.api.pagination import PAGE_SIZE, after, encode
from redalert.api.problems import invalid, json_response, not_found
from redalert.api.schemas import ERRORS, FoundIn, FoundOut, FoundPage, Id
from redalert.api.scopes import Scope
from redalert.cases.models import Case
from redalert.found import permissions, services
from redalert.found.forms import FoundPersonForm
from redalert.found.models import Candidate, FoundPerson, FoundPhoto

router = Router(tags=["people found"])


def _found(user: User, found: FoundPerson, pairs: list[Candidate], photos: list[FoundPhoto]) -> dict[str, Any]:
    case_ids = {p.case_id for p in pairs} | ({found.linked_case_id} if found.linked_case_id else set())
    cases = Case.objects.in_bulk(list(case_ids))
    readable = {pk for pk, case in cases.items() if may(user, Action.VIEW, case)}
    place = found.found_place
    return {
        "id": found.pk,
        "reference": found.reference,
        "condition": found.condition,
        "found_on": found.found_on,
        "found_place": {"id": place.pk, "label": place.label} if place is not None else None,
        "age_min": found.age_min,
        "age_max": found.age_max,
        "sex": found.sex,
        "height_cm": found.height_cm,
        "names": found.names,
        "physical_description": found.physical_description,
        "distinguishing_marks": found.distinguishing_marks,
        "clothing": found.clothing,
        "reported_by_kind": found.reported_by_kind,
        "reported_by_institution": found.reported_by_institution,
        "linked_case_id": found.linked_case_id if found.linked_case_id in readable else None,
        "recorded_at": found.recorded_at,
        "photos": [
            {"id": p.pk, "width": p.width, "height": p.height, "uploaded_at": p.uploaded_at}
            for p in (photos if permissions.may_see_photos(user) else [])
        ],
        "pairs": [
            {"case_id": p.case_id, "score": p.score, "status": p.status}
            for p in sorted(pairs, key=lambda p: -p.score)
            if p.case_id in readable
        ],
    }


def _represent(user: User, records: list[FoundPerson]) -> list[dict[str, Any]]:
    ids = [f.pk for f in records]
    pairs: dict[int, list[Candidate]] = {pk: [] for pk in ids}
    photos: dict[int, list[FoundPhoto]] = {pk: [] for pk in ids}
    for pair in Candidate.objects.filter(found_id__in=ids):
        pairs[pair.found_id].append(pair)
    if permissions.may_see_photos(user):
        for photo in FoundPhoto.objects.filter(found_id__in=ids).order_by("uploaded_at", "id"):
            photos[photo.found_id].append(photo)
    return [_found(user, f, pairs[f.pk], photos[f.pk]) for f in records]


class FoundFilters(Schema):
    open: bool | None = Field(None, description="true: not yet identified; false: identified; absent: all")
    condition: str = Field("", max_length=10)
    cursor: str = Field("", max_length=200)


@router.get("/found", response={200: FoundPage, **ERRORS}, summary="The register of people found")
def list_found(request: HttpRequest, filters: Query[FoundFilters]) -> Any:
    """The organisation's records, newest recorded first, 50 a page."""
    user = require_scope(request, Scope.READ_FOUND)
    records = permissions.register_for(user).select_related("found_place")
    if filters.open is not None:
        records = records.filter(linked_case__isnull=filters.open)
    if filters.condition:
        records = records.filter(condition=filters.condition)
    if filters.cursor:
        records = records.filter(after(filters.cursor, "recorded_at"))
    page = list(records.order_by("-recorded_at", "-id")[: PAGE_SIZE + 1])
    more = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    note_for_audit(request, found=[f.pk for f in page])
    last = page[-1] if page else None
    return json_response(
        {
            "items": _represent(user, page),
            "next_cursor": encode(last.recorded_at, last.pk) if more and last is not None else None,
        }
    )


def _record_for(user: User, found_id: int, *, record: bool = False) -> FoundPerson:
    try:
        return permissions.found_for(user, found_id, record=record)
    except Http404:
        raise not_found() from None


@router.get("/found/{found_id}", response={200: FoundOut, **ERRORS}, summary="A record of the register")
def read_found(request: HttpRequest, found_id: Id) -> Any:
    user = require_scope(request, Scope.READ_FOUND)
    found = _record_for(user, found_id)
    services.record_view(found, actor=user, request=request)
    note_for_audit(request, found=found.pk)
    return json_response(_represent(user, [found])[0])


@router.post("/found", response={201: FoundOut, **ERRORS}, summary="Record a person found")
def create_found(request: HttpRequest, payload: FoundIn) -> Any:
    """Through the register's form (the same checks and messages as the page) and `found.services.record_found`,
    which proposes the open cases that may be her. Send an `Idempotency-Key` header to make a repeat safe."""
    user = require_scope(request, Scope.WRITE_FOUND)
    if not permissions.may_record(user):
        raise not_found()

    def create() -> HttpResponse:
        data: dict[str, Any] = {}
        for name, value in payload.dict().items():
            if name == "found_place":
                data["found_place_0"], data["found_place_1"] = "", "" if value is None else value
            else:
                data[name] = _form_value(value)
        form = FoundPersonForm(data)
        if not form.is_valid():
            raise invalid(_errors(form))
        found = services.record_found(form.save(commit=False), actor=user, request=request)
        found = FoundPerson.objects.select_related("found_place").get(pk=found.pk)
        note_for_audit(request, found=found.pk)
        response = json_response(_represent(user, [found])[0], 201)
        response["Location"] = f"{request.path.rstrip('/')}/{found.pk}"
        return response

    return idempotent(request, create)
