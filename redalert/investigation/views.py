"""The investigation section of a case: for the team's field investigators, coordinators and lawyers only.

Every page view and file download is audited; anything not allowed is the same 404 as a case that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from redalert.access.policy import Action, case_for, may
from redalert.accounts.models import User
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.cases.choices import CaseStatus, NoteSection
from redalert.cases.lifecycle import LOCATED, TransitionError
from redalert.cases.models import Case
from redalert.cases.services import record_view
from redalert.cases.views import case_nav_context
from redalert.investigation import services
from redalert.investigation.choices import NOT_KNOWN
from redalert.investigation.evidence import EvidenceError, check_evidence, fingerprint
from redalert.investigation.forms import (
    CustodyForm,
    EvidenceForm,
    FindingForm,
    LinkedPersonForm,
    OutcomeForm,
    SourceForm,
    TraffickingEventForm,
    TraffickingFactsForm,
)
from redalert.investigation.models import (
    EvidenceItem,
    Finding,
    LinkedPerson,
    Source,
    TraffickingEvent,
    TraffickingFacts,
    extension,
)

SECTION = NoteSection.INVESTIGATION


def _region(user: User) -> str:
    return user.organisation.country if user.organisation else ""


def _viewable(request: HttpRequest, pk: int) -> tuple[User, Case]:
    user: User = request.user  # type: ignore[assignment]
    return user, case_for(user, pk, Action.VIEW, SECTION)


def _writable(request: HttpRequest, pk: int) -> tuple[User, Case]:
    user: User = request.user  # type: ignore[assignment]
    return user, case_for(user, pk, Action.ADD_NOTE, SECTION)


def _labels(values: list[str], choices: Any) -> list[str]:
    names = dict(choices)
    return [str(names.get(v, _("Not known") if v == NOT_KNOWN else v)) for v in values]


def _facts_rows(facts: TraffickingFacts | None) -> list[tuple[str, Any]]:
    """(label, value) rows; a value of None shows as "not recorded"."""
    if facts is None:
        return []
    form_fields = TraffickingFactsForm.base_fields
    rows: list[tuple[str, Any]] = [(_("Trafficking status"), facts.get_trafficking_status_display())]
    for name in (
        "methods_of_recruitment",
        "websites_apps",
        "methods_of_control",
        "exploitation_types",
        "sex_exploitation_types",
    ):
        field = form_fields[name]
        values = getattr(facts, name)
        rows.append((str(field.label), ", ".join(_labels(values, field.choices)) if values else None))  # type: ignore[attr-defined]
    rows += [
        (_("How she was recruited"), facts.recruitment_detail or None),
        (_("Other websites, apps or profiles"), facts.websites_other or None),
        (_("Relationship to the trafficker"), facts.get_relationship_to_trafficker_display()),
        (_("Organised crime involved"), facts.get_organised_crime_display()),
        (_("Notes"), facts.notes or None),
    ]
    return rows


def route_points(route: list[Any]) -> list[dict[str, Any]]:
    """The route's stops with the public coordinates of their places (town centres), for the map."""
    points = []
    for event in route:
        place = event.place
        if place is not None and place.latitude is not None and place.longitude is not None:
            points.append(
                {
                    "lat": place.latitude,
                    "lng": place.longitude,
                    "label": f"{event.get_event_type_display()}: {place.label}"
                    + (f" ({event.on.isoformat()})" if event.on else ""),
                }
            )
    return points


