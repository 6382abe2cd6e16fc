"""The unlock pages (public) and the organisation's security events (administrators)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from redalert.accounts.middleware import public
from redalert.audit.models import AuditAction, AuditEntry
from redalert.security.forms import UnlockRequestForm
from redalert.security.models import SecurityEvent
from redalert.security.permissions import may_view_security_events
from redalert.security.unlock import redeem, request_unlock

PAGE_SIZE = 50
EXPORTS_SHOWN = 20


@public
def unlock_request(request: HttpRequest) -> HttpResponse:
    """Ask for an unlock link. The answer is the same whether or not the account exists or is locked."""
    form = UnlockRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        request_unlock(form.cleaned_data["account"])
        return render(request, "security/unlock_sent.html")
    return render(request, "security/unlock_request.html", {"form": form})


@public
def unlock(request: HttpRequest, token: str) -> HttpResponse:
    """Open the link (GET shows a button, so that mail scanners that follow links do not use it up); POST lifts it."""
    if request.method != "POST":
        return render(request, "security/unlock_confirm.html")
    if redeem(token, request):
        return render(request, "security/unlock_done.html")
    return render(request, "security/unlock_invalid.html", status=400)


def events(request: HttpRequest) -> HttpResponse:
    if not may_view_security_events(request.user):
        raise Http404
    organisation_id = getattr(request.user, "organisation_id", None) or 0
    rows = SecurityEvent.objects.filter(organisation_id=organisation_id).select_related("actor")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    # Exports are already written to the audit log by each export (statistics, open data, prevention): the page
    # shows the newest of them from there, so that no export needs a second record.
    exports = (
        AuditEntry.objects.filter(organisation_id=organisation_id, action=AuditAction.EXPORT)
        .select_related("actor")
        .order_by("-at", "-id")[:EXPORTS_SHOWN]
    )
    return render(request, "security/events.html", {"page": page, "exports": exports})
