"""A merged case's references lead to the case that remained.

- Staff: every case URL (`cases/<pk>/…`, `case/<pk>/…` of any app) of a merged case redirects to the same page of
  the remaining case, for a member who may open the remaining case (redalert.access.policy); anyone else gets what
  the view would have answered (the same 404 as for no such case). A form sent to a merged case changes nothing:
  it is sent to the remaining case's page instead, with a message.
- Public: the "Se busca" pages of a merged case's public id redirect to the remaining case's public page only if
  the public may see that case now (redalert.public.exposure.public_cases); otherwise the view answers 404 as for
  any case no longer public (public_cases() leaves merged cases out), so a merge never reveals the remaining case.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from redalert.access.policy import Action, may, visible_cases
from redalert.duplicates.merging import final_case_id
from redalert.public.exposure import public_cases
from redalert.public.models import Publication

if TYPE_CHECKING:
    from redalert.accounts.models import User

STAFF_CASE_ROUTE = re.compile(r"^cases?/<int:pk>/")
PUBLIC_NAMESPACE = "public"


class MergedCaseRedirectMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        pending = getattr(request, "_merged_public_lookup", None)
        if pending is not None and response.status_code == 404:
            # Only a public page that is not found can be a merged case's: the cached public pages of every other
            # case keep their single query (public/pagecache.py), even under the load of a viral alert.
            return _public_redirect(*pending) or response
        return response

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is None:
            return None
        if "pk" in view_kwargs and STAFF_CASE_ROUTE.match(match.route or ""):
            return _staff_redirect(request, match.view_name, view_kwargs)
        if "public_id" in view_kwargs and match.namespace == PUBLIC_NAMESPACE:
            request._merged_public_lookup = (match.view_name, view_kwargs)  # type: ignore[attr-defined]
        return None


def _staff_redirect(request: HttpRequest, view_name: str, kwargs: dict[str, Any]) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return None
    user: User = request.user
    merged = visible_cases(user).filter(pk=kwargs["pk"], merged_into__isnull=False).values_list("pk", "reference")
    row = merged.first()
    if row is None:
        return None
    target_id = final_case_id(row[0])
    target = visible_cases(user).filter(pk=target_id).first()
    if target is None or not may(user, Action.VIEW, target):
        return None
    messages.info(
        request,
        _("Case %(merged)s was merged into %(remaining)s (the same person): you are on %(remaining)s.")
        % {"merged": row[1], "remaining": target.reference},
    )
    if request.method not in ("GET", "HEAD"):
        return HttpResponseRedirect(reverse("cases:detail", kwargs={"pk": target.pk}))
    try:
        return HttpResponseRedirect(reverse(view_name, kwargs={**kwargs, "pk": target.pk}))
    except NoReverseMatch:
        return HttpResponseRedirect(reverse("cases:detail", kwargs={"pk": target.pk}))


def _public_redirect(view_name: str, kwargs: dict[str, Any]) -> HttpResponse | None:
    case_id = (
        Publication.objects.filter(public_id=kwargs["public_id"], case__merged_into__isnull=False)
        .values_list("case_id", flat=True)
        .first()
    )
    if case_id is None:
        return None
    target_id = final_case_id(case_id)
    public_id = public_cases().filter(pk=target_id).values_list("publication__public_id", flat=True).first()
    if not public_id:
        return None  # the view answers 404: the merged case is not public, and the remaining one is not shown
    try:
        return HttpResponseRedirect(reverse(view_name, kwargs={**kwargs, "public_id": public_id}))
    except NoReverseMatch:
        return None
