"""Staff pages of the register of people found. Thin: who may see what comes from redalert.found.permissions
(on top of redalert.access.policy); every page is audited; anything not allowed is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from redalert.access.policy import case_for
from redalert.accounts.models import User
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.cases.lifecycle import TransitionError
from redalert.cases.photos import PhotoError, clean_photo
from redalert.cases.services import record_view as record_case_view
from redalert.cases.views import case_nav_context
from redalert.found import permissions, services
from redalert.found.choices import CandidateStatus
from redalert.found.forms import ConfirmForm, FoundPersonForm, FoundPhotoForm
from redalert.found.models import Candidate, FoundPhoto

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def register(request: HttpRequest) -> HttpResponse:
    """The organisation's register: open records first, with how many pairs wait for a decision."""
    user = _user(request)
    if not permissions.may_view_register(user):
        raise Http404
    show = request.GET.get("show", "open")
    rows = permissions.register_for(user).select_related("found_place", "linked_case")
    if show == "open":
        rows = rows.filter(linked_case__isnull=True)
    rows = rows.annotate(proposed=Count("candidates", filter=Q(candidates__status=CandidateStatus.PROPOSED)))
    rows = rows.order_by("-found_on", "-id")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record(user, AuditAction.VIEW, None, request=request, detail={"list": "found", "show": show})
    return render(
        request,
        "found/list.html",
        {"page": page, "show": show, "may_record": permissions.may_record(user)},
    )


def add(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not permissions.may_record(user):
        raise Http404
    form = FoundPersonForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            found = services.record_found(form.save(commit=False), actor=user, request=request)
            messages.success(request, _("Person found recorded as %(reference)s.") % {"reference": found.reference})
            return redirect("found:detail", pk=found.pk)
        return render(request, "found/form.html", {"form": form, "title": _("Record a person found")}, status=400)
    return render(request, "found/form.html", {"form": form, "title": _("Record a person found")})


def edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    found = permissions.found_for(user, pk, record=True)
    form = FoundPersonForm(request.POST or None, instance=found)
    title = _("Edit %(reference)s") % {"reference": found.reference}
    if request.method == "POST":
        if form.is_valid():
            services.save_found(form.save(commit=False), form.changed_data, actor=user, request=request)
            messages.success(request, _("Record saved."))
            return redirect("found:detail", pk=found.pk)
        return render(request, "found/form.html", {"form": form, "title": title, "found": found}, status=400)
    services.record_view(found, actor=user, request=request, what="edit")
    return render(request, "found/form.html", {"form": form, "title": title, "found": found})


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A record, its photos (for the roles that may see them) and its pairs: proposed, confirmed, rejected."""
    user = _user(request)
    found = permissions.found_for(user, pk)
    services.record_view(found, actor=user, request=request)
    candidates = list(Candidate.objects.filter(found=found).select_related("case", "case__person"))
    may_see_photos = permissions.may_see_photos(user)
    return render(
        request,
        "found/detail.html",
        {
            "found": found,
            "photos": found.photos.all() if may_see_photos else [],
            "may_see_photos": may_see_photos,
            "may_record": permissions.may_record(user),
            "photo_form": FoundPhotoForm() if permissions.may_record(user) else None,
            "proposed": [c for c in candidates if c.status == CandidateStatus.PROPOSED],
            "decided": [c for c in candidates if c.status != CandidateStatus.PROPOSED],
        },
    )


@require_POST
def photo_upload(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    found = permissions.found_for(user, pk, record=True)
    if not permissions.may_see_photos(user):
        raise Http404
    form = FoundPhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a photo to upload."))
        return redirect("found:detail", pk=found.pk)
    upload = form.cleaned_data["photo"]
    try:
        photo = clean_photo(upload, upload.size)
    except PhotoError as exc:
        messages.error(request, str(exc))
        return redirect("found:detail", pk=found.pk)
    services.add_photo(found, photo, actor=user, request=request)
    messages.success(request, _("Photo added. Its location and camera data were removed."))
    return redirect("found:detail", pk=found.pk)


def photo_file(request: HttpRequest, pk: int, photo_id: int) -> HttpResponseBase:
    user = _user(request)
    found = permissions.found_for(user, pk)
    if not permissions.may_see_photos(user):
        raise Http404
    photo = get_object_or_404(FoundPhoto, pk=photo_id, found=found)
    services.record_view(found, actor=user, request=request, what=f"photo {photo.pk}")
    response = FileResponse(photo.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


def _pair(user: User, pk: int, candidate_id: int) -> Candidate:
    found = permissions.found_for(user, pk)
    pair = get_object_or_404(Candidate.objects.select_related("found"), pk=candidate_id, found=found)
    pair.case = case_for(user, pair.case_id)  # the case's own permission (and its 404)
    return pair


def candidate(request: HttpRequest, pk: int, candidate_id: int, *, form: ConfirmForm | None = None) -> HttpResponse:
    """The record and the case side by side, with why matching proposed them; confirm or reject."""
    user = _user(request)
    pair = _pair(user, pk, candidate_id)
    case = pair.case
    services.record_view(pair.found, actor=user, request=request, what=f"pair {pair.pk}")
    record_case_view(case, actor=user, request=request, what=f"found pair {pair.pk}")
    may_see_photos = permissions.may_see_photos(user)
    return render(
        request,
        "found/candidate.html",
        {
            "pair": pair,
            "found": pair.found,
            "case": case,
            "person": case.person,
            "may_see_photos": may_see_photos,
            "found_photos": pair.found.photos.all() if may_see_photos else [],
            "case_photos": case.photos.all() if may_see_photos else [],
            "may_decide": pair.status == CandidateStatus.PROPOSED and permissions.may_decide(user, case),
            "confirm_form": form or ConfirmForm(),
        },
        status=400 if form is not None else 200,
    )


def case_pairs(request: HttpRequest, case_id: int) -> HttpResponse:
    """The case file's tab: the people found that the register proposed for this case, and the decisions taken."""
    user = _user(request)
    case = case_for(user, case_id)
    if not permissions.may_view_register(user):
        raise Http404
    record_case_view(case, actor=user, request=request, what="found pairs")
    pairs = Candidate.objects.filter(case=case, found__organisation_id=case.organisation_id)
    return render(
        request,
        "found/case.html",
        {
            "case": case,
            "pairs": pairs.select_related("found", "found__found_place"),
            **case_nav_context(user, case),
        },
    )


@require_POST
def decide(request: HttpRequest, pk: int, candidate_id: int) -> HttpResponse:
    user = _user(request)
    pair = _pair(user, pk, candidate_id)
    if not permissions.may_decide(user, pair.case):
        raise Http404
    decision = request.POST.get("decision")
    try:
        if decision == "reject":
            services.reject(pair, actor=user, request=request)
            messages.success(request, _("Not the same person: this pair will not be proposed again."))
            return redirect("found:detail", pk=pair.found_id)
        if decision != "confirm":
            messages.error(request, _("Choose whether it is the same person or not."))
            return candidate(request, pk, candidate_id, form=ConfirmForm(request.POST))
        form = ConfirmForm(request.POST)
        if not form.is_valid():
            return candidate(request, pk, candidate_id, form=form)
        how, details = form.cleaned_data["how"], form.cleaned_data["details"]
        services.confirm(pair, how=how, details=details, actor=user, request=request)
    except (services.DecisionError, TransitionError) as exc:
        messages.error(request, str(exc))
        return candidate(request, pk, candidate_id, form=ConfirmForm(request.POST))
    messages.success(request, _("Same person: the case's outcome is recorded and the record is linked to it."))
    return redirect("cases:detail", pk=pair.case_id)
