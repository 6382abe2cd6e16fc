"""The hotline desk: one screen per contact, usable during a live call on a phone, without JavaScript.

Views are thin: they check permissions (redalert.hotline.permissions, access.policy for cases), validate with the
forms and call redalert.hotline.actions (or the intake's own services for a new report). Every view that changes a
contact asks redalert.hotline.rules.refusal first: on an anonymised contact (or one of an erased case) the page shows
the reason instead of the forms, and a POST stores nothing and goes back to the page with it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from redalert.access.policy import Action, case_for, may
from redalert.accounts.models import User
from redalert.alerts.models import Authority, AuthorityType, Level
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.cases.choices import ReportChannel
from redalert.cases.intake_forms import IntakeForms
from redalert.cases.models import Case
from redalert.hotline import actions, rules
from redalert.hotline.actions import RELATIONSHIP_OF_CALLER, ContactError
from redalert.hotline.choices import Urgency
from redalert.hotline.forms import (
    CaseSearchForm,
    CloseForm,
    DetailsForm,
    EmergencyCallForm,
    IndicatorsForm,
    PromptFormSet,
    StartForm,
    TipForm,
    UrgencyForm,
)
from redalert.hotline.models import Contact, ScriptPrompt
from redalert.hotline.permissions import (
    contact_for,
    contacts_of,
    may_edit_script,
    may_see_caller_data,
    may_use_desk,
    require,
)
from redalert.matching.services import facts_from_intake, shown_candidates

# The kinds of authority to call first when someone is in immediate danger.
EMERGENCY_KINDS = [
    AuthorityType.POLICE,
    AuthorityType.PROSECUTOR,
    AuthorityType.CHILD_PROTECTION,
    AuthorityType.SEARCH_COMMISSION,
    AuthorityType.MIGRATION,
    AuthorityType.CONSULATE,
    AuthorityType.HUMAN_RIGHTS,
    AuthorityType.OTHER,
]


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def authorities_to_call(contact: Contact) -> list[Authority]:
    """Whom to call now, from the organisation's directory of authorities (redalert.alerts): those of the contact's
    state and the national level of its country when the place is known, else every active one; police first."""
    active = Authority.objects.filter(organisation_id=contact.organisation_id, is_active=True).prefetch_related(
        "contacts"
    )
    place = contact.place
    if place is not None:
        state_id = place.pk if place.kind == "subdivision" else place.subdivision_id
        national = active.filter(level=Level.FEDERAL, country_code=place.country_code)
        local = active.filter(level__in=[Level.STATE, Level.MUNICIPAL], subdivision_id=state_id)
        chosen = list((national | local).distinct()) if state_id else list(national)
        if chosen:
            active = active.filter(pk__in=[a.pk for a in chosen])
    rank: dict[str, int] = {str(kind): n for n, kind in enumerate(EMERGENCY_KINDS)}
    return sorted(active, key=lambda a: (rank.get(a.kind, 99), a.level != Level.STATE, a.name))


def desk(request: HttpRequest) -> HttpResponse:
    """The desk: start a contact; the open and recent contacts the member may open."""
    user = _user(request)
    require(may_use_desk(user))
    form = StartForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and user.organisation is not None:
        try:
            contact = actions.open_contact(
                user.organisation, by=user, channel=form.cleaned_data["channel"], request=request
            )
        except ContactError as error:
            messages.error(request, str(error))
        else:
            return redirect("hotline:contact", pk=contact.pk)
    contacts = contacts_of(user).select_related("taken_by").order_by("-started_at")[:50]
    return render(request, "hotline/desk.html", {"form": form, "contacts": contacts})


def _refused(request: HttpRequest, contact: Contact) -> HttpResponse | None:
    """Back to the contact's page with the reason when nothing more may be recorded on it; None when it may."""
    reason = rules.refusal(contact)
    if reason is None:
        return None
    messages.error(request, reason)
    return redirect("hotline:contact", pk=contact.pk)


def _screen(request: HttpRequest, contact: Contact, **forms: Any) -> HttpResponse:
    user = _user(request)
    reason = rules.refusal(contact)
    if reason is not None:
        # Anonymised (or its case erased): what was recorded stays readable, no form is offered.
        return render(
            request,
            "hotline/contact.html",
            {
                "contact": contact,
                "refusal": reason,
                "converted": contact.case_id is not None or contact.tip_id is not None,
                "case_visible": contact.case is not None and may(user, Action.VIEW, contact.case),
            },
        )
    details = forms.get("details") or DetailsForm(instance=contact, prefix="d")
    if not may_see_caller_data(user, contact):
        for name in ("caller_name", "caller_phone", "caller_email"):
            details.fields.pop(name, None)
    context = {
        "contact": contact,
        "prompts": ScriptPrompt.objects.filter(organisation_id=contact.organisation_id, is_active=True),
        "urgency_form": forms.get("urgency") or UrgencyForm(initial={"urgency": contact.urgency}, prefix="u"),
        "emergency_form": forms.get("emergency") or EmergencyCallForm(prefix="e"),
        "authorities": authorities_to_call(contact) if contact.urgency == Urgency.DANGER else [],
        "details_form": details,
        "indicators_form": forms.get("indicators") or IndicatorsForm(contact=contact, prefix="i"),
        "close_form": forms.get("close") or CloseForm(initial={"outcome": contact.outcome}, prefix="c"),
        "may_see_caller_data": may_see_caller_data(user, contact),
        "may_add_to_case": user.works_on_cases,
        "converted": contact.case_id is not None or contact.tip_id is not None,
        "case_visible": contact.case is not None and may(user, Action.VIEW, contact.case),
    }
    status = 400 if any(f is not None and f.is_bound and f.errors for f in forms.values()) else 200
    return render(request, "hotline/contact.html", context, status=status)


