from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from redalert.access.policy import Action, case_for, may
from redalert.accounts.models import User
from redalert.cases.models import Case
from redalert.cases.services import record_view
from redalert.cases.views import case_nav_context
from redalert.consent.choices import Purpose
from redalert.consent.forms import ConsentForm
from redalert.consent.models import ConsentRecord
from redalert.consent.rules import current_consents
from redalert.consent.services import ConsentRefused, record_decisions


def initial_decision(case: Case, request: HttpRequest) -> dict[str, Any]:
    """The form pre-filled from the person who reported (or the first family contact): the one who usually decides.
    Purposes asked for by a link (?purpose=publish&purpose=legal_representation) come ticked."""
    initial: dict[str, Any] = {"purpose": [p for p in request.GET.getlist("purpose") if p in Purpose.values]}
    if case.reporter_name:
        initial.update(given_by_name=case.reporter_name, given_by_relationship=case.reporter_relationship)
    elif contact := case.family_contacts.first():
        initial.update(given_by_name=contact.name, given_by_relationship=contact.relationship)
    return initial


def consent_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Current consent per purpose, its history, and the form to record a new decision."""
    user: User = request.user  # type: ignore[assignment]
    case = case_for(user, pk, Action.VIEW)
    may_manage = case_for(user, pk, Action.MANAGE_CONSENT) if request.method == "POST" else None
    form = ConsentForm(request.POST or None, request.FILES or None, initial=initial_decision(case, request))
    if may_manage is not None and form.is_valid():
        try:
            records = record_decisions(case, form.records(), actor=user, request=request)
        except ConsentRefused as refused:
            form.add_error("decided_on", str(refused))
        else:
            messages.success(
                request,
                _("Recorded: %(purposes)s — %(decision)s.")
                % {
                    "purposes": ", ".join(f"“{r.get_purpose_display()}”" for r in records),
                    "decision": records[0].get_decision_display().lower(),
                },
            )
            return redirect("consent:page", pk=case.pk)
    if request.method == "POST":
        messages.error(request, _("The consent decision was not saved: please correct the fields marked below."))
    else:
        record_view(case, actor=user, request=request, what="consent")
    return render(
        request,
        "consent/page.html",
        {
            "case": case,
            "current": current_consents(case),
            "history": case.consent_records.select_related("recorded_by"),
            "form": form,
            "purpose_choices": Purpose.choices,
            "may_manage": may(user, Action.MANAGE_CONSENT, case),
            **case_nav_context(user, case),
        },
    )


def consent_scan(request: HttpRequest, pk: int, record_id: int) -> HttpResponseBase:
    user: User = request.user  # type: ignore[assignment]
    case = case_for(user, pk, Action.VIEW)
    record = get_object_or_404(ConsentRecord, pk=record_id, case=case)
    if not record.form_scan:
        return redirect("consent:page", pk=case.pk)
    record_view(case, actor=user, request=request, what=f"consent scan {record.pk}")
    response = FileResponse(record.form_scan.open("rb"), as_attachment=True)
    response["Cache-Control"] = "private, no-store"
    return response
