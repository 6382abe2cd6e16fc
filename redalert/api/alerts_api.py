"""Red Alerts of a case: issue (alert, update, cancellation), their status per recipient (deliveries, reminders,
acknowledgements), through redalert.alerts as the case's alert pages do. Addresses of the recipients stay there."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from redalert.access.policy import Action, case_for
from redalert.alerts.forms import IssueForm
from redalert.alerts.issuing import AlertRefused, issue_alert, open_original, proposed_authorities
from redalert.alerts.models import Alert, AlertKind, Authority
from redalert.alerts.permissions import may_alert_authorities, may_issue_alert
from redalert.alerts.recipient_status import recipient_statuses
from redalert.api.cases_api import _errors
from redalert.api.core import note_for_audit, require_scope
from redalert.api.problems import ApiProblem, invalid, json_response, not_found
from redalert.api.schemas import ERRORS, AlertIn, AlertOut, AuthorityOut, Id, Problem
from redalert.api.scopes import Scope

router = Router(tags=["Red Alerts"])


def _alert(alert: Alert) -> dict[str, Any]:
    recipients = []
    for row in recipient_statuses(alert):
        ack = row.acknowledgement
        recipients.append(
            {
                "authority_id": row.recipient.authority_id,
                "authority": row.recipient.authority.name,
                "channel": row.recipient.channel,
                "state": row.state,
                "reason": row.reason,
                "sent_at": row.sent_at,
                "attempts": row.attempts,
                "reminders": row.reminders,
                "acknowledgement": {"at": ack.at, "name": ack.name, "position": ack.position} if ack else None,
            }
        )
    return {
        "number": alert.number,
        "kind": alert.kind,
        "original_number": alert.original.number if alert.original is not None else None,
        "issued_at": alert.issued_at,
        "recipients": recipients,
    }


def _kinds(case: Any) -> list[str]:
    """What may be sent now (as the issue page offers): without consent to share with authorities, only the
    cancellation of an open alert."""
    case_open = open_original(case) is not None
    if not may_alert_authorities(case):
        return [AlertKind.CANCEL] if case_open else []
    return [AlertKind.UPDATE, AlertKind.CANCEL] if case_open else [AlertKind.ALERT]


@router.get("/cases/{case_id}/alerts", response={200: list[AlertOut], **ERRORS}, summary="Red Alerts of a case")
def list_alerts(request: HttpRequest, case_id: Id) -> Any:
    """Every alert, update and cancellation, with each recipient's delivery state and acknowledgement."""
    user = require_scope(request, Scope.ALERTS)
    case = case_for(user, case_id)
    note_for_audit(request, case=case, what="alerts")
    alerts = Alert.objects.filter(case=case).select_related("original").order_by("number")
    return json_response([_alert(a) for a in alerts])


@router.get(
    "/cases/{case_id}/alerts/authorities",
    response={200: list[AuthorityOut], **ERRORS},
    summary="Authorities an alert of this case may go to",
)
def list_authorities(request: HttpRequest, case_id: Id) -> Any:
    user = require_scope(request, Scope.ALERTS)
    case = case_for(user, case_id)
    if not may_issue_alert(user, case):
        raise not_found()
    proposed = set(proposed_authorities(case).values_list("pk", flat=True))
    directory = Authority.objects.filter(organisation_id=case.organisation_id, is_active=True).order_by("name")
    rows = [
        {"id": a.pk, "name": a.name, "level": a.level, "kind": a.kind, "proposed": a.pk in proposed} for a in directory
    ]
    return json_response(rows)


@router.get(
    "/cases/{case_id}/alerts/{number}", response={200: AlertOut, **ERRORS}, summary="One Red Alert and its status"
)
def read_alert(request: HttpRequest, case_id: Id, number: Id) -> Any:
    user = require_scope(request, Scope.ALERTS)
    case = case_for(user, case_id)
    alert = Alert.objects.filter(case=case, number=number).select_related("original").first()
    if alert is None:
        raise not_found()
    note_for_audit(request, case=case, what="alert", number=number)
    return json_response(_alert(alert))


@router.post(
    "/cases/{case_id}/alerts",
    response={201: AlertOut, 409: Problem, **ERRORS},
    summary="Issue a Red Alert, an update or a cancellation",
)
def create_alert(request: HttpRequest, case_id: Id, payload: AlertIn) -> Any:
    """Coordinator-equivalent (scope "alerts"), through the issue page's form and `alerts.issuing.issue_alert`:
    consent to share with authorities is checked, recipients get the CAP message and the bulletin through the
    outbox; 409 with the reason when the alert may not be issued now."""
    user = require_scope(request, Scope.ALERTS)
    case = case_for(user, case_id, Action.VIEW)
    if not may_issue_alert(user, case):
        raise not_found()
    directory = Authority.objects.filter(organisation_id=case.organisation_id, is_active=True)
    kinds = _kinds(case)
    form = IssueForm(
        {"kind": payload.kind, "authorities": [str(a) for a in payload.authorities], "note": payload.note},
        authorities=directory,
        kinds=kinds,
    )
    if not kinds:
        detail = _("There is no consent to share with authorities.")
        raise ApiProblem(409, "alert-refused", _("No alert may be sent now."), detail)
    if not form.is_valid():
        raise invalid(_errors(form))
    try:
        result = issue_alert(
            case,
            by=user,
            kind=form.cleaned_data["kind"],
            authorities=list(form.cleaned_data["authorities"]),
            note=form.cleaned_data["note"],
            request=request,
        )
    except AlertRefused as exc:
        raise ApiProblem(409, "alert-refused", _("The alert was not issued."), str(exc)) from None
    note_for_audit(request, case=case, what="alert", number=result.alert.number)
    return json_response(_alert(result.alert), 201)