def contact_screen(request: HttpRequest, pk: int) -> HttpResponse:
    """The one screen of a contact: urgency first, whom to call, script prompts, details, indicators, outcome."""
    user = _user(request)
    contact = contact_for(user, pk)
    detail = {"what": "hotline contact", "caller_data": may_see_caller_data(user, contact)}
    audit_record(user, AuditAction.VIEW, contact, request=request, detail=detail)
    return _screen(request, contact)


@require_POST
def contact_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """One part of the screen sent: urgency, emergency (the call to an authority), details, indicators, close."""
    user = _user(request)
    contact = contact_for(user, pk)
    refused = _refused(request, contact)
    if refused is not None:
        return refused
    anchor = step
    try:
        if step == "urgency":
            form: Any = UrgencyForm(request.POST, prefix="u")
            if not form.is_valid():
                return _screen(request, contact, urgency=form)
            actions.record_urgency(contact, form.cleaned_data["urgency"], by=user, request=request)
            anchor = "emergency" if contact.urgency == Urgency.DANGER else "script"
        elif step == "emergency":
            form = EmergencyCallForm(request.POST, prefix="e")
            if not form.is_valid():
                return _screen(request, contact, emergency=form)
            actions.record_emergency_call(contact, by=user, authority=form.cleaned_data["authority"], request=request)
            messages.success(request, _("Call to the authority recorded."))
        elif step == "details":
            form = DetailsForm(request.POST, instance=Contact.objects.get(pk=contact.pk), prefix="d")
            if not may_see_caller_data(user, contact):
                for name in ("caller_name", "caller_phone", "caller_email"):
                    form.fields.pop(name, None)
            if not form.is_valid():
                return _screen(request, contact, details=form)
            values = {name: form.cleaned_data[name] for name in form.fields}
            actions.save_details(contact, values, by=user, request=request)
            messages.success(request, _("Saved."))
        elif step == "indicators":
            form = IndicatorsForm(request.POST, contact=contact, prefix="i")
            if not form.is_valid():
                return _screen(request, contact, indicators=form)
            actions.save_details(contact, {"indicators": form.answers()}, by=user, request=request)
            messages.success(request, _("Saved."))
        elif step == "close":
            form = CloseForm(request.POST, prefix="c")
            if not form.is_valid():
                return _screen(request, contact, close=form)
            actions.close_contact(
                contact,
                by=user,
                outcome=form.cleaned_data["outcome"],
                referred_to=form.cleaned_data.get("referred_to") or "",
                request=request,
            )
            messages.success(request, _("Contact %(ref)s closed.") % {"ref": contact.reference})
            return redirect("hotline:desk")
        else:
            raise Http404("No such step.")
    except ContactError as error:
        messages.error(request, str(error))
        contact.refresh_from_db()
        return _screen(request, contact)
    return redirect(f"{contact_url(contact)}#{anchor}")


def contact_url(contact: Contact) -> str:
    return reverse("hotline:contact", args=[contact.pk])


# --- What a contact becomes -------------------------------------------------------------------------------------


def _intake_initial(contact: Contact, user: User) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "reported_at": timezone.localtime(contact.started_at).strftime("%Y-%m-%dT%H:%M"),
        "report_channel": ReportChannel.HOTLINE,
    }
    if contact.caller_agrees_to_contact and may_see_caller_data(user, contact):
        initial["reporter_name"] = contact.caller_name
        initial["reporter_phone"] = contact.caller_phone
        initial["reporter_email"] = contact.caller_email
    relationship = RELATIONSHIP_OF_CALLER.get(contact.caller_relation)
    if relationship:
        initial["reporter_relationship"] = relationship
    return initial


