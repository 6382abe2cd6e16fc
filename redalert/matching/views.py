"""The intake check as she types (a partial the intake form's script inserts) and "add this report to that case".

Permissions come from redalert.access.policy: the check is for those who may open cases; a candidate's fields
only for those who may open that case; adding a report needs the right to edit the case (else 404).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from redalert.access.policy import Action, case_for, may
from redalert.accounts.models import User
from redalert.cases.forms import CaseReportForm, PersonForm
from redalert.cases.intake_forms import IntakeForms, phone_region
from redalert.matching import services


def _valid_values(*forms: Any) -> dict[str, Any]:
    """What is valid so far in forms being typed (cleaned_data keeps the valid fields of an invalid form)."""
    values: dict[str, Any] = {}
    for form in forms:
        form.is_valid()
        values.update(getattr(form, "cleaned_data", {}))
    return values


@require_POST
def intake_check(request: HttpRequest) -> HttpResponse:
    """The possible duplicates of what is typed so far in the intake form (an HTML fragment)."""
    user: User = request.user  # type: ignore[assignment]
    if not may(user, Action.CREATE) or user.organisation is None:
        raise Http404
    report_form = CaseReportForm(request.POST, prefix="report", phone_region=phone_region(user))
    person_form = PersonForm(request.POST, prefix="person")
    values = _valid_values(report_form, person_form)
    duplicates = []
    if values.get("given_names") or values.get("first_surname"):
        duplicates = services.shown_candidates(user, services.facts_from_intake(values), request=request)
    reason = request.POST.get("duplicate_reason", "")
    context = {"duplicates": duplicates, "duplicate_reason": reason}
    return render(request, "matching/_intake_candidates.html", context)


@require_POST
def add_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The intake form, posted to an existing case: its report becomes a further report of that case."""
    user: User = request.user  # type: ignore[assignment]
    if not may(user, Action.CREATE):
        raise Http404
    case = case_for(user, pk, Action.EDIT)
    forms = IntakeForms(request, user)
    if not forms.report_form.is_valid():
        forms.refuse(request)
        return render(request, "cases/intake.html", forms.page_context())
    report = services.report_from_intake(forms.report_form.cleaned_data, _valid_values(forms.person_form), case)
    services.add_report(case, report, actor=user, request=request)
    messages.success(request, _("The report was added to case %(ref)s.") % {"ref": case.reference})
    return redirect("cases:detail", pk=case.pk)
