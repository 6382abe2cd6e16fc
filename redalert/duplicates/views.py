"""Staff pages of the review queue of possible duplicates. Thin: permissions from redalert.duplicates.permissions
(on top of redalert.access.policy), domain work in redalert.duplicates.merging; every page and decision is
audited; anything not allowed is a 404. Plain forms: everything works without JavaScript; on the queue, htmx (vendored,
self-hosted under the CSP) records "different people" in place, replacing the pair's card."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from redalert.accounts.models import User
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.cases.models import Case
from redalert.duplicates import permissions
from redalert.duplicates.merging import MergeRefused, merge, undo, undo_refusals
from redalert.duplicates.models import DuplicatePair, PairStatus
from redalert.matching.compare import Reason

PAGE_SIZE = 30


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not permissions.may_review_duplicates(user):
        raise Http404
    return user


def _reason_labels(pair: DuplicatePair) -> list[str]:
    return [str(Reason(r).label) if r in Reason.values else r for r in pair.reasons or []]


def _side(user: User, case: Case) -> dict[str, Any]:
    """What the viewer may see of one side of a pair: general fields only, and only if she may open the case."""
    if not permissions.may_see(user, case):
        return {"case": case, "visible": False}
    return {"case": case, "visible": True, "person": getattr(case, "person", None)}


def _open_pairs(user: User) -> Any:
    return (
        permissions.pairs_for(user)
        .filter(status=PairStatus.PROPOSED, case_a__merged_into__isnull=True, case_b__merged_into__isnull=True)
        .select_related("case_a__person", "case_b__person", "case_a__last_seen_place", "case_b__last_seen_place")
        .order_by("-score", "pk")
    )


def queue(request: HttpRequest) -> HttpResponse:
    """Pairs waiting for a decision, best score first, and the latest merges (with their undo)."""
    user = _user(request)
    page = Paginator(_open_pairs(user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {"pair": pair, "a": _side(user, pair.case_a), "b": _side(user, pair.case_b), "reasons": _reason_labels(pair)}
        for pair in page
    ]
    merges = permissions.merges_for(user).select_related("remaining", "merged").order_by("-merged_at", "-pk")[:10]
    audit_record(
        user,
        AuditAction.VIEW,
        None,
        request=request,
        detail={"list": "possible duplicates", "page": page.number, "pairs": [r["pair"].pk for r in rows]},
    )
    return render(request, "duplicates/queue.html", {"page": page, "rows": rows, "merges": merges})


def pair_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One pair side by side, with the decisions."""
    user = _user(request)
    pair = get_object_or_404(
        permissions.pairs_for(user).select_related(
            "case_a__person", "case_b__person", "case_a__last_seen_place", "case_b__last_seen_place"
        ),
        pk=pk,
    )
    for case in (pair.case_a, pair.case_b):
        audit_record(user, AuditAction.VIEW, pair, case=case, request=request, detail={"what": "possible duplicate"})
    context = {
        "pair": pair,
        "a": _side(user, pair.case_a),
        "b": _side(user, pair.case_b),
        "reasons": _reason_labels(pair),
        "open": pair.status == PairStatus.PROPOSED
        and pair.case_a.merged_into_id is None
        and pair.case_b.merged_into_id is None,
    }
    return render(request, "duplicates/pair.html", context)


@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Different people" (remembered), or "same person" with the case that remains (a merge)."""
    user = _user(request)
    pair = get_object_or_404(permissions.pairs_for(user).select_related("case_a", "case_b"), pk=pk)
    if pair.status != PairStatus.PROPOSED:
        messages.error(request, _("This pair was already decided."))
        return redirect("duplicates:pair", pk=pair.pk)
    decision = request.POST.get("decision", "")
    if decision == "different":
        with transaction.atomic():
            DuplicatePair.objects.filter(pk=pair.pk, status=PairStatus.PROPOSED).update(
                status=PairStatus.DIFFERENT, decided_at=timezone.now(), decided_by=user
            )
            for case in (pair.case_a, pair.case_b):
                audit_record(
                    user,
                    AuditAction.CHANGE,
                    pair,
                    case=case,
                    request=request,
                    detail={"what": "possible duplicate", "decision": "different people"},
                )
        if request.headers.get("HX-Request") == "true":  # from the queue with htmx: the pair's card is replaced
            return render(request, "duplicates/_decided.html", {"pair": pair})
        messages.success(request, _("Recorded: different people. This pair will not be proposed again."))
        return redirect("duplicates:queue")
    keep = request.POST.get("remaining", "")
    if decision != "same" or keep not in (str(pair.case_a_id), str(pair.case_b_id)):
        messages.error(request, _("Choose which case remains, or say they are different people."))
        return redirect("duplicates:pair", pk=pair.pk)
    remaining, other = (pair.case_a, pair.case_b) if keep == str(pair.case_a_id) else (pair.case_b, pair.case_a)
    if not (permissions.may_see(user, remaining) and permissions.may_see(user, other)):
        raise Http404
    try:
        record = merge(remaining, other, actor=user, pair=pair, request=request)
    except MergeRefused as refused:
        messages.error(request, str(refused))
        return redirect("duplicates:pair", pk=pair.pk)
    messages.success(
        request,
        _("Same person: %(merged)s was merged into %(remaining)s.")
        % {"merged": other.reference, "remaining": remaining.reference},
    )
    return redirect("duplicates:merge", pk=record.pk)


def merge_page(request: HttpRequest, pk: int) -> HttpResponse:
    """What a merge moved and kept, and its undo while it is allowed."""
    user = _user(request)
    record = get_object_or_404(
        permissions.merges_for(user).select_related("remaining", "merged", "merged_by", "undone_by"), pk=pk
    )
    moved: dict[str, int] = {}
    for label in record.rows.filter(action="moved").values_list("model", flat=True):
        moved[label] = moved.get(label, 0) + 1
    audit_record(user, AuditAction.VIEW, record, case=record.remaining, request=request, detail={"what": "merge"})
    refusals = undo_refusals(record)
    return render(
        request,
        "duplicates/merge.html",
        {"record": record, "moved": sorted(moved.items()), "undo_refusals": refusals, "may_undo": not refusals},
    )


@require_POST
def undo_merge(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    record = get_object_or_404(permissions.merges_for(user), pk=pk)
    try:
        undo(record, actor=user, request=request)
    except MergeRefused as refused:
        messages.error(request, str(refused))
        return redirect("duplicates:merge", pk=record.pk)
    messages.success(request, _("The merge was undone: both cases are as they were."))
    return redirect("duplicates:merge", pk=record.pk)
