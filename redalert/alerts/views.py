"""Red Alert pages: the case tab (alerts and their status, issuing), the directory, the acknowledgement link
(public, no account) and the due-diligence figures."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from redalert.access.policy import Action, case_for
from redalert.accounts.middleware import public
from redalert.alerts import services
from redalert.alerts.acknowledgement import (
    AckRefused,
    acknowledge,
    address_throttled,
    already_acknowledged,
    recipient_for_token,
)
from redalert.alerts.diligence import diligence
from redalert.alerts.forms import AckForm, AuthorityForm, ContactForm, IssueForm
from redalert.alerts.issuing import AlertRefused, issue_alert, open_original, proposed_authorities
from redalert.alerts.models import Alert, AlertKind, Authority, AuthorityContact
from redalert.alerts.permissions import (
    may_alert_authorities,
    may_issue_alert,
    may_manage_directory,
    may_view_alerts,
    may_view_diligence,
)
from redalert.alerts.recipient_status import recipient_statuses
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.cases.views import case_nav_context

if TYPE_CHECKING:
    from redalert.accounts.models import User


def _kinds(case_open: bool, consent: bool) -> list[str]:
    """What may be sent: without consent to share with authorities, only the cancellation of an open alert."""
    if not consent:
        return [AlertKind.CANCEL] if case_open else []
    return [AlertKind.UPDATE, AlertKind.CANCEL] if case_open else [AlertKind.ALERT]


def case_alerts(request: HttpRequest, pk: int) -> HttpResponse:
    """The Red Alerts of a case: every version, and per recipient queued / sent / failed / acknowledged."""
    user: User = request.user  # type: ignore[assignment]
    case = case_for(user, pk, Action.VIEW)
    if not may_view_alerts(user, case):
        raise Http404("No such case.")
    alerts = list(Alert.objects.filter(case=case).select_related("issued_by", "original").order_by("-number"))
    rows = [{"alert": alert, "recipients": recipient_statuses(alert)} for alert in alerts]
    audit_record(user, AuditAction.VIEW, case, case=case, request=request, detail={"what": "red alerts"})
    context = {
        "case": case,
        "tab": "alerts",
        "rows": rows,
        "may_issue": may_issue_alert(user, case),
        "consent": may_alert_authorities(case),
        "open_alert": open_original(case),
        **case_nav_context(user, case),
    }
    return render(request, "alerts/case.html", context)


@require_http_methods(["GET", "POST"])
def issue(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue an alert (recipients proposed, editable), an update or a cancellation."""
    user: User = request.user  # type: ignore[assignment]
    case = case_for(user, pk, Action.VIEW)
    if not may_issue_alert(user, case):
        raise Http404("No such case.")
    original = open_original(case)
    directory = Authority.objects.filter(organisation_id=case.organisation_id, is_active=True).prefetch_related(
        "contacts"
    )
    proposed = list(proposed_authorities(case).values_list("pk", flat=True))
    consent = may_alert_authorities(case)
    status = 200
    if request.method == "POST":
        form = IssueForm(request.POST, authorities=directory, kinds=_kinds(original is not None, bool(consent)))
        if form.is_valid():
            try:
                result = issue_alert(
                    case,
                    by=user,
                    kind=form.cleaned_data["kind"],
                    authorities=list(form.cleaned_data["authorities"]),
                    note=form.cleaned_data["note"],
                    request=request,
                )
            except AlertRefused as exc:
                form.add_error(None, str(exc))
                status = 400
            except DatabaseError:
                form.add_error(None, _("The alert could not be stored just now. Nothing was sent: try again."))
                status = 503
            else:
                messages.success(
                    request,
                    _("Red Alert #%(number)s issued to %(count)s recipient(s); it is being sent.")
                    % {"number": result.alert.number, "count": len(result.recipients)},
                )
                return redirect("alerts:case", pk=case.pk)
        else:
            status = 400
    else:
        kinds = _kinds(original is not None, bool(consent))
        form = IssueForm(initial={"authorities": proposed}, authorities=directory, kinds=kinds)
    context = {
        "case": case,
        "tab": "alerts",
        "form": form,
        "original": original,
        "consent": consent,
        "proposed": set(proposed),
        **case_nav_context(user, case),
    }
    return render(request, "alerts/issue.html", context, status=status)


