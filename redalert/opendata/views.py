"""Staff pages of data sharing: the HTCDS export and the open-data file. Thin: rules live in permissions, exports,
htcds, ctdc and kanon."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from redalert.accounts.models import User
from redalert.audit.models import AuditAction
from redalert.consent.choices import Purpose
from redalert.consent.rules import cases_consenting_to
from redalert.opendata import exports, permissions
from redalert.opendata.ctdc import COLUMNS_OF, CTDC_COLUMNS, HIERARCHIES
from redalert.opendata.forms import HtcdsExportForm
from redalert.opendata.sources import shareable_cases

PREVIEW_ROWS = 20
QUASI_IDENTIFIER_LABELS = {
    "year": _("Year of registration"),
    "gender": _("Gender"),
    "age": _("Age"),
    "citizenship": _("Nationality"),
    "exploitation": _("Types of exploitation"),
    "exploitation_country": _("Country of exploitation"),
    "means": _("Means of control"),
    "recruiter": _("Recruiter's relationship"),
}


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _index(request: HttpRequest, form: HtcdsExportForm, *, status: int = 200) -> HttpResponse:
    user = _user(request)
    cases = permissions.exportable_cases(user)
    shareable = shareable_cases(cases)
    context = {
        "form": form,
        "cases": cases.count(),
        "shareable": shareable.count(),
        "may_export_identifiers": permissions.may_export_identifiers(user),
        "identifiable": cases_consenting_to(shareable, Purpose.REFERRAL).count()
        if permissions.may_export_identifiers(user)
        else None,
    }
    return render(request, "opendata/index.html", context, status=status)


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    permissions.require_export(user)
    return _index(request, HtcdsExportForm(allow_identifiers=permissions.may_export_identifiers(user)))


@require_POST
def htcds_download(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    user = _user(request)
    permissions.require_export(user)
    if request.POST.get("identifiers") and not permissions.may_export_identifiers(user):
        raise Http404("No such page.")  # asking for identifiers without the role: as if the page did not exist
    form = HtcdsExportForm(request.POST, allow_identifiers=permissions.may_export_identifiers(user))
    if not form.is_valid():
        return _index(request, form, status=400)
    download = exports.htcds_export(
        user,
        fmt=form.cleaned_data["format"],
        with_identifiers=bool(form.cleaned_data.get("identifiers")),
        request=request,
    )
    response = StreamingHttpResponse(download.chunks, content_type=download.content_type)
    response["Content-Disposition"] = f'attachment; filename="{download.filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def open_data(request: HttpRequest) -> HttpResponse:
    """What the open-data file of the organisation would publish: counts, levels and the first rows."""
    user = _user(request)
    permissions.require_export(user)
    built = exports.open_data_file(permissions.exportable_cases(user))
    exports.audit_open_data(user, built, organisation=user.organisation, request=request, action=AuditAction.VIEW)
    anonymisation = built.anonymisation
    hierarchies = [
        {
            "label": QUASI_IDENTIFIER_LABELS[h.name],
            "columns": COLUMNS_OF[h.name][0] + (" …" if len(COLUMNS_OF[h.name]) > 1 else ""),
            "level": anonymisation.levels[h.name],
            "top": h.levels - 1,
            "generalised": anonymisation.generalised.get(h.name, 0),
        }
        for h in HIERARCHIES
    ]
    preview_columns = ["yearOfRegistration", "gender", "ageBroad", "majorityStatus", "citizenship",
                       "CountryOfExploitation", "typeOfExploitConcatenated", "RecruiterRelationship"]  # fmt: skip
    indexes = [CTDC_COLUMNS.index(c) for c in preview_columns]
    context = {
        "built": built,
        "hierarchies": hierarchies,
        "smallest_class": anonymisation.smallest_class,
        "classes": anonymisation.classes,
        "preview_columns": preview_columns,
        "preview": [[row[i] for i in indexes] for row in built.rows[:PREVIEW_ROWS]],
        "k": anonymisation.k,
    }
    return render(request, "opendata/open_data.html", context)


@require_GET
def open_data_download(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    permissions.require_export(user)
    built = exports.open_data_file(permissions.exportable_cases(user))
    exports.audit_open_data(user, built, organisation=user.organisation, request=request)
    response = HttpResponse(built.csv_text(), content_type="text/csv; charset=utf-8")
    code = user.organisation.code if user.organisation else "organisation"
    filename = f"open-data-{code}-k{built.anonymisation.k}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