def contact_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a new report from the contact, with the intake's own forms, duplicate check and consent section
    (cases.intake_forms); the contact then records the case it became."""
    user = _user(request)
    contact = contact_for(user, pk)
    refused = _refused(request, contact)
    if refused is not None:
        return refused
    if contact.case_id is not None or contact.tip_id is not None:
        messages.info(request, _("This contact already became a report or a tip."))
        return redirect("hotline:contact", pk=contact.pk)
    # The live check as she types is the intake's (it answers members who may create cases); a call-taker gets the
    # same check when she sends the form.
    forms = IntakeForms(
        request, user, report_initial=_intake_initial(contact, user), live_check=may(user, Action.CREATE)
    )
    if request.method == "POST":
        if forms.is_valid() and user.organisation is not None:
            if forms.stops_at_duplicates(request):
                return render(request, "hotline/report.html", forms.page_context(contact=contact))
            try:
                with transaction.atomic():
                    case = forms.open_case(actor=user, request=request)
                    actions.link_new_report(contact, case, by=user, request=request)
            except ContactError as error:
                messages.error(request, str(error))
                return redirect("hotline:contact", pk=contact.pk)
            messages.success(request, _("Report recorded as %(ref)s.") % {"ref": case.reference})
            return redirect("hotline:contact", pk=contact.pk)
        forms.refuse(request)
    return render(request, "hotline/report.html", forms.page_context(contact=contact))


def contact_further(request: HttpRequest, pk: int) -> HttpResponse:
    """Add the contact to an existing case: the matching app's candidates for the person the caller speaks of,
    shown only as far as the member may open them; the chosen case must be one she may change."""
    user = _user(request)
    contact = contact_for(user, pk)
    require(user.works_on_cases)
    refused = _refused(request, contact)
    if refused is not None:
        return refused
    form = CaseSearchForm(request.GET or None)
    candidates: list[Any] = []
    if form.is_valid():
        values = {**form.cleaned_data, "last_seen_place": contact.place}
        candidates = shown_candidates(user, facts_from_intake(values), request=request)
    if request.method == "POST":
        try:
            case_id = int(request.POST.get("case", ""))
        except ValueError:
            raise Http404("No such case.") from None
        case = case_for(user, case_id, Action.EDIT)
        score = request.POST.get("score") or None
        try:
            actions.add_to_case(contact, case, by=user, score=float(score) if score else None, request=request)
        except (ContactError, ValueError) as error:
            messages.error(request, str(error))
            return redirect("hotline:contact", pk=contact.pk)
        messages.success(request, _("Added to case %(ref)s as a further report.") % {"ref": case.reference})
        return redirect("hotline:contact", pk=contact.pk)
    return render(request, "hotline/further.html", {"contact": contact, "form": form, "candidates": candidates})


def contact_tip(request: HttpRequest, pk: int) -> HttpResponse:
    """Add what the caller says as a tip on a case she names by its reference (the case must be one the member
    may open, as anyone may send a tip; any other reference is "not found", like one that does not exist)."""
    user = _user(request)
    contact = contact_for(user, pk)
    require(user.works_on_cases)
    refused = _refused(request, contact)
    if refused is not None:
        return refused
    form = TipForm(request.POST or None, initial={"description": contact.summary})
    if request.method == "POST" and form.is_valid():
        reference = form.cleaned_data["reference"].strip().upper()
        case = Case.objects.filter(organisation_id=contact.organisation_id, reference__iexact=reference).first()
        if case is None or not may(user, Action.VIEW, case):
            form.add_error("reference", _("No case of the organisation has this reference."))
        else:
            try:
                tip = actions.add_tip(
                    contact,
                    case,
                    by=user,
                    description=form.cleaned_data["description"],
                    language=(get_language() or "es")[:8],
                    request=request,
                )
            except ContactError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request, _("Tip %(code)s added to case %(ref)s.") % {"code": tip.code, "ref": case.reference}
                )
                return redirect("hotline:contact", pk=contact.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "hotline/tip.html", {"contact": contact, "form": form}, status=status)


# --- The script -------------------------------------------------------------------------------------------------


def script(request: HttpRequest) -> HttpResponse:
    """The organisation's script prompts, edited by an administrator."""
    user = _user(request)
    require(may_edit_script(user))
    organisation_id: int = user.organisation_id or 0
    queryset = ScriptPrompt.objects.filter(organisation_id=organisation_id)
    formset = PromptFormSet(request.POST or None, queryset=queryset, prefix="p")
    if request.method == "POST":
        if formset.is_valid():
            with transaction.atomic():
                prompts = formset.save(commit=False)
                for prompt in prompts:
                    prompt.organisation_id = organisation_id
                    prompt.save()
                for deleted in formset.deleted_objects:
                    deleted.delete()
                audit_record(
                    user,
                    AuditAction.CHANGE,
                    request=request,
                    detail={"what": "hotline script", "saved": len(prompts), "deleted": len(formset.deleted_objects)},
                )
            messages.success(request, _("Saved."))
            return redirect("hotline:script")
        messages.error(request, _("Nothing was saved: please correct the fields marked below."))
    return render(request, "hotline/script.html", {"formset": formset}, status=400 if formset.is_bound else 200)
