from __future__ import annotations

import base64
from io import BytesIO
from typing import Any

import django_otp
import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from redalert.accounts import sessions
from redalert.accounts.forms import LoginForm, TokenForm
from redalert.accounts.middleware import public
from redalert.accounts.two_factor import has_confirmed_device, new_backup_codes, pending_totp_device
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.lib.http import client_address
from redalert.lib.navigation import home_for
from redalert.security import throttle
from redalert.security.events import record_security_event
from redalert.security.models import EventKind


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True
    authentication_form = LoginForm

    # Throttling beyond axes' (account, address) pair: per account and per address (redalert.security.throttle).
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        refused = throttle.refusal(request.POST.get("username", ""), client_address(request))
        if refused is not None:
            return render(request, "security/refused.html", {"refusal": refused}, status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        throttle.record_success(form.get_user().get_username())
        return super().form_valid(form)

    def form_invalid(self, form: Any) -> HttpResponse:
        if form.has_error(NON_FIELD_ERRORS, "invalid_login"):
            throttle.record_failure(form.data.get("username", ""), self.request)
        return super().form_invalid(form)


login_view = public(LoginView.as_view())


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("accounts:home")


def home(request: HttpRequest) -> HttpResponse:
    """Where a member lands after signing in: the home her roles registered (redalert.lib.navigation.register_home:
    a coordinator's case list, a caseworker's cases and tasks, a lawyer's proceedings and hearings, a shelter
    worker's residents, an analyst's reports, maps and indicators), else the case list."""
    return redirect(home_for(request.user) or "cases:list")


def verify(request: HttpRequest) -> HttpResponse:
    """Ask for the second factor of a user who has one."""
    if not has_confirmed_device(request.user):
        return redirect("accounts:enrol")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = django_otp.match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            django_otp.login(request, device)
            audit_record(request.user, AuditAction.LOGIN, request=request, detail={"factor": device.__class__.__name__})
            return redirect(_safe_next(request))
        record_security_event(
            EventKind.SECOND_FACTOR_FAILED, actor=request.user, request=request, detail={"factor": "second"}
        )
        form.add_error("token", _("That code is not valid. Codes change every 30 seconds; try the current one."))
    return render(request, "accounts/verify.html", {"form": form, "next": _safe_next(request)})


def enrol(request: HttpRequest) -> HttpResponse:
    """First login: set up an authenticator app (QR code and secret), then show the backup codes once."""
    if has_confirmed_device(request.user) and not request.user.is_verified():  # type: ignore[union-attr]
        return redirect("accounts:verify")
    device = pending_totp_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save()
            TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
            codes = new_backup_codes(request.user)
            django_otp.login(request, device)
            audit_record(request.user, AuditAction.SECURITY, request=request, detail={"enrolled": "totp"})
            messages.success(request, _("Two-step verification is on."))
            return render(request, "accounts/backup_codes.html", {"codes": codes, "next": _safe_next(request)})
        form.add_error("token", _("That code is not valid. Check that your phone's clock is right and try again."))
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    qr_data_uri = "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()
    return render(
        request,
        "accounts/enrol.html",
        {"form": form, "secret": secret, "qr_data_uri": qr_data_uri, "next": _safe_next(request)},
    )


def logout_view(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "accounts/logout_confirm.html")
    if request.user.is_authenticated:
        audit_record(request.user, AuditAction.LOGOUT, request=request)
        sessions.forget(request.session.session_key)
    return auth_views.LogoutView.as_view()(request)
