"""Tips from the public: the ones the client may triage (redalert.tips.services.triageable_tips), and triage.

A tipster's contact details and a tip's exact coordinates are never given through the API.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from redalert.api.core import note_for_audit, require_scope
from redalert.api.pagination import PAGE_SIZE, after, encode
from redalert.api.problems import ApiProblem, not_found
from redalert.api.schemas import ERRORS, Id, Problem, SpamIn, TipOut, TipPage, TriageIn
from redalert.api.scopes import Scope
from redalert.tips.models import Tip, TipStatus
from redalert.tips.services import TriageError, allowed_moves, set_spam, triage, triageable_tips

router = Router(tags=["tips"])


def _tip(tip: Tip) -> dict[str, Any]:
    return {
        "id": tip.pk,
        "case_id": tip.case_id,
        "code": tip.code,
        "received_at": tip.received_at,
        "language": tip.language,
        "seen_on": tip.seen_on,
        "seen_time": tip.seen_time,
        "place": {"id": tip.place.pk, "label": tip.place.label} if tip.place is not None else None,
        "description": tip.description,
        "status": tip.status,
        "is_spam": tip.is_spam,
        "allowed_moves": [str(m) for m in allowed_moves(tip)],
    }


class TipFilters(Schema):
    case: Id | None = None
    status: str = Field("", max_length=20)
    spam: bool = Field(False, description="true: the spam pile instead of the tips")
    cursor: str = Field("", max_length=200)


@router.get("/tips", response={200: TipPage, **ERRORS}, summary="Tips the client may triage")
def list_tips(request: HttpRequest, filters: Query[TipFilters]) -> Any:
    user = require_scope(request, Scope.TIPS)
    tips = triageable_tips(user).filter(is_spam=filters.spam).select_related("place")
    if filters.case is not None:
        tips = tips.filter(case_id=filters.case)
    if filters.status:
        if filters.status not in TipStatus.values:
            raise ApiProblem(422, "invalid", _("The request has errors."), errors={"status": [_("Unknown status.")]})
        tips = tips.filter(status=filters.status)
    if filters.cursor:
        tips = tips.filter(after(filters.cursor, "received_at"))
    page = list(tips.order_by("-received_at", "-id")[: PAGE_SIZE + 1])
    more = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    note_for_audit(request, tips=[t.pk for t in page])
    last = page[-1] if page else None
    return {
        "items": [_tip(t) for t in page],
        "next_cursor": encode(last.received_at, last.pk) if more and last is not None else None,
    }


def _tip_for(request: HttpRequest, tip_id: int) -> Tip:
    user = require_scope(request, Scope.TIPS)
    tip = triageable_tips(user).select_related("place", "case").filter(pk=tip_id).first()
    if tip is None:
        raise not_found()
    return tip


@router.get("/tips/{tip_id}", response={200: TipOut, **ERRORS}, summary="Read a tip")
def read_tip(request: HttpRequest, tip_id: Id) -> Any:
    tip = _tip_for(request, tip_id)
    note_for_audit(request, case=tip.case, tip=tip.pk)
    return _tip(tip)


@router.post("/tips/{tip_id}/triage", response={200: TipOut, 409: Problem, **ERRORS}, summary="Triage a tip")
def triage_tip(request: HttpRequest, tip_id: Id, payload: TriageIn) -> Any:
    """Move the tip to another status (new → reviewed → relevant / not relevant → acted on); 409 if not allowed."""
    tip = _tip_for(request, tip_id)
    try:
        tip = triage(tip, payload.to, request.user, request=request)  # type: ignore[arg-type]
    except TriageError as exc:
        raise ApiProblem(409, "triage-refused", _("The tip cannot move there."), str(exc)) from None
    except PermissionError:
        raise not_found() from None
    return _tip(tip)


@router.post("/tips/{tip_id}/spam", response={200: TipOut, **ERRORS}, summary="Move a tip to the spam pile, or back")
def mark_spam(request: HttpRequest, tip_id: Id, payload: SpamIn) -> Any:
    """Never deleted: `tips.services.set_spam`, audited, as on the tips page."""
    tip = _tip_for(request, tip_id)
    try:
        tip = set_spam(tip, payload.spam, request.user, reason=payload.reason, request=request)  # type: ignore[arg-type]
    except PermissionError:
        raise not_found() from None
    return _tip(tip)
