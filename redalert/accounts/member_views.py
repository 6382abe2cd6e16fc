"""The administrator's pages: the members of her organisation. Another organisation's members are a 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from redalert.accounts import members
from redalert.accounts.duties import RefusedChange
from redalert.accounts.forms import MemberForm, RolesForm
from redalert.accounts.models import Organisation, User, people_of
from redalert.accounts.permissions import may_manage_organisation


def _admin(request: HttpRequest) -> tuple[User, Organisation]:
    """The administrator and her organisation, or 404 for anyone else."""
    user: User = request.user  # type: ignore[assignment]
    if not may_manage_organisation(user) or user.organisation is None:
        raise Http404
    return user, user.organisation


def member_list(request: HttpRequest) -> HttpResponse:
    _user, organisation = _admin(request)
    people = (
        people_of(organisation).prefetch_related("role_assignments").order_by("-is_active", "first_name", "username")
    )
    enrolled = set(TOTPDevice.objects.filter(user__in=people, confirmed=True).values_list("user_id", flat=True))
    return render(request, "accounts/members.html", {"people": people, "enrolled": enrolled})


def member_add(request: HttpRequest) -> HttpResponse:
    admin, organisation = _admin(request)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member, password = members.add_member(organisation, actor=admin, request=request, **form.cleaned_data)
        except RefusedChange as refused:
            form.add_error("roles", str(refused))
        else:
            return render(request, "accounts/member_password.html", _password_context(member, password))
    return render(request, "accounts/member_form.html", {"form": form})


def _password_context(member: User, password: str) -> dict[str, object]:
    return {
        "member": member,
        "password": password,
        "hours": members.temporary_password_hours(),
        "pending": member.duty_requests_about.filter(state="pending").exists(),
    }


def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    admin, organisation = _admin(request)
    member = get_object_or_404(User, pk=pk, organisation=organisation)
    own = member.pk == admin.pk
    form = RolesForm(request.POST or None, initial={"roles": sorted(member.role_set)})
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            response = _act(request, action, admin, member, own, form)
        except RefusedChange as refused:
            messages.error(request, str(refused))
            response = None
        if response is not None:
            return response
        return redirect("accounts:member", pk=member.pk)
    pending = member.duty_requests_about.filter(state="pending").order_by("requested_at")
    return render(
        request,
        "accounts/member_detail.html",
        {"member": member, "form": None if own else form, "own": own, "pending": pending},
    )


def _act(
    request: HttpRequest, action: str | None, admin: User, member: User, own: bool, form: RolesForm
) -> HttpResponse | None:
    """Carry out one of the page's buttons; a response only for the one-time password page."""
    if own and action in ("roles", "reset_2fa", "reset_password", "deactivate", "activate"):
        messages.error(request, _("Nobody can change her own roles or access. Ask another administrator."))
    elif action == "roles":
        if form.is_valid():
            asked = members.change_roles(member, form.cleaned_data["roles"], actor=admin, request=request)
            if asked is None:
                messages.success(request, _("Roles saved."))
            else:
                messages.warning(
                    request,
                    _("Roles that open case files wait for a coordinator's or another administrator's approval."),
                )
        else:
            messages.error(request, _("Nothing was changed."))
    elif action in ("deactivate", "activate"):
        members.set_active(member, action == "activate", actor=admin, request=request)
        messages.success(request, _("Saved."))
    elif action == "reset_2fa":
        members.reset_second_factor(member, actor=admin, request=request)
        messages.warning(
            request,
            _(
                "Reset of two-step verification requested: it takes effect when a coordinator or another "
                "administrator approves it."
            ),
        )
    elif action == "reset_password":
        password = members.reset_password(member, actor=admin, request=request)
        return render(request, "accounts/member_password.html", _password_context(member, password))
    else:
        messages.error(request, _("Nothing was changed."))
    return None
