"""The administrator's webhook pages: list, subscribe (the secret shown once), edit, delivery log, pause/resume."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from redalert.accounts.models import User
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.cases.models import Case
from redalert.webhooks import services
from redalert.webhooks.delivery import failing_streak, pause_after
from redalert.webhooks.forms import SubscriptionForm
from redalert.webhooks.models import Delivery, Subscription
from redalert.webhooks.permissions import may_manage_webhooks

LOG_ROWS = 200


def _admin(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not may_manage_webhooks(user):
        raise Http404("No such page.")
    return user


def _subscription(user: User, pk: int) -> Subscription:
    """The organisation's own subscription; another organisation's is a 404, like one that does not exist."""
    return get_object_or_404(Subscription, pk=pk, organisation_id=user.organisation_id or 0)


def subscriptions(request: HttpRequest) -> HttpResponse:
    user = _admin(request)
    subs = Subscription.objects.filter(organisation_id=user.organisation_id or 0)
    return render(request, "webhooks/list.html", {"subscriptions": subs})


@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    user = _admin(request)
    form = SubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created = services.create_subscription(actor=user, request=request, **form.cleaned_data)
        # The secret is in this response only: it is not stored in the session nor shown again.
        return render(request, "webhooks/secret.html", {"subscription": created.subscription, "secret": created.secret})
    status = 400 if request.method == "POST" else 200
    return render(request, "webhooks/form.html", {"form": form, "subscription": None}, status=status)


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _admin(request)
    sub = _subscription(user, pk)
    form = SubscriptionForm(request.POST or None)
    if request.method == "GET":
        form.initial_from(sub)
    if request.method == "POST" and form.is_valid():
        services.update_subscription(sub, actor=user, request=request, **form.cleaned_data)
        messages.success(request, _("Subscription saved."))
        return redirect("webhooks:detail", pk=sub.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "webhooks/form.html", {"form": form, "subscription": sub}, status=status)


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The subscription and its delivery log (newest first): event, case reference, status, attempts, last error."""
    user = _admin(request)
    sub = _subscription(user, pk)
    log = (
        Delivery.objects.filter(subscription=sub)
        .select_related("event", "message")
        .only(
            "pk",
            "held",
            "created_at",
            "carries_public_fields",
            "event__kind",
            "event__occurred_at",
            "event__case_id",
            "message__status",
            "message__attempts",
            "message__last_error",
            "message__sent_at",
            "message__next_attempt_at",
        )
        .order_by("-created_at", "-id")[:LOG_ROWS]
    )
    rows = list(log)
    refs = dict(Case.objects.filter(pk__in={d.event.case_id for d in rows}).values_list("pk", "reference"))
    audit_record(user, AuditAction.VIEW, sub, request=request, detail={"what": "webhook delivery log"})
    return render(
        request,
        "webhooks/detail.html",
        {
            "subscription": sub,
            "rows": [(d, refs.get(d.event.case_id, "")) for d in rows],
            "streak": failing_streak(sub),
            "pause_after": pause_after(),
        },
    )


@require_POST
def pause(request: HttpRequest, pk: int) -> HttpResponse:
    user = _admin(request)
    sub = _subscription(user, pk)
    services.pause_subscription(sub, actor=user, request=request)
    messages.success(request, _("Subscription paused: nothing is sent until you resume it."))
    return redirect("webhooks:detail", pk=sub.pk)


@require_POST
def resume(request: HttpRequest, pk: int) -> HttpResponse:
    user = _admin(request)
    sub = _subscription(user, pk)
    again = services.resume_subscription(sub, actor=user, request=request)
    messages.success(request, _("Subscription resumed; %(count)s delivery(ies) queued again.") % {"count": again})
    return redirect("webhooks:detail", pk=sub.pk)


@require_POST
def rotate(request: HttpRequest, pk: int) -> HttpResponse:
    user = _admin(request)
    sub = _subscription(user, pk)
    secret = services.rotate_secret(sub, actor=user, request=request)
    return render(request, "webhooks/secret.html", {"subscription": sub, "secret": secret, "rotated": True})


@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = _admin(request)
    sub = _subscription(user, pk)
    if request.method == "POST":
        services.delete_subscription(sub, actor=user, request=request)
        messages.success(request, _("Subscription deleted."))
        return redirect("webhooks:list")
    return render(request, "webhooks/delete.html", {"subscription": sub})
