"""Staff pages: an administrator's list of her organisation's API clients, creating one (the token is shown once)
and revoking one."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from redalert.accounts.models import User
from redalert.api.clients import create_client, revoke_client
from redalert.api.forms import ClientForm
from redalert.api.models import ApiClient
from redalert.api.permissions import may_manage_api_clients


def _administrator(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not may_manage_api_clients(user):
        raise Http404
    return user


def client_list(request: HttpRequest) -> HttpResponse:
    user = _administrator(request)
    clients = ApiClient.objects.filter(organisation=user.organisation).select_related("created_by")
    return render(request, "api/clients.html", {"clients": clients, "now": timezone.now()})


def client_add(request: HttpRequest) -> HttpResponse:
    user = _administrator(request)
    form = ClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        expires_at = timezone.make_aware(datetime.combine(data["expires_on"], time(23, 59, 59)))
        new = create_client(
            organisation_id=user.organisation_id,  # type: ignore[arg-type]
            name=data["name"],
            scopes=data["scopes"],
            expires_at=expires_at,
            allowed_addresses=data["allowed_addresses"],
            rate_per_minute=data["rate_per_minute"],
            actor=user,
            request=request,
        )
        # Shown once, on this answer only (never stored, never in a redirect or a message).
        return render(request, "api/client_secret.html", {"client": new.client, "token": new.token})
    return render(request, "api/client_form.html", {"form": form})


@require_POST
def client_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = _administrator(request)
    client = get_object_or_404(ApiClient, pk=pk, organisation_id=user.organisation_id)
    if client.revoked_at is None:
        revoke_client(client, actor=user, request=request)
        messages.success(
            request, _("The client %(name)s was revoked: its token no longer works.") % {"name": client.name}
        )
    return redirect("api_clients:list")
