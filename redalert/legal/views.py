"""Legal pages: a case's proceedings (complaint to reparations), reparation estimates, the lawyer's own page and
the reparation rate table. Thin: who may do what is in redalert.legal.permissions, the rules in redalert.legal.services.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from redalert.access.policy import visible_cases
from redalert.accounts.models import User
from redalert.accounts.roles import Role
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.care.money import sum_by_currency
from redalert.cases.choices import NoteSection
from redalert.cases.models import Case
from redalert.cases.services import record_view
from redalert.cases.views import case_nav_context
from redalert.legal import permissions, services
from redalert.legal.forms import (
    AccusedForm,
    EstimateForm,
    HearingForm,
    MeasureForm,
    PaymentForm,
    ProceedingForm,
    RateForm,
    ReparationForm,
    StatusForm,
)
from redalert.legal.models import (
    Accused,
    Hearing,
    Proceeding,
    ProtectionMeasure,
    Reparation,
    ReparationEstimate,
    ReparationPayment,
    ReparationRate,
)

# Sub-records of a proceeding: form, model, title.
KINDS: dict[str, tuple[type[forms.ModelForm], type[Model], Any]] = {
    "hearing": (HearingForm, Hearing, gettext_lazy("Hearing")),
    "measure": (MeasureForm, ProtectionMeasure, gettext_lazy("Protection measure")),
    "accused": (AccusedForm, Accused, gettext_lazy("Accused")),
    "reparation": (ReparationForm, Reparation, gettext_lazy("Reparation ordered")),
    "payment": (PaymentForm, ReparationPayment, gettext_lazy("Reparation paid")),
}


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _lawyers(case: Case) -> QuerySet[User]:
    return User.objects.filter(
        case_memberships__case=case, role_assignments__role=Role.LAWYER, is_active=True
    ).distinct()


def case_page(request: HttpRequest, pk: int, *, bound: dict[str, forms.BaseForm] | None = None) -> HttpResponse:
    user = _user(request)
    case = permissions.legal_case_for(user, pk)
    bound = bound or {}
    may_record = permissions.may_record_legal(user, case)
    consent = services.may_represent(case)
    if not bound:
        record_view(case, actor=user, request=request, section=NoteSection.LEGAL)
    today = timezone.localdate()
    context: dict[str, Any] = {
        "case": case,
        "consent": consent,
        "may_record": may_record,
        "proceedings": Proceeding.objects.filter(case=case).select_related("lawyer").prefetch_related("hearings"),
        "estimates": ReparationEstimate.objects.filter(case=case).select_related("created_by"),
        "now": timezone.now(),
        **case_nav_context(user, case),
    }
    if may_record and consent:
        context["proceeding_form"] = bound.get("proceeding") or ProceedingForm(
            lawyers=_lawyers(case), initial={"lawyer": user.pk if user.has_role(Role.LAWYER) else None}
        )
        if case.located_on:
            context["estimate_form"] = bound.get("estimate") or EstimateForm(initial={"on": today})
    return render(request, "legal/case.html", context, status=400 if bound else 200)


def _refused(request: HttpRequest, exc: Exception, url: str) -> HttpResponse:
    messages.error(request, str(exc))
    return redirect(url)


@require_POST
def proceeding_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    case = permissions.legal_case_for(user, pk, record=True)
    form = ProceedingForm(request.POST, lawyers=_lawyers(case))
    if not form.is_valid():
        messages.error(request, _("Nothing was saved: please correct the fields marked below."))
        return case_page(request, pk, bound={"proceeding": form})
    try:
        proceeding = services.open_proceeding(case, actor=user, request=request, **form.cleaned_data)
    except services.LegalError as exc:
        return _refused(request, exc, reverse("legal:case", args=[case.pk]))
    messages.success(request, _("Proceeding recorded."))
    return redirect("legal:proceeding", pk=case.pk, proceeding_id=proceeding.pk)


def _sub_form(kind: str, proceeding: Proceeding, data: Any = None, instance: Any = None) -> forms.ModelForm:
    form_class = KINDS[kind][0]
    kwargs: dict[str, Any] = {"instance": instance}
    if form_class in (ReparationForm, PaymentForm):
        kwargs["proceeding"] = proceeding
    if instance is None and kind != "hearing":
        kwargs["initial"] = {k: timezone.localdate() for k in ("requested_on", "ordered_on", "paid_on")}
    return form_class(data, **kwargs)


def proceeding_detail(
    request: HttpRequest, pk: int, proceeding_id: int, *, bound: dict[str, forms.BaseForm] | None = None
) -> HttpResponse:
    user = _user(request)
    case = permissions.legal_case_for(user, pk)
    proceeding = get_object_or_404(Proceeding.objects.select_related("lawyer"), pk=proceeding_id, case=case)
    bound = bound or {}
    if not bound:
        record_view(case, actor=user, request=request, section=NoteSection.LEGAL, what=f"proceeding {proceeding.pk}")
    consent = services.may_represent(case)
    may_record = permissions.may_record_legal(user, case) and bool(consent)
    reparations = list(Reparation.objects.filter(proceeding=proceeding).prefetch_related("payments"))
    context: dict[str, Any] = {
        "case": case,
        "proceeding": proceeding,
        "consent": consent,
        "may_record": may_record,
        "history": proceeding.status_history.select_related("actor"),
        "hearings": proceeding.hearings.all(),
        "measures": proceeding.measures.all(),
        "accused": proceeding.accused.all(),
        "reparations": reparations,
        "ordered_totals": sum_by_currency((r.amount, r.currency) for r in reparations),
        "paid_totals": sum_by_currency((r.paid, r.currency) for r in reparations),
        "now": timezone.now(),
        **case_nav_context(user, case),
    }
    if may_record:
        context["status_form"] = bound.get("status") or StatusForm(initial={"changed_on": timezone.localdate()})
        context["sub_forms"] = [
            (kind, KINDS[kind][2], bound.get(kind) or _sub_form(kind, proceeding))
            for kind in KINDS
            if kind != "payment" or reparations
        ]
    return render(request, "legal/proceeding.html", context, status=400 if bound else 200)


def _proceeding_for_recording(user: User, pk: int, proceeding_id: int) -> tuple[Case, Proceeding]:
    case = permissions.legal_case_for(user, pk, record=True)
    return case, get_object_or_404(Proceeding, pk=proceeding_id, case=case)


@require_POST
def status_change(request: HttpRequest, pk: int, proceeding_id: int) -> HttpResponse:
    user = _user(request)
    case, proceeding = _proceeding_for_recording(user, pk, proceeding_id)
    form = StatusForm(request.POST)
    url = reverse("legal:proceeding", args=[case.pk, proceeding.pk])
    if not form.is_valid():
        messages.error(request, _("Nothing was saved: please correct the fields marked below."))
        return proceeding_detail(request, pk, proceeding_id, bound={"status": form})
    try:
        services.change_status(
            proceeding,
            form.cleaned_data["to_status"],
            on=form.cleaned_data["changed_on"],
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
            actor=user,
            request=request,
        )
    except services.LegalError as exc:
        return _refused(request, exc, url)
    messages.success(request, _("Status changed."))
    return redirect(url)


def _save_sub(request: HttpRequest, case: Case, proceeding: Proceeding, form: forms.ModelForm) -> Model | None:
    try:
        return services.save_proceeding_record(
            form.save(commit=False), proceeding=proceeding, case=case, actor=_user(request), request=request
        )
    except ValidationError as exc:
        for field, errors in getattr(exc, "error_dict", {None: exc.error_list}).items():
            form.add_error(field if field in form.fields else None, errors)
        return None


@require_POST
def record_add(request: HttpRequest, pk: int, proceeding_id: int, kind: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404
    user = _user(request)
    case, proceeding = _proceeding_for_recording(user, pk, proceeding_id)
    url = reverse("legal:proceeding", args=[case.pk, proceeding.pk])
    form = _sub_form(kind, proceeding, request.POST)
    if form.is_valid():
        try:
            saved = _save_sub(request, case, proceeding, form)
        except services.LegalError as exc:
            return _refused(request, exc, url)
        if saved is not None:
            messages.success(request, _("%(what)s recorded.") % {"what": KINDS[kind][2]})
            return redirect(f"{url}#{kind}")
    messages.error(request, _("Nothing was saved: please correct the fields marked below."))
    return proceeding_detail(request, pk, proceeding_id, bound={kind: form})


def record_edit(request: HttpRequest, pk: int, proceeding_id: int, kind: str, obj_id: int) -> HttpResponse:
    if kind not in KINDS:
        raise Http404
    user = _user(request)
    case, proceeding = _proceeding_for_recording(user, pk, proceeding_id)
    model = KINDS[kind][1]
    lookup = {"reparation__proceeding": proceeding} if kind == "payment" else {"proceeding": proceeding}
    instance = get_object_or_404(model, pk=obj_id, **lookup)
    url = reverse("legal:proceeding", args=[case.pk, proceeding.pk])
    form = _sub_form(kind, proceeding, request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            saved = _save_sub(request, case, proceeding, form)
        except services.LegalError as exc:
            return _refused(request, exc, url)
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect(f"{url}#{kind}")
    return render(
        request,
        "legal/form.html",
        {"case": case, "form": form, "title": KINDS[kind][2], "back": url, **case_nav_context(user, case)},
        status=400 if form.is_bound else 200,
    )


@require_POST
def estimate_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    case = permissions.legal_case_for(user, pk, record=True)
    form = EstimateForm(request.POST)
    url = reverse("legal:case", args=[case.pk])
    if not form.is_valid():
        messages.error(request, _("Nothing was saved: please correct the fields marked below."))
        return case_page(request, pk, bound={"estimate": form})
    try:
        services.estimate_reparation(
            case,
            months=form.cleaned_data["months"],
            region=form.cleaned_data["region"],
            exploitation=form.cleaned_data["exploitation"],
            on=form.cleaned_data["on"],
            actor=user,
            request=request,
        )
    except services.LegalError as exc:
        return _refused(request, exc, url)
    messages.success(request, _("Estimate recorded."))
    return redirect(f"{url}#estimates")


def mine(request: HttpRequest) -> HttpResponse:
    """The lawyer's page: her proceedings (cases whose legal section she sees on the team) and next hearings."""
    user = _user(request)
    if not user.works_on_cases or not permissions.may_see_own_proceedings(user):
        raise Http404
    team_cases = visible_cases(user).filter(memberships__user=user).select_related("person")
    cases = [c for c in team_cases if permissions.may_see_legal(user, c)]
    proceedings = (
        Proceeding.objects.filter(case__in=cases).select_related("case", "case__person", "lawyer").order_by("case")
    )
    if request.GET.get("all") != "1":
        proceedings = proceedings.filter(lawyer=user) | proceedings.filter(lawyer__isnull=True)
    proceedings = proceedings.order_by("case__reference", "-created_at")
    now = timezone.now()
    hearings = (
        Hearing.objects.filter(proceeding__in=proceedings, starts_at__gte=now - timedelta(hours=12), cancelled=False)
        .select_related("proceeding__case")
        .order_by("starts_at")[:50]
    )
    audit_record(
        user,
        AuditAction.VIEW,
        request=request,
        detail={"list": "my proceedings", "cases": sorted({p.case_id for p in proceedings})},
    )
    return render(
        request,
        "legal/mine.html",
        {"proceedings": proceedings, "hearings": hearings, "now": now, "show_all": request.GET.get("all") == "1"},
    )


# The reparation rate table (administrators).


def rates(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    editor = permissions.may_edit_rates(user)
    if not editor and not user.has_role(Role.LAWYER, Role.COORDINATOR):
        raise Http404
    return render(request, "legal/rates.html", {"rates": ReparationRate.objects.all(), "may_edit": editor})


def rate_edit(request: HttpRequest, rate_id: int | None = None) -> HttpResponse:
    user = _user(request)
    if not permissions.may_edit_rates(user):
        raise Http404
    instance = get_object_or_404(ReparationRate, pk=rate_id) if rate_id else None
    form = RateForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        rate = form.save()
        audit_record(
            user,
            AuditAction.CHANGE if instance else AuditAction.CREATE,
            rate,
            request=request,
            detail={
                "region": rate.region,
                "exploitation": rate.exploitation,
                "annual_profit": str(rate.annual_profit),
                "currency": rate.currency,
                "source": rate.source,
            },
        )
        messages.success(request, _("Rate saved. Estimates already made keep the rate they used."))
        return redirect("legal:rates")
    return render(
        request, "legal/rate_form.html", {"form": form, "rate": instance}, status=400 if form.is_bound else 200
    )