def overview(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _viewable(request, pk)
    record_view(case, actor=user, request=request, section=SECTION)
    may_add = may(user, Action.ADD_NOTE, case, SECTION)
    sources = Source.objects.filter(case=case).select_related("recorded_by")
    people = list(LinkedPerson.objects.filter(case=case).select_related("case"))
    route = list(TraffickingEvent.objects.filter(case=case).select_related("place", "place__subdivision"))
    facts = TraffickingFacts.objects.filter(case=case).first()
    cross_links = services.also_appears_in(user, people)
    for person in people:
        person.cross_links = cross_links.get(person.pk, [])  # type: ignore[attr-defined]
    context = {
        "case": case,
        **case_nav_context(user, case),
        "may_add": may_add,
        "may_record_outcome": may(user, Action.CHANGE_STATUS, case),
        "sources": sources,
        "findings": Finding.objects.filter(case=case).select_related("recorded_by", "source"),
        "evidence": EvidenceItem.objects.filter(case=case),
        "people": people,
        "route": route,
        "route_points": route_points(route),
        "map_tile_url": settings.MAP_TILE_URL,
        "facts": facts,
        "facts_rows": _facts_rows(facts),
        "outcome": getattr(case, "outcome", None),
    }
    if may_add:
        region = _region(user)
        context.update(
            {
                "source_form": SourceForm(prefix="source"),
                "finding_form": FindingForm(prefix="finding", sources=sources),
                "evidence_form": EvidenceForm(prefix="evidence", sources=sources),
                "person_form": LinkedPersonForm(prefix="person", phone_region=region),
                "event_form": TraffickingEventForm(prefix="event"),
            }
        )
    return render(request, "investigation/overview.html", context)


def _form_page(request: HttpRequest, case: Case, user: User, form: Any, title: str, multipart: bool = False) -> Any:
    messages.error(request, _("It was not saved: please correct the fields marked below."))
    return render(
        request,
        "investigation/form.html",
        {"case": case, "form": form, "title": title, "multipart": multipart, **case_nav_context(user, case)},
        status=400,
    )


@require_POST
def source_add(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _writable(request, pk)
    form = SourceForm(request.POST, prefix="source")
    if not form.is_valid():
        return _form_page(request, case, user, form, _("Add a source examined"))
    services.add_recorded(case, form.save(commit=False), actor=user, request=request)
    messages.success(request, _("Source recorded."))
    return redirect("investigation:overview", pk=case.pk)


@require_POST
def finding_add(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _writable(request, pk)
    form = FindingForm(request.POST, prefix="finding", sources=Source.objects.filter(case=case))
    if not form.is_valid():
        return _form_page(request, case, user, form, _("Add a finding"))
    services.add_recorded(case, form.save(commit=False), actor=user, request=request)
    messages.success(request, _("Finding recorded."))
    return redirect("investigation:overview", pk=case.pk)


@require_POST
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _writable(request, pk)
    form = EvidenceForm(request.POST, request.FILES, prefix="evidence", sources=Source.objects.filter(case=case))
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            checked = check_evidence(upload, upload.size)
        except EvidenceError as exc:
            form.add_error("file", str(exc))
        else:
            data = form.cleaned_data
            item = services.add_evidence(
                case,
                checked,
                title=data["title"],
                description=data["description"],
                original_name=upload.name or "",
                collected_by=data["collected_by"],
                collected_at=data["collected_at"],
                source=data["source"],
                actor=user,
                request=request,
            )
            messages.success(request, _("Evidence kept. Fingerprint (SHA-256): %(sha)s") % {"sha": item.sha256})
            return redirect("investigation:evidence", pk=case.pk, item_id=item.pk)
    return _form_page(request, case, user, form, _("Add evidence"), multipart=True)


def evidence_detail(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    """An evidence item, its chain of custody, and whether the stored file still matches its fingerprint."""
    user, case = _viewable(request, pk)
    item = get_object_or_404(EvidenceItem, pk=item_id, case=case)
    current = fingerprint(item.file)
    matches = current == item.sha256
    record_view(case, actor=user, request=request, section=SECTION, what=f"evidence {item.pk}")
    if not matches:
        audit_record(
            user,
            AuditAction.VIEW,
            item,
            case=case,
            request=request,
            detail={"fingerprint": "mismatch", "expected": item.sha256, "found": current},
        )
    may_add = may(user, Action.ADD_NOTE, case, SECTION)
    return render(
        request,
        "investigation/evidence.html",
        {
            "case": case,
            "item": item,
            "custody": item.custody.select_related("recorded_by"),
            "current_sha256": current,
            "matches": matches,
            "custody_form": CustodyForm(prefix="custody") if may_add else None,
            **case_nav_context(user, case),
        },
    )


def evidence_file(request: HttpRequest, pk: int, item_id: int) -> HttpResponseBase:
    """The file itself, re-hashed on every download; the audit log and a header say whether it still matches."""
    user, case = _viewable(request, pk)
    item = get_object_or_404(EvidenceItem, pk=item_id, case=case)
    matches = fingerprint(item.file) == item.sha256
    verdict = "match" if matches else "mismatch"
    audit_record(user, AuditAction.DOWNLOAD, item, case=case, request=request, detail={"fingerprint": verdict})
    response = FileResponse(
        item.file.open("rb"),
        content_type=item.content_type,
        as_attachment=True,
        filename=f"{case.reference}-evidence-{item.pk}.{extension(item.content_type)}",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Evidence-SHA256"] = item.sha256
    response["X-Evidence-Fingerprint"] = verdict
    return response


@require_POST
def custody_add(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    user, case = _writable(request, pk)
    item = get_object_or_404(EvidenceItem, pk=item_id, case=case)
    form = CustodyForm(request.POST, prefix="custody")
    if not form.is_valid():
        return _form_page(request, case, user, form, _("Record a hand-over"))
    services.add_custody_event(item, form.save(commit=False), actor=user, request=request)
    messages.success(request, _("Chain of custody updated."))
    return redirect("investigation:evidence", pk=case.pk, item_id=item.pk)


@require_POST
def person_add(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _writable(request, pk)
    form = LinkedPersonForm(request.POST, prefix="person", phone_region=_region(user))
    if not form.is_valid():
        return _form_page(request, case, user, form, _("Link a person to the case"))
    services.save_linked_person(case, form.save(commit=False), actor=user, request=request)
    messages.success(request, _("Person linked to the case."))
    return redirect("investigation:overview", pk=case.pk)


@require_POST
def event_add(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _writable(request, pk)
    form = TraffickingEventForm(request.POST, prefix="event")
    if not form.is_valid():
        return _form_page(request, case, user, form, _("Add a stop on the route"))
    services.add_recorded(case, form.save(commit=False), actor=user, request=request)
    messages.success(request, _("Route updated."))
    return redirect("investigation:overview", pk=case.pk)


def facts_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _writable(request, pk)
    facts = TraffickingFacts.objects.filter(case=case).first() or TraffickingFacts(case=case)
    form = TraffickingFactsForm(request.POST or None, instance=facts)
    if request.method == "POST":
        if form.is_valid():
            services.save_facts(case, form.save(commit=False), actor=user, request=request)
            messages.success(request, _("Facts of the case saved."))
            return redirect("investigation:overview", pk=case.pk)
        return _form_page(request, case, user, form, _("Facts of the trafficking"))
    record_view(case, actor=user, request=request, section=SECTION, what="facts form")
    return render(
        request,
        "investigation/form.html",
        {"case": case, "form": form, "title": _("Facts of the trafficking"), **case_nav_context(user, case)},
    )


RECORDABLE = (CaseStatus.ACTIVE_SEARCH, CaseStatus.LOCATED_ALIVE, CaseStatus.LOCATED_DECEASED)


def outcome(request: HttpRequest, pk: int) -> HttpResponse:
    """Record that she was located: for coordinators and the team's caseworkers (who change a case's status)."""
    user: User = request.user  # type: ignore[assignment]
    case = case_for(user, pk, Action.CHANGE_STATUS)
    existing = getattr(case, "outcome", None)
    can_record = existing is None and case.status in RECORDABLE
    initial = {"result": case.status, "on": case.located_on} if case.status in LOCATED else {}
    form = OutcomeForm(request.POST or None, initial=initial) if can_record else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                services.record_outcome(case, services.OutcomeData(**form.cleaned_data), actor=user, request=request)
            except TransitionError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Outcome recorded; the case is now in follow-up."))
                return redirect("cases:detail", pk=case.pk)
        status = 400
    else:
        record_view(case, actor=user, request=request, what="outcome")
    return render(
        request,
        "investigation/outcome.html",
        {"case": case, "form": form, "outcome": existing, **case_nav_context(user, case)},
        status=status,
    )
