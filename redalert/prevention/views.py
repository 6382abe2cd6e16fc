"""Pages of the prevention register: the list with filters, add and edit, the yearly summary, the CSV export.

Thin: who may see what is in redalert.prevention.permissions, the rules in rules.py, the figures in summary.py.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from redalert.accounts.models import User
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.prevention import permissions, services
from redalert.prevention.choices import USUAL_REACH
from redalert.prevention.export import register_csv
from redalert.prevention.forms import ActivityForm, FilterForm
from redalert.prevention.models import Activity
from redalert.prevention.summary import summary_rows, yearly_summary, years_with_activities

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _reader(request: HttpRequest) -> User:
    user = _user(request)
    permissions.require(permissions.may_read_register(user))
    return user


def _years(user: User) -> list[int]:
    years = years_with_activities(permissions.register_of(user))
    this_year = timezone.localdate().year
    return years if this_year in years else [this_year, *years]


def _selection(request: HttpRequest, user: User) -> tuple[FilterForm, Any, dict[str, Any]]:
    form = FilterForm(request.GET or None, years=_years(user), organisation=user.organisation)
    activities = permissions.register_of(user)
    chosen: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        chosen = {key: value for key, value in form.cleaned_data.items() if value not in (None, "")}
        activities = services.filtered(activities, **chosen)
    return form, activities, chosen


def activity_list(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    form, activities, chosen = _selection(request, user)
    page = Paginator(activities.select_related("place__subdivision"), PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record(user, AuditAction.VIEW, request=request, detail={"list": "prevention", "filters": _plain(chosen)})
    query = {key: str(value) for key, value in request.GET.items() if key != "page" and value}
    return render(
        request,
        "prevention/list.html",
        {
            "form": form,
            "page": page,
            "query_string": urlencode(query),
            "may_record": permissions.may_record_activities(user),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _plain(chosen: dict[str, Any]) -> dict[str, Any]:
    return {key: getattr(value, "code", value) for key, value in chosen.items()}


def _form_page(
    request: HttpRequest, form: ActivityForm, activity: Activity | None, *, status: int = 200
) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "prevention/form.html",
        {
            "form": form,
            "activity": activity,
            "may_delete": activity is not None and permissions.may_delete_activities(user),
            "indirect_types": sorted(USUAL_REACH),
        },
        status=status,
    )


def _save(request: HttpRequest, form: ActivityForm, activity: Activity | None) -> HttpResponse:
    user = _user(request)
    if form.is_valid():
        item: Activity = form.save(commit=False)
        try:
            services.save_activity(item, actor=user, request=request)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Activity saved.") if activity else _("Activity recorded."))
            return redirect(f"{_list_url()}?{urlencode({'year': item.held_on.year})}")
    messages.error(request, _("Nothing was saved: please correct the fields marked below."))
    return _form_page(request, form, activity, status=400)


def _list_url() -> str:
    from django.urls import reverse

    return reverse("prevention:list")


def activity_add(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    permissions.require(permissions.may_record_activities(user))
    if request.method == "POST":
        return _save(request, ActivityForm(request.POST), None)
    return _form_page(request, ActivityForm(initial={"held_on": timezone.localdate()}), None)


def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    activity = permissions.activity_for(user, pk, record=True)
    if request.method == "POST":
        return _save(request, ActivityForm(request.POST, instance=activity), activity)
    audit_record(user, AuditAction.VIEW, activity, request=request, detail={"section": services.SECTION})
    return _form_page(request, ActivityForm(instance=activity), activity)


@require_POST
def activity_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    activity = permissions.activity_for(user, pk, delete=True)
    services.delete_activity(activity, actor=user, request=request)
    messages.success(request, _("Activity deleted."))
    return redirect("prevention:list")


def summary(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    years = _years(user)
    try:
        year = int(request.GET.get("year") or years[0])
    except ValueError:
        year = years[0]
    if year not in years:
        year = years[0]
    audit_record(user, AuditAction.VIEW, request=request, detail={"list": "prevention_summary", "year": year})
    year_summary = yearly_summary(permissions.register_of(user), year)
    return render(
        request,
        "prevention/summary.html",
        {"summary": year_summary, "rows": summary_rows(year_summary), "years": years},
    )


def export(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    form, activities, chosen = _selection(request, user)
    if form.is_bound and form.errors:
        return HttpResponse(_("The filters are not valid: nothing was exported."), status=400)
    rows = list(activities.select_related("place__subdivision", "organisation"))
    audit_record(
        user,
        AuditAction.EXPORT,
        request=request,
        detail={"export": "prevention_register", "rows": len(rows), "filters": _plain(chosen)},
    )
    response = HttpResponse("\ufeff" + register_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="prevention-register.csv"'
    return response
