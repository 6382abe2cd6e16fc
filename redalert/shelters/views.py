"""Shelter pages: a case's stays (shelter section), the organisation's facilities with occupancy, and a
facility's page with its address and current guests. Who sees what: redalert.shelters.permissions.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from redalert.access.policy import Action, case_for
from redalert.accounts.models import User
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.cases.choices import NoteSection
from redalert.cases.models import Case
from redalert.cases.services import record_view
from redalert.cases.views import case_nav_context
from redalert.shelters import permissions, services
from redalert.shelters.forms import CheckInForm, CheckOutForm, FacilityForm
from redalert.shelters.models import Facility, Stay


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _shelter_case(user: User, pk: int) -> Case:
    return case_for(user, pk, Action.VIEW, NoteSection.SHELTER)


def _check_in_form(case: Case, data: Any = None) -> CheckInForm:
    facilities = list(Facility.objects.filter(organisation_id=case.organisation_id, active=True))
    free = {o.facility.pk: o.free for o in services.occupancies(facilities)}
    return CheckInForm(
        data,
        facilities=Facility.objects.filter(organisation_id=case.organisation_id, active=True),
        free=free,
        initial={"on": timezone.localdate()},
    )


def case_page(request: HttpRequest, pk: int, *, form: CheckInForm | None = None) -> HttpResponse:
    """The stays of a case. Facility names and types only: addresses never appear on a case page."""
    user = _user(request)
    case = _shelter_case(user, pk)
    if form is None:
        record_view(case, actor=user, request=request, section=NoteSection.SHELTER)
    stays = Stay.objects.filter(case=case).select_related("facility")
    return render(
        request,
        "shelters/case.html",
        {
            "case": case,
            "stays": stays,
            "form": form or _check_in_form(case),
            "checkout_form": CheckOutForm(initial={"on": timezone.localdate()}),
            **case_nav_context(user, case),
        },
        status=400 if form is not None else 200,
    )


@require_POST
def check_in(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    case = _shelter_case(user, pk)
    form = _check_in_form(case, request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was saved: please correct the fields marked below."))
        return case_page(request, pk, form=form)
    data = form.cleaned_data
    try:
        stay = services.check_in(
            data["facility"],
            case,
            on=data["on"],
            guest=data["guest"],
            family_relationship=data["family_relationship"],
            override_reason=data["override_reason"],
            actor=user,
            request=request,
        )
    except services.CapacityError as exc:
        form.add_error("override_reason", str(exc))
        messages.error(request, str(exc))
        return case_page(request, pk, form=form)
    except (services.ShelterError, ValidationError) as exc:
        form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
        messages.error(request, _("Nothing was saved: please correct the fields marked below."))
        return case_page(request, pk, form=form)
    if stay.over_capacity_reason:
        messages.warning(request, _("Checked in over capacity; the reason was recorded."))
    else:
        messages.success(request, _("Checked in."))
    return redirect("shelters:case", pk=case.pk)


@require_POST
def check_out(request: HttpRequest, stay_id: int) -> HttpResponse:
    """End a stay: from the case page (the case's shelter section) or from the facility page (its managers)."""
    user = _user(request)
    stay = get_object_or_404(Stay.objects.select_related("facility", "case"), pk=stay_id)
    from_facility = request.POST.get("from") == "facility"
    if from_facility:
        if not permissions.may_see_address(user, stay.facility):
            raise Http404
        target = redirect("shelters:facility", facility_id=stay.facility_id)
    else:
        _shelter_case(user, stay.case_id)
        target = redirect("shelters:case", pk=stay.case_id)
    form = CheckOutForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return target
    try:
        services.check_out(stay, on=form.cleaned_data["on"], actor=user, request=request)
    except services.ShelterError as exc:
        messages.error(request, str(exc))
        return target
    messages.success(request, _("Checked out."))
    return target


def facilities(request: HttpRequest) -> HttpResponse:
    """The organisation's facilities: capacity, occupancy, free places (addresses only for their managers)."""
    user = _user(request)
    if not permissions.may_list_facilities(user):
        raise Http404
    items = list(Facility.objects.filter(organisation=user.organisation).order_by("-active", "name"))
    may_manage = permissions.may_manage_facilities(user)
    # Today's residents (a shelter worker's home, issue 17): only for those who see the guests on the facility page.
    residents = (
        Stay.objects.filter(facility__in=items, check_out_on__isnull=True)
        .select_related("facility", "case")
        .order_by("facility__name", "check_in_on")
        if may_manage
        else Stay.objects.none()
    )
    if may_manage:
        audit_record(
            user, AuditAction.VIEW, request=request, detail={"list": "residents", "stays": [s.pk for s in residents]}
        )
    return render(
        request,
        "shelters/list.html",
        {"occupancies": services.occupancies(items), "may_manage": may_manage, "residents": residents},
    )


def facility(request: HttpRequest, facility_id: int) -> HttpResponse:
    user = _user(request)
    item = get_object_or_404(Facility, pk=facility_id, organisation_id=user.organisation_id)
    if not permissions.may_see_address(user, item):
        raise Http404
    audit_record(user, AuditAction.VIEW, item, request=request, detail={"what": "facility"})
    stays = Stay.objects.filter(facility=item, check_out_on__isnull=True).select_related("case")
    return render(
        request,
        "shelters/facility.html",
        {
            "facility": item,
            "occupancy": services.Occupancy(item, len(stays)),
            "stays": stays,
            "checkout_form": CheckOutForm(initial={"on": timezone.localdate()}),
        },
    )


def facility_edit(request: HttpRequest, facility_id: int | None = None) -> HttpResponse:
    user = _user(request)
    if not permissions.may_manage_facilities(user):
        raise Http404
    instance = (
        get_object_or_404(Facility, pk=facility_id, organisation_id=user.organisation_id) if facility_id else None
    )
    form = FacilityForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.save_facility(
                form.save(commit=False), changed=form.changed_data, actor=user, request=request
            )
        except ValidationError:
            form.add_error("name", _("Your organisation already has a shelter with this name."))
        else:
            messages.success(request, _("Shelter saved."))
            return redirect("shelters:facility", facility_id=item.pk)
    return render(
        request,
        "shelters/facility_form.html",
        {"form": form, "facility": instance},
        status=400 if form.is_bound else 200,
    )
