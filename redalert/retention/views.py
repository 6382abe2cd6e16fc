"""Staff pages: the retention periods (administrators), an erasure request on a case (coordinators), and the
organisation's requests waiting for a second person's approval."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from redalert.access.policy import Action, case_for
from redalert.accounts.models import User
from redalert.retention import services
from redalert.retention.forms import POLICY_FIELDS, ErasureRequestForm, RetentionPolicyForm
from redalert.retention.models import ErasedCase, ErasureRequest, RequestStatus
from redalert.retention.permissions import may_approve, may_edit_policy, may_request_erasure, may_review_requests
from redalert.retention.policy import policy_for


def policy(request: HttpRequest) -> HttpResponse:
    """The organisation's retention periods. For its administrators; 404 for everyone else."""
    user: User = request.user  # type: ignore[assignment]
    if not may_edit_policy(user) or user.organisation is None:
        raise Http404
    current = policy_for(user.organisation)
    form = RetentionPolicyForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        changed = [name for name in POLICY_FIELDS if name in form.changed_data]
        services.save_policy(form.save(commit=False), actor=user, changed=changed, request=request)
        messages.success(request, _("Retention periods saved."))
        return redirect("retention:policy")
    return render(request, "retention/policy.html", {"form": form, "organisation": user.organisation})


def case_erasure(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a family's or a survivor's request to erase the case's identity. For coordinators."""
    user: User = request.user  # type: ignore[assignment]
    case = case_for(user, pk, Action.VIEW)
    if not may_request_erasure(user, case):
        raise Http404
    form = ErasureRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_request(case, actor=user, request=request, **form.cleaned_data)
        except services.ErasureRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("Request recorded. Another coordinator or an administrator must approve it."))
            return redirect("retention:case", pk=case.pk)
    context = {
        "case": case,
        "form": form,
        "erased": ErasedCase.objects.filter(case=case).first(),
        "requests": ErasureRequest.objects.filter(case=case).select_related("recorded_by", "approved_by"),
    }
    return render(request, "retention/case.html", context)


def requests_list(request: HttpRequest) -> HttpResponse:
    """The organisation's erasure requests waiting for approval."""
    user: User = request.user  # type: ignore[assignment]
    if not may_review_requests(user) or user.organisation_id is None:
        raise Http404
    pending = (
        ErasureRequest.objects.filter(case__organisation_id=user.organisation_id, status=RequestStatus.PENDING)
        .select_related("case", "recorded_by")
        .order_by("recorded_at")
    )
    rows = [(item, may_approve(user, item)) for item in pending]
    return render(request, "retention/requests.html", {"rows": rows})


@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    """A second person approves; the case's identity is erased at once."""
    user: User = request.user  # type: ignore[assignment]
    if not may_review_requests(user) or user.organisation_id is None:
        raise Http404
    try:
        item = ErasureRequest.objects.select_related("case").get(pk=pk, case__organisation_id=user.organisation_id)
    except ErasureRequest.DoesNotExist:
        raise Http404 from None
    try:
        services.approve_request(item, actor=user, request=request)
    except services.ErasureRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Approved: the case's identifying data has been erased."))
    return redirect("retention:requests")
