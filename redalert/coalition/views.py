"""Coordinator pages of coalition matching. What each side sees, by the pair's status:

- proposed: the score, her own case (reference, link) and her own side's decision — nothing of the other side, not
  even which organisation holds it;
- confirmed (both accepted): also the other organisation's name, its case reference and the accepting
  coordinator's name and e-mail;
- declined or no longer shared: that it is closed, nothing more.
Anything not allowed is a 404; every page and decision is audited. Plain forms: no JavaScript needed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from redalert.accounts.models import User
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.coalition import permissions
from redalert.coalition.index import linkage_key
from redalert.coalition.models import CoalitionMatch, MatchStatus
from redalert.coalition.services import HandshakeRefused, accept, decline

PAGE_SIZE = 30
SHOWN = (MatchStatus.PROPOSED, MatchStatus.CONFIRMED)


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not permissions.may_use_coalition_matching(user):
        raise Http404
    return user


def view_of(match: CoalitionMatch, user: User) -> dict[str, Any]:
    """Everything the viewer's side may see of a pair (the one place that decides it)."""
    side = match.side(user.organisation_id)
    other = "b" if side == "a" else "a"
    own_case = match.case_a if side == "a" else match.case_b
    seen: dict[str, Any] = {
        "match": match,
        "score": match.score,
        "status": match.status,
        "own_case": own_case,
        "own_accepted_at": getattr(match, f"accepted_{side}_at"),
        "own_accepted_by": getattr(match, f"accepted_{side}_by"),
        "open": match.status == MatchStatus.PROPOSED,
        "confirmed": match.status == MatchStatus.CONFIRMED,
    }
    if match.status == MatchStatus.CONFIRMED:
        contact = getattr(match, f"accepted_{other}_by")
        seen["other"] = {
            "organisation": match.organisation_b if side == "a" else match.organisation_a,
            "reference": (match.case_b if side == "a" else match.case_a).reference,
            "coordinator": contact.get_full_name() or contact.get_username() if contact else "",
            "email": contact.email if contact else "",
        }
    return seen


def _related(queryset: Any) -> Any:
    return queryset.select_related(
        "case_a", "case_b", "organisation_a", "organisation_b", "accepted_a_by", "accepted_b_by"
    )


def match_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    matches = _related(permissions.matches_for(user).filter(status__in=SHOWN)).order_by("status", "-score", "pk")
    page = Paginator(matches, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [view_of(m, user) for m in page]
    audit_record(
        user,
        AuditAction.VIEW,
        None,
        request=request,
        detail={"list": "coalition matches", "page": page.number, "matches": [r["match"].pk for r in rows]},
    )
    return render(request, "coalition/list.html", {"page": page, "rows": rows, "enabled": linkage_key() is not None})


def match_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    match = get_object_or_404(_related(permissions.matches_for(user)), pk=pk)
    seen = view_of(match, user)
    audit_record(
        user,
        AuditAction.VIEW,
        match,
        case=seen["own_case"],
        request=request,
        detail={"coalition_match": match.pk, "status": match.status},
    )
    return render(request, "coalition/match.html", {"row": seen})


def _decide(request: HttpRequest, pk: int, accepting: bool) -> HttpResponse:
    user = _user(request)
    match = get_object_or_404(permissions.matches_for(user), pk=pk)
    try:
        match = accept(match, user, request=request) if accepting else decline(match, user, request=request)
    except HandshakeRefused as refused:
        messages.error(request, str(refused))
    else:
        if not accepting:
            messages.success(request, _("You declined. This pair will not be proposed again."))
        elif match.status == MatchStatus.CONFIRMED:
            messages.success(
                request, _("Both sides accepted contact: the other side's case reference and contact are shown below.")
            )
        else:
            messages.success(request, _("You accepted contact. The other side's details appear once it accepts too."))
    return redirect("coalition:match", pk=match.pk)


@require_POST
def accept_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, accepting=True)


@require_POST
def decline_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, accepting=False)