# --- Acknowledgement (public) ----------------------------------------------------------------------------------


@public
@never_cache
@require_http_methods(["GET", "POST"])
def ack(request: HttpRequest, token: str) -> HttpResponse:
    """An authority acknowledges receipt through its personal signed link (no account). Opening the link changes
    nothing (mail scanners open links); only the form's POST records the acknowledgement, once."""
    try:
        throttled = address_throttled(request)  # too many refusals from this address: 429 before reading the link
        if throttled is not None:
            raise throttled
        recipient = recipient_for_token(token, request=request)
        reopened = request.method != "POST"  # the authority opens her link again: she is told, nothing is counted
        refused = already_acknowledged(recipient, request, counted=not reopened)
        if refused is not None:
            if reopened:
                return render(request, "alerts/ack_refused.html", {"message": str(refused), "code": "acknowledged"})
            raise refused
    except AckRefused as exc:
        return render(
            request, "alerts/ack_refused.html", {"message": str(exc), "code": exc.code}, status=_ack_status(exc)
        )
    alert = recipient.alert
    if request.method == "POST":
        form = AckForm(request.POST)
        if form.is_valid():
            try:
                acknowledgement = acknowledge(token, request=request, **form.cleaned_data)
            except AckRefused as exc:
                return render(
                    request, "alerts/ack_refused.html", {"message": str(exc), "code": exc.code}, status=_ack_status(exc)
                )
            return render(request, "alerts/ack_done.html", {"ack": acknowledgement, "alert": alert})
        status = 400
    else:
        form = AckForm()
        status = 200
    context = {"form": form, "alert": alert, "recipient": recipient, "reference": alert.case.reference}
    return render(request, "alerts/ack.html", context, status=status)


def _ack_status(exc: AckRefused) -> int:
    return {"forged": 403, "expired": 410, "reused": 409, "throttled": 429}.get(exc.code, 400)


# --- Directory (administrators) ---------------------------------------------------------------------------------


def _directory_user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not may_manage_directory(user):
        raise Http404("No such page.")
    return user


def directory(request: HttpRequest) -> HttpResponse:
    user = _directory_user(request)
    authorities = (
        Authority.objects.filter(organisation=user.organisation)
        .select_related("subdivision")
        .prefetch_related("contacts")
    )
    return render(request, "alerts/directory.html", {"authorities": authorities})


@require_http_methods(["GET", "POST"])
def authority_edit(request: HttpRequest, authority_id: int | None = None) -> HttpResponse:
    user = _directory_user(request)
    authority = (
        get_object_or_404(Authority, pk=authority_id, organisation_id=user.organisation_id) if authority_id else None
    )
    form = AuthorityForm(request.POST or None, instance=authority, organisation=user.organisation)
    if request.method == "POST" and form.is_valid():
        saved = services.save_authority(form.save(commit=False), actor=user, request=request)
        messages.success(request, _("Authority saved."))
        return redirect("alerts:authority", authority_id=saved.pk)
    contacts = authority.contacts.all() if authority else []
    status = 400 if request.method == "POST" else 200
    return render(
        request, "alerts/authority.html", {"form": form, "authority": authority, "contacts": contacts}, status=status
    )


@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, authority_id: int, contact_id: int | None = None) -> HttpResponse:
    user = _directory_user(request)
    authority = get_object_or_404(Authority, pk=authority_id, organisation_id=user.organisation_id)
    contact = get_object_or_404(AuthorityContact, pk=contact_id, authority=authority) if contact_id else None
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        services.save_contact(form.save(commit=False), authority=authority, actor=user, request=request)
        messages.success(request, _("Contact saved."))
        return redirect("alerts:authority", authority_id=authority.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "alerts/contact.html", {"form": form, "authority": authority, "contact": contact}, status=status
    )


# --- Due diligence ---------------------------------------------------------------------------------------------


def due_diligence(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not may_view_diligence(user):
        raise Http404("No such page.")
    rows = diligence(int(user.organisation_id))  # type: ignore[arg-type]
    audit_record(user, AuditAction.VIEW, None, request=request, detail={"what": "alerts due diligence"})
    return render(request, "alerts/diligence.html", {"rows": rows})
