"""Staff pages of a case file. Thin: permissions come from redalert.access.policy, rules from the domain modules."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from redalert.access.policy import Action, case_for, may, visible_sections
from redalert.accounts.models import User, people_of
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction, AuditEntry
from redalert.cases import services
from redalert.cases.choices import CaseStatus, NoteSection
from redalert.cases.forms import (
    CaseReportForm,
    CaseSearchForm,
    FamilyContactForm,
    NoteForm,
    PersonForm,
    PhotoForm,
    TeamForm,
    TransitionForm,
    check_dates_against_birth,
)
from redalert.cases.intake_forms import IntakeForms, phone_region
from redalert.cases.lifecycle import LOCATED, TransitionError, TransitionRequest, allowed_targets, transition
from redalert.cases.models import Photo
from redalert.cases.photos import PhotoError, clean_photo
from redalert.cases.search_audit import search_audit_detail
from redalert.consent.choices import Purpose
from redalert.consent.rules import current_consents

# The case list runs the investigation app's staff search (it also reads linked people's keyed names): an exception
# to the layers, listed in pyproject.toml.
from redalert.investigation.search import CaseQuery, search_cases
from redalert.lib.intake import case_panels
from redalert.lib.navigation import case_tabs_for
from redalert.places.names import country_name, language_name

PAGE_SIZE = 50


def case_nav_context(user: User, case: Any) -> dict[str, Any]:
    """What the case header (tabs) may offer this user: its own tabs, and those other apps registered
    (redalert.lib.navigation.register_case_tab: care, erasure requests…)."""
    sections = visible_sections(user, case)
    tabs = case_tabs_for(user, case)
    return {
        **tabs,
        "sections": [s for s in NoteSection if s.value in sections and s != NoteSection.GENERAL],
        "may_manage_team": may(user, Action.MANAGE_TEAM, case),
        "may_view_audit": may(user, Action.VIEW_AUDIT, case),
        "may_triage_tips": may(user, Action.TRIAGE_TIPS, case),
        # The health section's tab already leads to the care pages.
        "may_see_care": tabs.get("may_see_care", False) and NoteSection.HEALTH not in sections,
        "may_record_outcome": may(user, Action.CHANGE_STATUS, case)
        and case.status in (CaseStatus.ACTIVE_SEARCH, CaseStatus.LOCATED_ALIVE, CaseStatus.LOCATED_DECEASED),
        "may_publish": may(user, Action.PUBLISH, case),
        # Another organisation's case opened through a transfer or referral (redalert.transfers): only the sections
        # shared with hers, never its consent, tasks or Red Alerts, which stay with the organisation that holds it.
        "shared_case": case.organisation_id != user.organisation_id,
    }


def case_list(request: HttpRequest) -> HttpResponse:
    """The staff case search; results only from the cases the user may open (redalert.investigation.search)."""
    user: User = request.user  # type: ignore[assignment]
    form = CaseSearchForm(request.GET or None, user=user)
    query = CaseQuery()
    if form.is_valid():
        query = CaseQuery(**{k: v for k, v in form.cleaned_data.items() if v not in (None, "")})
    page = Paginator(search_cases(user, query), PAGE_SIZE).get_page(request.GET.get("page"))
    if user.works_on_cases:
        audit_record(
            user,
            AuditAction.VIEW,
            request=request,
            # The criteria, a keyed digest of the text and the plain filters; never the names typed.
            detail={**search_audit_detail(form), "page": page.number, "cases": [c.pk for c in page]},
        )
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "cases/list.html", {"form": form, "page": page, "query_string": params.urlencode()})


def intake(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not may(user, Action.CREATE) or user.organisation is None:
        raise Http404
    forms = IntakeForms(request, user)
    if request.method == "POST":
        if forms.is_valid():
            if forms.stops_at_duplicates(request):
                return render(request, "cases/intake.html", forms.page_context())
            with transaction.atomic():
                case = forms.open_case(actor=user, request=request)
            messages.success(request, _("Report recorded as %(ref)s.") % {"ref": case.reference})
            return redirect("cases:detail", pk=case.pk)
        forms.refuse(request)
    return render(request, "cases/intake.html", forms.page_context())


def _timeline(user: User, case: Any) -> Any:
    return (
        case.timeline.filter(section__in=visible_sections(user, case))
        .select_related("actor", "note")
        .order_by("-at", "-id")[:200]
    )


def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    case = case_for(user, pk)
    services.record_view(case, actor=user, request=request)
    sections = visible_sections(user, case)
    # "Located" is recorded with its details through the outcome form (investigation), which moves the status: the
    # status menu offers it as a link, never as a bare status (issue 17).
    targets = [(s, CaseStatus(s).label) for s in allowed_targets(case) if s not in LOCATED]
    consents = current_consents(case)
    language = (get_language() or "es")[:2]
    context = {
        "case": case,
        "person": case.person,
        "consent_rows": [(Purpose(p), record) for p, record in consents.items()],
        "nationality_names": [country_name(code, language) for code in case.person.nationalities],
        "language_names": [language_name(code, language) for code in case.person.languages],
        "team": case.memberships.select_related("user").order_by("added_at"),
        "photos": case.photos.all(),
        "contacts": case.family_contacts.all(),
        "timeline": _timeline(user, case),
        **case_nav_context(user, case),
        "note_form": NoteForm(sections=[s for s in sections if may(user, Action.ADD_NOTE, case, s)]),
        "transition_form": TransitionForm(targets=targets) if targets else None,
        "may_record_located": any(s in LOCATED for s in allowed_targets(case)),
        # Located (the outcome moved her to follow-up) while a Red Alert is still active: offer to cancel or update it.
        "has_open_alert": bool(case.located_on)
        and case.status != CaseStatus.CLOSED
        and case.alerts.exists()
        and not case.alerts.filter(kind="cancel").exists(),
        "photo_form": PhotoForm(),
        "may_edit": may(user, Action.EDIT, case),
        "may_change_status": may(user, Action.CHANGE_STATUS, case),
        "may_manage_consent": may(user, Action.MANAGE_CONSENT, case),
        "may_add_note": may(user, Action.ADD_NOTE, case),
        "case_panels": case_panels(user, case),  # other apps' panels (redalert.lib.intake): further reports…
    }
    return render(request, "cases/detail.html", context)


def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    case = case_for(user, pk, Action.EDIT)
    region = phone_region(user)
    report_form = CaseReportForm(request.POST or None, instance=case, prefix="report", phone_region=region)
    person_form = PersonForm(request.POST or None, instance=case.person, prefix="person")
    if request.method == "POST":
        forms_valid = report_form.is_valid() and person_form.is_valid()
        check_dates_against_birth(report_form, person_form)
        if forms_valid and not report_form.errors:
            changes = services.save_changes(
                case, [report_form.instance, person_form.instance], actor=user, request=request
            )
            if changes:
                messages.success(request, _("Changes saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("cases:detail", pk=case.pk)
        messages.error(request, _("The changes were not saved: please correct the fields marked below."))
    else:
        services.record_view(case, actor=user, request=request, what="edit form")
    return render(request, "cases/edit.html", {"case": case, "report_form": report_form, "person_form": person_form})


@require_POST
def case_transition(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    case = case_for(user, pk, Action.CHANGE_STATUS)
    form = TransitionForm(request.POST, targets=[(s, CaseStatus(s).label) for s in CaseStatus.values])
    if not form.is_valid():
        messages.error(request, _("Choose a valid status and date."))
        return redirect("cases:detail", pk=case.pk)
    if form.cleaned_data["to"] in LOCATED:
        messages.error(request, _("Record that she was located with the outcome form: it asks for the details."))
        return redirect("cases:detail", pk=case.pk)
    req = TransitionRequest(to=form.cleaned_data["to"], on=form.cleaned_data["on"], reason=form.cleaned_data["reason"])
    try:
        transition(case, req, user, request=request)
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Status changed to “%(status)s”.") % {"status": CaseStatus(req.to).label})
    return redirect("cases:detail", pk=case.pk)


@require_POST
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    section = request.POST.get("section", NoteSection.GENERAL)
    case = case_for(user, pk, Action.ADD_NOTE, section if section in NoteSection.values else NoteSection.GENERAL)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.add_note(case, form.cleaned_data["section"], form.cleaned_data["body"], actor=user, request=request)
        messages.success(request, _("Note added."))
    else:
        messages.error(request, _("The note was not saved: it is empty or too long."))
    if section != NoteSection.GENERAL:
        return redirect("cases:section", pk=case.pk, section=section)
    return redirect("cases:detail", pk=case.pk)


def case_section(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    """A sensitive section of the case (investigation, legal, health, shelter): for the team, by role."""
    if section not in NoteSection.values or section == NoteSection.GENERAL:
        raise Http404
    user: User = request.user  # type: ignore[assignment]
    case = case_for(user, pk, Action.VIEW, section)
    services.record_view(case, actor=user, request=request, section=section)
    notes = case.notes.filter(section=section).select_related("author").order_by("-created_at", "-id")
    form = (
        NoteForm(initial={"section": section}, sections=[section])
        if may(user, Action.ADD_NOTE, case, section)
        else None
    )
    return render(
        request,
        "cases/section.html",
        {
            "case": case,
            "section": NoteSection(section),
            "notes": notes,
            "note_form": form,
            **case_nav_context(user, case),
        },
    )


@require_POST
def photo_upload(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    case = case_for(user, pk, Action.EDIT)
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a photo to upload."))
        return redirect("cases:detail", pk=case.pk)
    upload = form.cleaned_data["photo"]
    try:
        photo = clean_photo(upload, upload.size)
    except PhotoError as exc:
        messages.error(request, str(exc))
        return redirect("cases:detail", pk=case.pk)
    services.add_photo(case, photo, caption=form.cleaned_data["caption"], actor=user, request=request)
    messages.success(request, _("Photo added. Its location and camera data were removed."))
    return redirect("cases:detail", pk=case.pk)


def photo_file(request: HttpRequest, pk: int, photo_id: int) -> HttpResponseBase:
    user: User = request.user  # type: ignore[assignment]
    case = case_for(user, pk)
    photo = get_object_or_404(Photo, pk=photo_id, case=case)
    services.record_view(case, actor=user, request=request, what=f"photo {photo.pk}")
    response = FileResponse(photo.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


def contact_add(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    case = case_for(user, pk, Action.EDIT)
    form = FamilyContactForm(request.POST or None, phone_region=phone_region(user))
    if request.method == "POST" and form.is_valid():
        services.add_family_contact(case, form.save(commit=False), actor=user, request=request)
        messages.success(request, _("Family contact added."))
        return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/contact_form.html", {"case": case, "form": form})


def case_team(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    case = case_for(user, pk, Action.MANAGE_TEAM)
    candidates = (
        people_of(case.organisation)
        .filter(is_active=True)
        .exclude(case_memberships__case=case)
        .order_by("first_name", "username")
    )
    form = TeamForm(request.POST or None, candidates=candidates)
    if request.method == "POST":
        remove_id = request.POST.get("remove")
        if remove_id:
            member = get_object_or_404(User, pk=remove_id, organisation=case.organisation)
            services.remove_team_member(case, member, actor=user, request=request)
            messages.success(request, _("%(name)s left the team.") % {"name": member})
            return redirect("cases:team", pk=case.pk)
        if form.is_valid():
            services.add_team_member(case, form.cleaned_data["member"], actor=user, request=request)
            messages.success(request, _("%(name)s joined the team.") % {"name": form.cleaned_data["member"]})
            return redirect("cases:team", pk=case.pk)
    team = case.memberships.select_related("user").prefetch_related("user__role_assignments").order_by("added_at")
    return render(
        request, "cases/team.html", {"case": case, "team": team, "form": form, **case_nav_context(user, case)}
    )


def case_audit(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    case = case_for(user, pk, Action.VIEW_AUDIT)
    services.record_view(case, actor=user, request=request, what="audit trail")
    entries = AuditEntry.objects.filter(case_id=case.pk).order_by("-id")[:500]
    return render(request, "cases/audit.html", {"case": case, "entries": entries, **case_nav_context(user, case)})
