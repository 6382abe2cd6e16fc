"""PFIF 1.4: the public export (/pfif/personas.xml, /pfif/personas.atom) and the coordinators' review area of
imported records (/pfif/revision/). Staff pages: permissions from redalert.pfif.permissions (anything not allowed
is a 404), every page audited."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from redalert.access.policy import Action, may
from redalert.accounts.middleware import public
from redalert.accounts.models import User
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.cases.models import Case
from redalert.cases.services import IntakeData
from redalert.pfif import permissions, services
from redalert.pfif.export import atom_document, pfif_document
from redalert.pfif.forms import OpenCaseForm, UploadForm
from redalert.pfif.importer import PfifError, import_file
from redalert.pfif.models import ReviewStatus

PAGE_SIZE = 50


def _response(body: bytes, content_type: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    # As the public Atom feed: withdrawal of consent must take a record down at once, so no shared caches.
    response["Cache-Control"] = "no-cache"
    return response


@public
@require_GET
def pfif_xml(request: HttpRequest) -> HttpResponse:
    return _response(pfif_document(), "application/xml; charset=utf-8")


@public
@require_GET
def pfif_atom(request: HttpRequest) -> HttpResponse:
    return _response(atom_document(), "application/atom+xml; charset=utf-8")


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def review_list(request: HttpRequest) -> HttpResponse:
    """The organisation's imported records, pending first, and the upload form."""
    user = _user(request)
    if not permissions.may_review(user) or user.organisation is None:
        raise Http404
    organisation = user.organisation
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                summary = import_file(form.cleaned_data["file"].read(), organisation=organisation, actor=user)
            except PfifError as exc:
                form.add_error("file", str(exc))
            else:
                audit_record(user, AuditAction.CREATE, None, request=request, detail={"pfif_import": summary.created})
                messages.success(
                    request,
                    _("File imported: %(created)s new records, %(updated)s updated, %(removed)s removed.")
                    % {"created": summary.created, "updated": summary.updated, "removed": summary.removed},
                )
                return redirect("pfif:review")
        messages.error(request, _("Nothing was imported."))
        status = 400
    show = request.GET.get("show", "pending")
    rows = permissions.records_for(user)
    if show == "pending":
        rows = rows.filter(status=ReviewStatus.PENDING)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record(user, AuditAction.VIEW, None, request=request, detail={"list": "pfif", "show": show})
    return render(request, "pfif/review_list.html", {"form": form, "page": page, "show": show}, status=status)


def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    record = permissions.record_for(user, pk)
    audit_record(user, AuditAction.VIEW, record, request=request)
    pending = record.status == ReviewStatus.PENDING
    form = OpenCaseForm(initial=services.intake_initial(record)) if pending else None
    return render(request, "pfif/review_detail.html", _detail_context(user, record, form))


def _detail_context(user: User, record: object, form: OpenCaseForm | None) -> dict[str, object]:
    found = services.candidates(record) if form is not None else []  # type: ignore[arg-type]
    cases = {c.pk: c for c in Case.objects.filter(pk__in=[c.case_id for c in found])}
    shown = [(cases[c.case_id], c) for c in found if c.case_id in cases and may(user, Action.VIEW, cases[c.case_id])]
    return {"record": record, "form": form, "candidates": shown, "may_open_case": permissions.may_open_case(user)}


@require_POST
def open_case(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    record = permissions.record_for(user, pk)
    if not permissions.may_open_case(user) or record.status != ReviewStatus.PENDING:
        raise Http404
    form = OpenCaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The case was not opened: please correct the fields marked below."))
        return render(request, "pfif/review_detail.html", _detail_context(user, record, form), status=400)
    data = IntakeData(**{**form.cleaned_data})
    try:
        case = services.open_case(record, data, actor=user, request=request)
    except ValueError as exc:
        raise Http404 from exc
    messages.success(request, _("Case %(ref)s opened from the imported record.") % {"ref": case.reference})
    return redirect("cases:detail", pk=case.pk)


@require_POST
def dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    record = permissions.record_for(user, pk)
    services.dismiss(record, actor=user, request=request)
    messages.success(request, _("Record dismissed."))
    return redirect("pfif:review")
