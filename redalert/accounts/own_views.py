"""Every member's own account page (her password, her sessions) and the page of pending access requests."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.forms import PasswordChangeForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from redalert.accounts import duties, sessions
from redalert.accounts.models import DutyRequest, User
from redalert.accounts.passwords import change_password, must_change_password


def account(request: HttpRequest) -> HttpResponse:
    """Change her password (current + new, Django's validators); see her sessions and sign them out."""
    user: User = request.user  # type: ignore[assignment]
    form = PasswordChangeForm(user, request.POST if request.POST.get("action") == "password" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "password":
            if form.is_valid():
                change_password(user, form.cleaned_data["new_password1"], request=request)
                messages.success(request, _("Your password was changed. Your other sessions were signed out."))
                return redirect("accounts:password")
        elif action == "end_others":
            count = sessions.end_other_sessions(user, request.session.session_key, request=request)
            messages.success(request, _("Other sessions signed out: %(count)s.") % {"count": count})
            return redirect("accounts:password")
        elif action == "end":
            key = request.POST.get("session", "")
            if key == request.session.session_key:
                messages.error(request, _("To end this session, log out."))
            elif sessions.end_session(user, key, request=request):
                messages.success(request, _("The session was signed out."))
            else:
                messages.error(request, _("That session has already ended."))
            return redirect("accounts:password")
        else:
            messages.error(request, _("Nothing was changed."))
            return redirect("accounts:password")
    return render(
        request,
        "accounts/account.html",
        {
            "form": form,
            "sessions": sessions.active_for(user),
            "current_key": request.session.session_key,
            "must_change": must_change_password(user),
        },
    )


def request_list(request: HttpRequest) -> HttpResponse:
    """The organisation's pending access requests, for its coordinators and administrators."""
    user: User = request.user  # type: ignore[assignment]
    if not duties.may_see_requests(user):
        raise Http404
    pending = [(duty, duties.may_decide(user, duty)) for duty in duties.pending_for(user)]
    return render(request, "accounts/requests.html", {"pending": pending})


def request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if request.method != "POST" or not duties.may_see_requests(user):
        raise Http404
    duty = get_object_or_404(DutyRequest, pk=pk, organisation_id=user.organisation_id)
    action = request.POST.get("action")
    try:
        if action == "approve":
            duties.approve(duty, actor=user, request=request)
            messages.success(request, _("Approved: the change is in effect."))
        elif action == "refuse":
            duties.refuse(duty, actor=user, request=request)
            messages.success(request, _("Refused: nothing changed."))
        else:
            messages.error(request, _("Nothing was changed."))
    except duties.RefusedChange as refused:
        messages.error(request, str(refused))
    return redirect("accounts:requests")
