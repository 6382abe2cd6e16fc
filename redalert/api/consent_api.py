"""Consent decisions of a case: the history and the decisions in force; recording one through the consent service.

Records are never changed: a withdrawal is a new decision, effective at once everywhere (redalert.consent).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router

from redalert.access.policy import Action, case_for
from redalert.api.cases_api import _errors, _form_value
from redalert.api.core import note_for_audit, require_scope
from redalert.api.idempotency import idempotent
from redalert.api.problems import ApiProblem, invalid
from redalert.api.schemas import ERRORS, ConsentIn, ConsentList, ConsentOut, Id, Problem
from redalert.api.scopes import Scope
from redalert.consent.forms import ConsentForm
from redalert.consent.models import ConsentRecord
from redalert.consent.rules import current_consents
from redalert.consent.services import ConsentRefused, record_decision

router = Router(tags=["consent"])

CONSENT_FIELDS = [name for name in ConsentOut.model_fields if name not in ("id", "recorded_at")]


def _record(record: ConsentRecord) -> dict[str, Any]:
    return {
        "id": record.pk,
        "recorded_at": record.recorded_at,
        **{name: getattr(record, name) for name in CONSENT_FIELDS},
    }


@router.get("/cases/{case_id}/consents", response={200: ConsentList, **ERRORS}, summary="Consent decisions of a case")
def list_consents(request: HttpRequest, case_id: Id) -> Any:
    user = require_scope(request, Scope.READ_CASES)
    case = case_for(user, case_id)
    note_for_audit(request, case=case, section="consent")
    current = current_consents(case)
    return {
        "current": [
            {
                "purpose": purpose,
                "decision": record.decision if record else None,
                "decided_on": record.decided_on if record else None,
            }
            for purpose, record in current.items()
        ],
        "records": [_record(r) for r in case.consent_records.order_by("-decided_on", "-id")],
    }


@router.post(
    "/cases/{case_id}/consents",
    response={201: ConsentOut, 409: Problem, **ERRORS},
    summary="Record a consent decision (grant, refusal, withdrawal)",
)
def create_consent(request: HttpRequest, case_id: Id, payload: ConsentIn) -> Any:
    """Through the consent page's form and service; 409 when the decision may not be recorded (dated before the
    decision in force). Send an `Idempotency-Key` header to make a repeat safe."""
    user = require_scope(request, Scope.WRITE_CASES)
    case = case_for(user, case_id, Action.MANAGE_CONSENT)

    def create() -> HttpResponse:
        data: dict[str, Any] = {name: _form_value(value) for name, value in payload.dict().items()}
        if isinstance(ConsentForm().fields["purpose"], forms.MultipleChoiceField):
            data["purpose"] = [payload.purpose]  # the page's form takes several purposes at once; the API one
        form = ConsentForm(data)
        if not form.is_valid():
            raise invalid(_errors(form))
        records = form.records() if hasattr(form, "records") else [form.save(commit=False)]
        try:
            record = record_decision(case, records[0], actor=user, request=request)
        except ConsentRefused as exc:
            raise ApiProblem(409, "consent-refused", _("The decision was not recorded."), str(exc)) from None
        body = ConsentOut.model_validate(_record(record)).model_dump_json()
        return HttpResponse(body, status=201, content_type="application/json")

    return idempotent(request, create)
