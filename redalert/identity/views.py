"""Sign-in pages (public: the person is not signed in yet) and the administrator's provider page."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from redalert.accounts.middleware import public
from redalert.accounts.models import User
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.identity import services
from redalert.identity.forms import ProviderForm, WorkEmailForm
from redalert.identity.models import IdentityProvider
from redalert.identity.permissions import may_manage_identity_provider
from redalert.lib.http import client_address
from redalert.security import throttle

NEXT_KEY = "identity_next"
PROVIDER_KEY = "identity_provider"


def _safe_next(request: HttpRequest, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("accounts:home")


@public
def choose(request: HttpRequest) -> HttpResponse:
    """The work address typed on the sign-in page: the button of her organisation's provider, if it has one."""
    form = WorkEmailForm(request.POST or request.GET or None)
    provider = None
    if form.is_bound and form.is_valid():
        provider = services.provider_for_email(form.cleaned_data["email"])
    status = 200 if not form.is_bound or (form.is_valid() and provider) else 404 if form.is_valid() else 400
    next_url = request.POST.get("next") or request.GET.get("next", "")
    start_query = urlencode({"email": form.cleaned_data["email"], "next": next_url}) if provider else ""
    context = {"form": form, "provider": provider, "next": next_url, "start_query": start_query}
    return render(request, "identity/choose.html", context, status=status)


@public
@require_GET
def start(request: HttpRequest, pk: int) -> HttpResponse:
    """A link, not a form: the CSP's form-action 'self' (rightly) stops a form's redirect to another origin, and
    starting a sign-in changes nothing here (the state ties the answer to this browser's session)."""
    provider = get_object_or_404(IdentityProvider.objects.select_related("organisation"), pk=pk, enabled=True)
    email = (request.GET.get("email") or "").strip()[:254]
    if email and services.domain_of(email) != provider.email_domain.lower():
        raise Http404
    request.session[NEXT_KEY] = _safe_next(request, request.GET.get("next", ""))
    request.session[PROVIDER_KEY] = provider.pk
    redirect_uri = request.build_absolute_uri(reverse("identity:callback"))
    try:
        return services.begin(request, provider, redirect_uri, email)
    except services.SignInRefused as exc:
        services.refused(request, provider, exc, email)
        return render(request, "identity/refused.html", {"message": exc.message}, status=502)


@public
def callback(request: HttpRequest) -> HttpResponse:
    """The provider sends the browser back here (one address for every organisation: the session says which
    provider the sign-in started with; without it, the answer is not ours)."""
    pk = request.session.pop(PROVIDER_KEY, None)
    provider = IdentityProvider.objects.select_related("organisation").filter(pk=pk, enabled=True).first()
    if provider is None:
        exc = services.SignInRefused(services.not_verified_message(), "no_state")
        services.refused(request, None, exc)
        return render(request, "identity/refused.html", {"message": exc.message}, status=403)
    try:
        verified = services.finish(request, provider)
    except services.SignInRefused as exc:
        services.refused(request, provider, exc)
        return render(request, "identity/refused.html", {"message": exc.message}, status=403)
    # The same locks as the password form (redalert.security.throttle): a locked account or a blocked address
    # does not sign in through the provider either.
    refusal = throttle.refusal(verified.user.get_username(), client_address(request))
    if refusal is not None:
        return render(request, "security/refused.html", {"refusal": refusal}, status=429)
    target = request.session.pop(NEXT_KEY, "") or reverse("accounts:home")
    services.sign_in(request, provider, verified)
    return redirect(_safe_next(request, target))


def settings_page(request: HttpRequest) -> HttpResponse:
    """An administrator sets up (or changes, or turns off) her organisation's provider."""
    user: User = request.user  # type: ignore[assignment]
    if not may_manage_identity_provider(user) or user.organisation is None:
        raise Http404
    instance = IdentityProvider.objects.filter(organisation=user.organisation).first()
    form = ProviderForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        provider = form.save(commit=False)
        provider.organisation = user.organisation
        provider.updated_by = user
        provider.save()
        detail = {"identity_provider": provider.issuer, "enabled": provider.enabled}
        audit_record(user, AuditAction.SECURITY, provider, request=request, detail=detail)
        messages.success(request, _("The identity provider was saved."))
        return redirect("identity:settings")
    callback_hint = request.build_absolute_uri(reverse("identity:callback"))
    return render(
        request,
        "identity/settings.html",
        {"form": form, "provider": instance, "callback_hint": callback_hint},
        status=400 if form.errors else 200,
    )
