"""Tips from the public: the public form (no login) and the staff triage pages."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import DatabaseError
from django.db.models import Case as When_
from django.db.models import IntegerField, QuerySet, Value, When
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from redalert.access.policy import Action, case_for, may
from redalert.accounts.middleware import public
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.cases.services import record_view
from redalert.cases.views import case_nav_context
from redalert.lib.http import client_address
from redalert.places.search import search_places
from redalert.public.exposure import public_case_or_404, public_cases
from redalert.tips.forms import PILE_SPAM, TipFilterForm, TipForm
from redalert.tips.models import Tip, TipStatus
from redalert.tips.services import (
    TriageError,
    allow_attempt,
    allowed_moves,
    client_hash,
    over_limit,
    receive_tip,
    set_spam,
    triage,
    triageable_tips,
)

if TYPE_CHECKING:
    from redalert.accounts.models import User

log = logging.getLogger(__name__)

SESSION_KEY = "tips_last"
PAGE_SIZE = 25
PLACE_QUERY_MIN, PLACE_QUERY_MAX, PLACE_RESULTS = 2, 100, 10
PLACE_SEARCHES_PER_MINUTE = 60


def _case_center(case: Any) -> tuple[float, float] | None:
    place = case.last_seen_place
    if place.latitude is not None and place.longitude is not None:
        return (place.latitude, place.longitude)
    return None


@public
@never_cache
@require_http_methods(["GET", "POST"])
def send_tip(request: HttpRequest, public_id: str) -> HttpResponse:
    """The public tip form: the tip is stored before the thanks page, or refused with a clear message."""
    case, exposed = public_case_or_404(public_id)
    if not exposed.is_missing:  # she was located: nobody should send sightings any more
        raise Http404("No such page.")
    places_url = reverse("tips:places", args=[public_id])
    status = 200
    if request.method == "POST":
        hashed = client_hash(client_address(request))
        # Both limits before the form is validated: a refused client gets no photo decoded.
        if over_limit(hashed) or not allow_attempt(hashed):
            return render(request, "tips/limit.html", {"case": exposed}, status=429)
        form = TipForm(request.POST, request.FILES, places_url=places_url)
        if form.is_valid():
            try:
                tip = receive_tip(
                    case,
                    form.tip_data(),
                    client=hashed,
                    language=get_language() or settings.LANGUAGE_CODE,
                    spam_reason="honeypot" if form.is_spam else "",
                )
            except DatabaseError:
                log.exception("A tip for case %s could not be stored.", case.pk)
                form.add_error(
                    None,
                    _("We could not save your information just now. Nothing was sent: please try again in a moment."),
                )
                status = 503
            else:
                request.session[SESSION_KEY] = {"public_id": public_id, "code": tip.code}
                return redirect("tips:thanks", public_id=public_id)
        else:
            status = 400
    else:
        form = TipForm(places_url=places_url)
    context = {
        "case": exposed,
        "form": form,
        "map_tile_url": settings.PUBLIC_MAP_TILE_URL,
        "center": _case_center(case),
    }
    return render(request, "tips/send.html", context, status=status)


@public
@never_cache
@require_GET
def thanks(request: HttpRequest, public_id: str) -> HttpResponse:
    """The confirmation: the tip is already stored; its code is shown to the browser that sent it."""
    last = request.session.get(SESSION_KEY) or {}
    code = last.get("code") if last.get("public_id") == public_id else None
    return render(request, "tips/thanks.html", {"code": code, "public_id": public_id})


def _client_over_rate(request: HttpRequest, name: str, per_minute: int) -> bool:
    key = f"tips:rate:{name}:{client_hash(client_address(request))}"
    cache.add(key, 0, timeout=60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=60)
        count = 1
    return count > per_minute


@public
@require_GET
def places(request: HttpRequest, public_id: str) -> JsonResponse:
    """Place suggestions for the public tip form: GET ?q=… → {"results": [{"id", "label", "kind", "code"}]}."""
    if not public_cases().filter(publication__public_id=public_id).exists():
        raise Http404("No such page.")
    if _client_over_rate(request, "places", PLACE_SEARCHES_PER_MINUTE):
        return JsonResponse({"results": [], "error": _("Too many searches; wait a minute.")}, status=429)
    query = request.GET.get("q", "").strip()[:PLACE_QUERY_MAX]
    found = search_places(query, limit=PLACE_RESULTS) if len(query) >= PLACE_QUERY_MIN else []
    response = JsonResponse(
        {"results": [{"id": p.pk, "label": p.label, "kind": p.kind, "code": p.code} for p in found]}
    )
    response["Cache-Control"] = "private, max-age=300"
    return response


def _filtered(tips: QuerySet[Tip], form: TipFilterForm) -> QuerySet[Tip]:
    pile = status = ""
    if form.is_valid():
        pile, status = form.cleaned_data["pile"], form.cleaned_data["status"]
    tips = tips.filter(is_spam=(pile == PILE_SPAM))
    if status:
        tips = tips.filter(status=status)
    new_first = When_(When(status=TipStatus.NEW, then=Value(0)), default=Value(1), output_field=IntegerField())
    return tips.annotate(new_first=new_first).order_by("new_first", "-received_at", "-id")


def queue(request: HttpRequest) -> HttpResponse:
    """Every tip the user may triage, across cases: new first."""
    user: User = request.user  # type: ignore[assignment]
    if not user.works_on_cases:
        raise Http404("No such page.")
    form = TipFilterForm(request.GET or None)
    tips = _filtered(triageable_tips(user), form).select_related("case__person", "place__subdivision")
    page = Paginator(tips, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record(user, AuditAction.VIEW, None, request=request, detail={"what": "tips", "tips": [t.pk for t in page]})
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "tips/queue.html", {"form": form, "page": page, "spam_pile": _is_spam_pile(form), "query": query}
    )


def _is_spam_pile(form: TipFilterForm) -> bool:
    return form.is_valid() and form.cleaned_data["pile"] == PILE_SPAM


def _markers(tips: list[Tip]) -> list[dict[str, Any]]:
    """Map markers: the point the tipster marked, else the centre of the gazetteer place (approximate)."""
    markers = []
    for tip in tips:
        if tip.has_point:
            try:
                lat, lon = float(tip.latitude), float(tip.longitude)
            except ValueError:
                continue
            approximate = False
        elif tip.place is not None and tip.place.latitude is not None and tip.place.longitude is not None:
            lat, lon, approximate = tip.place.latitude, tip.place.longitude, True
        else:
            continue
        markers.append(
            {
                "lat": lat,
                "lon": lon,
                "code": tip.code,
                "status": str(TipStatus(tip.status).label),
                "place": tip.place.label if tip.place else "",
                "approximate": approximate,
                "anchor": f"tip-{tip.code}",
            }
        )
    return markers


def case_tips(request: HttpRequest, pk: int) -> HttpResponse:
    """The tips of one case, with triage buttons and a map; the tipster's contact only for the case's team."""
    user: User = request.user  # type: ignore[assignment]
    case = case_for(user, pk, Action.TRIAGE_TIPS)
    form = TipFilterForm(request.GET or None)
    tips = _filtered(Tip.objects.filter(case=case), form).select_related("place__subdivision", "triaged_by")
    page = Paginator(tips, PAGE_SIZE).get_page(request.GET.get("page"))
    show_contact = may(user, Action.VIEW_TIPSTER_CONTACT, case)
    rows = [{"tip": tip, "moves": allowed_moves(tip)} for tip in page]
    audit_record(
        user,
        AuditAction.VIEW,
        case,
        case=case,
        request=request,
        detail={"section": "general", "what": "tips", "tips": [t.pk for t in page], "tipster_contact": show_contact},
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "case": case,
        "tab": "tips",
        "form": form,
        "page": page,
        "rows": rows,
        "show_contact": show_contact,
        "spam_pile": _is_spam_pile(form),
        "markers": _markers(list(page)),
        "map_tile_url": settings.MAP_TILE_URL,
        "query": query,
        **case_nav_context(user, case),
    }
    return render(request, "tips/case.html", context)


@require_POST
def triage_tip(request: HttpRequest, pk: int, tip_id: int) -> HttpResponse:
    """Move a tip along the triage table, or to (or out of) the spam pile."""
    user: User = request.user  # type: ignore[assignment]
    case = case_for(user, pk, Action.TRIAGE_TIPS)
    tip = get_object_or_404(Tip.objects.select_related("case"), pk=tip_id, case=case)
    to = request.POST.get("to", "")
    try:
        if to in ("spam", "not_spam"):
            set_spam(tip, to == "spam", user, request=request)
            messages.success(request, _("Tip %(code)s moved.") % {"code": tip.code})
        else:
            triage(tip, to, user, request=request)
            messages.success(
                request, _("Tip %(code)s: %(status)s.") % {"code": tip.code, "status": TipStatus(to).label}
            )
    except TriageError as exc:
        messages.error(request, str(exc))
    url = reverse("tips:case", args=[case.pk])
    back = request.POST.get("back", "")
    if back.startswith("?"):
        url += back
    return redirect(url)


def tip_photo(request: HttpRequest, pk: int, tip_id: int) -> HttpResponseBase:
    """The photo a tipster sent (metadata already removed), for those who may triage the case's tips."""
    user: User = request.user  # type: ignore[assignment]
    case = case_for(user, pk, Action.TRIAGE_TIPS)
    tip = get_object_or_404(Tip, pk=tip_id, case=case)
    if not tip.photo:
        raise Http404("No photo.")
    record_view(case, actor=user, request=request, what=f"tip photo {tip.pk}")
    response = FileResponse(tip.photo.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = f'inline; filename="tip-{tip.code}.jpg"'
    return response


__all__ = ["case_tips", "places", "queue", "send_tip", "thanks", "tip_photo", "triage_tip"]
