"""Care pages: a case's services, humanitarian expenses, support plan and referrals; survivors' consultations.

Thin: who may see what is in redalert.care.permissions, the rules in redalert.care.services.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from redalert.access.policy import case_for
from redalert.accounts.models import User
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.care import permissions, services
from redalert.care.choices import HEALTH_SERVICE_TYPES, ServiceType
from redalert.care.forms import (
    ConsultationForm,
    ExpenseForm,
    FeedbackForm,
    ObjectiveForm,
    PlanActionForm,
    ReferralForm,
    ReferralStatusForm,
    ServiceForm,
)
from redalert.care.models import Consultation, Expense, Objective, Referral, Service
from redalert.cases.choices import NoteSection
from redalert.cases.models import Case
from redalert.cases.services import record_view
from redalert.cases.views import case_nav_context
from redalert.consent.choices import Purpose
from redalert.consent.rules import may_use


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _care_case(user: User, pk: int) -> Case:
    case = case_for(user, pk)
    if not (permissions.may_see_care(user, case) or permissions.may_see_health(user, case)):
        raise Http404("No such case.")
    return case


def _service_types(user: User, case: Case) -> list[tuple[str, Any]]:
    return [(t.value, t.label) for t in ServiceType if permissions.may_see_service_type(user, case, t)]


def _forms(user: User, case: Case, bound: dict[str, forms.BaseForm]) -> dict[str, forms.BaseForm | None]:
    today = timezone.localdate()
    partners = services.partner_directory(case.organisation)
    care = permissions.may_see_care(user, case)
    result: dict[str, forms.BaseForm | None] = {
        "service_form": bound.get("service")
        or ServiceForm(partners=partners, service_types=_service_types(user, case), initial={"given_on": today}),
        "expense_form": (bound.get("expense") or ExpenseForm(initial={"spent_on": today, "currency": "MXN"}))
        if care
        else None,
        "objective_form": (bound.get("objective") or ObjectiveForm()) if care else None,
        "referral_form": (bound.get("referral") or ReferralForm(partners=partners, initial={"referred_on": today}))
        if permissions.may_refer(user, case)
        else None,
    }
    return result


def _page(request: HttpRequest, case: Case, *, status: int = 200, **bound: forms.BaseForm) -> HttpResponse:
    user = _user(request)
    care = permissions.may_see_care(user, case)
    health = permissions.may_see_health(user, case)
    visible_types = [t for t in ServiceType if permissions.may_see_service_type(user, case, t)]
    context: dict[str, Any] = {
        "case": case,
        "care": care,
        "health": health,
        "services": Service.objects.filter(case=case, service_type__in=visible_types).select_related("partner"),
        "health_types": sorted(HEALTH_SERVICE_TYPES),
        **_forms(user, case, bound),
        **case_nav_context(user, case),
    }
    if care:
        context.update(
            {
                "expenses": Expense.objects.filter(case=case),
                "ledger": services.ledger_totals(case),
                "objectives": Objective.objects.filter(case=case).prefetch_related("actions"),
                "action_form": PlanActionForm(),
                "referrals": Referral.objects.filter(case=case).select_related("partner"),
                "holder": services.current_holder(case),
                "referral_consent": may_use(case, Purpose.REFERRAL),
                "may_refer": permissions.may_refer(user, case),
                "status_form": ReferralStatusForm(initial={"on": timezone.localdate()}),
            }
        )
    return render(request, "care/case.html", context, status=status)


def case_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    case = _care_case(user, pk)
    section = NoteSection.HEALTH if permissions.may_see_health(user, case) else NoteSection.GENERAL
    record_view(case, actor=user, request=request, section=section, what="care")
    return _page(request, case)


def _invalid(request: HttpRequest, case: Case, **bound: forms.BaseForm) -> HttpResponse:
    messages.error(request, _("Nothing was saved: please correct the fields marked below."))
    return _page(request, case, status=400, **bound)


def _apply_model_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@require_POST
def service_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    case = _care_case(user, pk)
    partners = services.partner_directory(case.organisation)
    form = ServiceForm(request.POST, partners=partners, service_types=_service_types(user, case))
    if not form.is_valid():
        return _invalid(request, case, service=form)
    service: Service = form.save(commit=False)
    if not permissions.may_see_service_type(user, case, service.service_type):
        raise Http404("No such case.")
    section = NoteSection.HEALTH if service.service_type in HEALTH_SERVICE_TYPES else "care"
    try:
        services.add_case_record(service, case=case, actor=user, request=request, section=section)
    except ValidationError as exc:
        _apply_model_errors(form, exc)
        return _invalid(request, case, service=form)
    messages.success(request, _("Service recorded."))
    return redirect("care:case", pk=case.pk)


def _care_only(user: User, pk: int) -> Case:
    case = case_for(user, pk)
    if not permissions.may_see_care(user, case):
        raise Http404("No such case.")
    return case


@require_POST
def expense_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    case = _care_only(user, pk)
    form = ExpenseForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, expense=form)
    services.add_case_record(form.save(commit=False), case=case, actor=user, request=request)
    messages.success(request, _("Expense recorded."))
    return redirect(f"{_case_url(case)}#ledger")


def _case_url(case: Case) -> str:
    from django.urls import reverse

    return reverse("care:case", args=[case.pk])


@require_POST
def objective_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    case = _care_only(user, pk)
    form = ObjectiveForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, objective=form)
    services.add_case_record(form.save(commit=False), case=case, actor=user, request=request)
    messages.success(request, _("Objective added to the support plan."))
    return redirect(f"{_case_url(case)}#plan")


def objective_edit(request: HttpRequest, pk: int, objective_id: int) -> HttpResponse:
    user = _user(request)
    case = _care_only(user, pk)
    objective = get_object_or_404(Objective, pk=objective_id, case=case)
    form = ObjectiveForm(request.POST or None, instance=objective)
    if request.method == "POST" and form.is_valid():
        services.save_record(form.save(commit=False), case=case, actor=user, request=request, section="care")
        messages.success(request, _("Objective updated."))
        return redirect(f"{_case_url(case)}#plan")
    return render(
        request,
        "care/form.html",
        {"case": case, "form": form, "title": _("Support-plan objective"), **case_nav_context(user, case)},
        status=400 if form.is_bound else 200,
    )


@require_POST
def action_add(request: HttpRequest, pk: int, objective_id: int) -> HttpResponse:
    user = _user(request)
    case = _care_only(user, pk)
    objective = get_object_or_404(Objective, pk=objective_id, case=case)
    form = PlanActionForm(request.POST)
    if form.is_valid():
        action = form.save(commit=False)
        action.objective = objective
        services.save_record(action, case=case, actor=user, request=request, section="care")
        messages.success(request, _("Action added."))
    else:
        messages.error(request, _("The action was not saved: %(errors)s") % {"errors": _flat(form)})
    return redirect(f"{_case_url(case)}#plan")


def _flat(form: forms.BaseForm) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@require_POST
def referral_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    case = case_for(user, pk)
    if not permissions.may_refer(user, case):
        raise Http404("No such case.")
    form = ReferralForm(request.POST, partners=services.partner_directory(case.organisation))
    if not form.is_valid():
        return _invalid(request, case, referral=form)
    try:
        services.refer(
            case,
            partner=form.cleaned_data["partner"],
            reason=form.cleaned_data["reason"],
            on=form.cleaned_data["referred_on"],
            direction=form.cleaned_data["direction"],
            actor=user,
            request=request,
        )
    except services.CareError as exc:
        form.add_error(None, str(exc))
        return _invalid(request, case, referral=form)
    messages.success(request, _("Referral recorded."))
    return redirect(f"{_case_url(case)}#referrals")


@require_POST
def referral_status(request: HttpRequest, pk: int, referral_id: int) -> HttpResponse:
    user = _user(request)
    case = case_for(user, pk)
    if not permissions.may_refer(user, case):
        raise Http404("No such case.")
    referral = get_object_or_404(Referral, pk=referral_id, case=case)
    form = ReferralStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _flat(form))
    else:
        try:
            services.set_referral_status(
                referral, form.cleaned_data["status"], on=form.cleaned_data["on"], actor=user, request=request
            )
            messages.success(request, _("Referral status changed."))
        except services.CareError as exc:
            messages.error(request, str(exc))
    return redirect(f"{_case_url(case)}#referrals")


# Survivors' voice: consultations of the organisation.


def _consultation_user(request: HttpRequest) -> User:
    user = _user(request)
    if not permissions.may_use_consultations(user):
        raise Http404
    return user


def consultations(request: HttpRequest) -> HttpResponse:
    user = _consultation_user(request)
    form = ConsultationForm(request.POST or None, initial={"held_on": timezone.localdate()})
    if request.method == "POST":
        if form.is_valid():
            consultation = services.add_consultation(form.save(commit=False), actor=user, request=request)
            messages.success(request, _("Consultation recorded: now add what participants said about each service."))
            return redirect("care:consultation", consultation_id=consultation.pk)
        messages.error(request, _("Nothing was saved: please correct the fields marked below."))
    audit_record(user, AuditAction.VIEW, request=request, detail={"list": "consultations"})
    return render(
        request,
        "care/consultations.html",
        {
            "consultations": services.consultations_of(user.organisation),  # type: ignore[arg-type]
            "form": form,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def consultation(request: HttpRequest, consultation_id: int) -> HttpResponse:
    user = _consultation_user(request)
    item = get_object_or_404(Consultation, pk=consultation_id, organisation_id=user.organisation_id)
    form = FeedbackForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            feedback = form.save(commit=False)
            feedback.consultation = item
            services.save_record(feedback, case=None, actor=user, request=request, section="consultations")
            messages.success(request, _("Feedback recorded."))
            return redirect("care:consultation", consultation_id=item.pk)
        messages.error(request, _("Nothing was saved: please correct the fields marked below."))
    else:
        audit_record(user, AuditAction.VIEW, item, request=request, detail={"what": "consultation"})
    return render(
        request,
        "care/consultation.html",
        {"consultation": item, "feedback": item.feedback.all(), "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


def consultation_summary(request: HttpRequest) -> HttpResponse:
    user = _consultation_user(request)
    cells = services.feedback_summary(user.organisation)  # type: ignore[arg-type]
    quarters = sorted({c.quarter for c in cells}, reverse=True)
    return render(request, "care/summary.html", {"cells": cells, "quarters": quarters})
