"""Tasks and the outcome of a case, through the same services and forms as the pages (redalert.tasks,
redalert.investigation), with the same permission checks."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from redalert.access.policy import Action, case_for, may
from redalert.accounts.models import User
from redalert.api.cases_api import _errors, _form_value
from redalert.api.core import note_for_audit, require_scope
from redalert.api.problems import ApiProblem, invalid, json_response, not_found
from redalert.api.schemas import ERRORS, Id, OutcomeAnswer, OutcomeIn, Problem, TaskIn, TaskOut
from redalert.api.scopes import Scope
from redalert.cases.lifecycle import TransitionError
from redalert.investigation import services as investigation
from redalert.investigation.forms import OutcomeForm
from redalert.tasks import services as tasks
from redalert.tasks.forms import TaskForm
from redalert.tasks.models import Task

router = Router(tags=["tasks and outcomes"])


def _task(task: Task) -> dict[str, Any]:
    return {
        "id": task.pk,
        "case_id": task.case_id,
        "kind": task.kind,
        "title": task.display_title,
        "owner_id": task.owner_id,
        "due_at": task.due_at,
        "done_at": task.done_at,
        "is_overdue": task.is_overdue,
    }


@router.get("/cases/{case_id}/tasks", response={200: list[TaskOut], **ERRORS}, summary="Tasks of a case")
def list_tasks(request: HttpRequest, case_id: Id) -> Any:
    user = require_scope(request, Scope.READ_CASES)
    case = case_for(user, case_id)
    note_for_audit(request, case=case, what="tasks")
    rows = Task.objects.filter(case=case).order_by("done_at", "due_at", "id")
    return json_response([_task(t) for t in rows])


@router.post("/cases/{case_id}/tasks", response={201: TaskOut, **ERRORS}, summary="Add a task to a case")
def create_task(request: HttpRequest, case_id: Id, payload: TaskIn) -> Any:
    """For the case's team and coordinators, as on the page; the owner is a member of the case's team."""
    user = require_scope(request, Scope.WRITE_CASES)
    case = case_for(user, case_id)
    if not may(user, Action.ADD_NOTE, case):
        raise not_found()
    owners = User.objects.filter(case_memberships__case=case, is_active=True)
    form = TaskForm({k: _form_value(v) for k, v in payload.dict().items()}, owners=owners)
    if not form.is_valid():
        raise invalid(_errors(form))
    task = tasks.add_task(case, actor=user, request=request, **form.cleaned_data)
    note_for_audit(request, case=case, task=task.pk)
    return json_response(_task(task), 201)


@router.post("/cases/{case_id}/tasks/{task_id}/done", response={200: TaskOut, **ERRORS}, summary="Mark a task as done")
def complete_task(request: HttpRequest, case_id: Id, task_id: Id) -> Any:
    user = require_scope(request, Scope.WRITE_CASES)
    case = case_for(user, case_id)
    task = Task.objects.filter(pk=task_id, case=case).first()
    if task is None or (task.owner_id != user.pk and not may(user, Action.ADD_NOTE, case)):
        raise not_found()
    tasks.complete_task(task, actor=user, request=request)
    note_for_audit(request, case=case, task=task.pk)
    return json_response(_task(task))


def _outcome(case: Any) -> dict[str, Any]:
    outcome = getattr(case, "outcome", None)
    if outcome is None:
        return {"outcome": None}
    place = outcome.place
    return {
        "outcome": {
            "result": outcome.result,
            "on": outcome.on,
            "place": {"id": place.pk, "label": place.label} if place is not None else None,
            "how": outcome.how,
            "family_support_open": outcome.family_support_open,
            "recorded_at": outcome.recorded_at,
        }
    }


@router.get("/cases/{case_id}/outcome", response={200: OutcomeAnswer, **ERRORS}, summary="The outcome of a case")
def read_outcome(request: HttpRequest, case_id: Id) -> Any:
    user = require_scope(request, Scope.READ_CASES)
    case = case_for(user, case_id)
    note_for_audit(request, case=case, what="outcome")
    return json_response(_outcome(case))


@router.post(
    "/cases/{case_id}/outcome",
    response={201: OutcomeAnswer, 409: Problem, **ERRORS},
    summary="Record that she was located",
)
def record_outcome(request: HttpRequest, case_id: Id, payload: OutcomeIn) -> Any:
    """Through the outcome page's form and `investigation.services.record_outcome`: the case moves to located and
    then to follow-up; 409 when its status does not allow it (or an outcome is already recorded)."""
    user = require_scope(request, Scope.WRITE_CASES)
    case = case_for(user, case_id, Action.CHANGE_STATUS)
    data = {k: _form_value(v) for k, v in payload.dict().items() if k != "place"}
    data["place_0"], data["place_1"] = "", payload.place or ""
    form = OutcomeForm(data)
    if not form.is_valid():
        raise invalid(_errors(form))
    try:
        investigation.record_outcome(case, investigation.OutcomeData(**form.cleaned_data), actor=user, request=request)
    except TransitionError as exc:
        raise ApiProblem(409, "outcome-refused", _("The outcome was not recorded."), str(exc)) from None
    note_for_audit(request, case=case, what="outcome")
    case.refresh_from_db()
    return json_response(_outcome(case), 201)
