"""The administrator's pages: the members of her organisation. Another organisation's members are a 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from redalert.accounts import members
from redalert.accounts.forms import MemberForm, RolesForm
from redalert.accounts.models import Organisation, User
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
        User.objects.filter(organisation=organisation)
        .prefetch_related("role_assignments")
        .order_by("-is_active", "first_name", "username")
    )
    enrolled = set(TOTPDevice.objects.filter(user__in=people, confirmed=True).values_list("user_id", flat=True))
    return render(request, "accounts/members.html", {"people": people, "enrolled": enrolled})


def member_add(request: HttpRequest) -> HttpResponse:
    admin, organisation = _admin(request)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        member, password = members.add_member(organisation, actor=admin, request=request, **form.cleaned_data)
        return render(request, "accounts/member_password.html", {"member": member, "password": password})
    return render(request, "accounts/member_form.html", {"form": form})


def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    admin, organisation = _admin(request)
    member = get_object_or_404(User, pk=pk, organisation=organisation)
    form = RolesForm(request.POST or None, initial={"roles": sorted(member.role_set)})
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "roles" and form.is_valid():
            members.change_roles(member, form.cleaned_data["roles"], actor=admin, request=request)
            messages.success(request, _("Roles saved."))
        elif action in ("deactivate", "activate"):
            if member == admin:
                messages.error(request, _("You cannot deactivate yourself."))
            else:
                members.set_active(member, action == "activate", actor=admin, request=request)
                messages.success(request, _("Saved."))
        elif action == "reset_2fa":
            members.reset_second_factor(member, actor=admin, request=request)
            messages.success(request, _("Two-step verification reset: she sets it up again at her next login."))
        elif action == "reset_password":
            password = members.reset_password(member, actor=admin, request=request)
            return render(request, "accounts/member_password.html", {"member": member, "password": password})
        else:
            messages.error(request, _("Nothing was changed."))
        return redirect("accounts:member", pk=member.pk)
    return render(request, "accounts/member_detail.html", {"member": member, "form": form})
