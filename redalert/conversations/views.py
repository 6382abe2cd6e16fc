"""The conversation inbox (staff), its conversions, and the administrator's channel accounts.

Permissions: redalert.conversations.permissions on top of redalert.access.policy. Another organisation's
conversation, media file or account is a 404, like one that does not exist. Every page that shows a conversation
is audited; the inbox shows no number, only its last digits.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from redalert.access.policy import Action, case_for, may
from redalert.accounts.models import User
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.cases import services as case_services
from redalert.cases.choices import ReportChannel
from redalert.cases.forms import CaseReportForm, PersonForm, check_dates_against_birth
from redalert.cases.intake_forms import duplicates_unanswered
from redalert.conversations import converting, hotline_link, services
from redalert.conversations.forms import AccountForm, ReplyForm, TipForm
from redalert.conversations.models import (
    ChannelAccount,
    Conversation,
    ConversationStatus,
    Direction,
    Media,
    MediaStatus,
    Medium,
    Message,
    Provider,
)
from redalert.conversations.permissions import may_connect_channels, may_use_inbox
from redalert.conversations.rules import Refused, refusal
from redalert.conversations.senders import masked
from redalert.matching import services as matching_services


def _member(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not may_use_inbox(user):
        raise Http404("No such page.")
    return user


def _conversation(user: User, pk: int) -> Conversation:
    """Her organisation's conversation; another organisation's is a 404, like one that does not exist."""
    return get_object_or_404(
        Conversation.objects.select_related("account", "organisation"), pk=pk, organisation_id=user.organisation_id or 0
    )


def inbox(request: HttpRequest) -> HttpResponse:
    user = _member(request)
    status = request.GET.get("status", ConversationStatus.OPEN)
    if status not in ConversationStatus.values:
        status = ConversationStatus.OPEN
    rows = list(
        Conversation.objects.filter(organisation_id=user.organisation_id or 0, status=status).order_by(
            "-last_message_at", "-pk"
        )[:200]
    )
    audit_record(user, AuditAction.VIEW, request=request, detail={"what": "conversation inbox", "count": len(rows)})
    shown = [{"conversation": c, "sender": masked(c.sender)} for c in rows]
    return render(
        request,
        "conversations/inbox.html",
        {"rows": shown, "status": status, "statuses": ConversationStatus.choices},
    )


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _member(request)
    conversation = _conversation(user, pk)
    history = list(
        Message.objects.filter(conversation=conversation)
        .prefetch_related(Prefetch("media", queryset=Media.objects.order_by("position")))
        .order_by("at", "pk")
    )
    audit_record(user, AuditAction.VIEW, conversation, request=request, detail={"what": "conversation"})
    return render(
        request,
        "conversations/detail.html",
        {
            "conversation": conversation,
            "history": history,
            "sender": conversation.sender,
            "refusal": refusal(conversation),
            "reply_form": ReplyForm(),
            "tip_form": TipForm(user=user),
            "may_report": may(user, Action.CREATE),
            "IN": Direction.IN,
        },
    )


def _refused(request: HttpRequest, conversation: Conversation) -> HttpResponse | None:
    """The answer to an action refused on the conversation (anonymised): its page, with the reason."""
    reason = refusal(conversation)
    if not reason:
        return None
    messages.error(request, reason)
    return redirect("conversations:detail", pk=conversation.pk)


@require_POST
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    user = _member(request)
    conversation = _conversation(user, pk)
    if refused := _refused(request, conversation):
        return refused
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The reply was not sent: write a message."))
        return redirect("conversations:detail", pk=pk)
    try:
        services.reply(conversation, form.cleaned_data["text"], actor=user, request=request)
    except Refused as exc:
        messages.error(request, str(exc))
        return redirect("conversations:detail", pk=pk)
    messages.success(request, _("Reply queued: it leaves in a few seconds."))
    return redirect("conversations:detail", pk=pk)


@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    user = _member(request)
    conversation = _conversation(user, pk)
    if conversation.status == ConversationStatus.OPEN:
        services.close(conversation, actor=user, request=request)
    return redirect("conversations:inbox")


@require_POST
def to_tip(request: HttpRequest, pk: int) -> HttpResponse:
    user = _member(request)
    conversation = _conversation(user, pk)
    if refused := _refused(request, conversation):
        return refused
    form = TipForm(request.POST, user=user)
    if not form.is_valid():
        messages.error(request, _("The tip was not saved: choose a case and describe what she said."))
        return redirect("conversations:detail", pk=pk)
    case = case_for(user, form.cleaned_data["case"].pk, Action.VIEW)
    try:
        tip = converting.to_tip(
            conversation,
            case,
            description=form.cleaned_data["description"] or converting.transcript(conversation),
            may_contact=form.cleaned_data["may_contact"],
            actor=user,
            request=request,
        )
    except Refused as exc:
        messages.error(request, str(exc))
        return redirect("conversations:detail", pk=pk)
    messages.success(request, _("Tip %(code)s added to case %(ref)s.") % {"code": tip.code, "ref": case.reference})
    return redirect("conversations:detail", pk=pk)


def _report_initial(conversation: Conversation) -> dict[str, Any]:
    first = conversation.messages.filter(direction=Direction.IN).order_by("at", "pk").first()
    return {
        "reported_at": timezone.localtime(first.at if first else conversation.started_at).strftime("%Y-%m-%dT%H:%M"),
        "report_channel": ReportChannel.OTHER,
        "reporter_name": conversation.sender_name,
        "reporter_phone": conversation.sender if conversation.medium != Medium.EMAIL else "",
        "reporter_email": conversation.sender if conversation.medium == Medium.EMAIL else "",
        "circumstances": converting.transcript(conversation),
    }


@require_http_methods(["GET", "POST"])
def to_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The intake's forms, filled from the conversation; the matching app's possible duplicates are shown before a
    new case is opened, each with "add this report to this case"."""
    user = _member(request)
    if not may(user, Action.CREATE) or user.organisation is None:
        raise Http404("No such page.")
    conversation = _conversation(user, pk)
    if refused := _refused(request, conversation):
        return refused
    region = user.organisation.country
    post = request.POST if request.method == "POST" else None
    report_form = CaseReportForm(post, prefix="report", phone_region=region, initial=_report_initial(conversation))
    person_form = PersonForm(post, prefix="person")
    context: dict[str, Any] = {"conversation": conversation, "report_form": report_form, "person_form": person_form}
    if post is None:
        audit_record(user, AuditAction.VIEW, conversation, request=request, detail={"what": "conversation"})
        return render(request, "conversations/report.html", context)
    add_to = request.POST.get("add_to", "")
    if add_to.isdigit():
        return _add_to_case(request, user, conversation, int(add_to), report_form, person_form, context)
    valid = all([report_form.is_valid(), person_form.is_valid()])
    check_dates_against_birth(report_form, person_form)
    if not valid or report_form.errors:
        messages.error(request, _("The report was not saved: please correct the fields marked below."))
        return render(request, "conversations/report.html", context, status=400)
    values = {**report_form.cleaned_data, **person_form.cleaned_data}
    duplicates = matching_services.shown_candidates(user, matching_services.facts_from_intake(values), request=request)
    reason = request.POST.get("duplicate_reason", "").strip()
    if duplicates_unanswered(request, duplicates):
        context.update(duplicates=duplicates, duplicate_reason=reason)
        return render(request, "conversations/report.html", context)
    data = case_services.IntakeData(
        **{k: v for k, v in values.items() if k in case_services.IntakeData.__annotations__}
    )
    try:
        case = converting.to_new_case(
            conversation, data, actor=user, duplicates=duplicates, reason=reason, request=request
        )
    except Refused as exc:
        messages.error(request, str(exc))
        return redirect("conversations:detail", pk=pk)
    messages.success(request, _("Report recorded as %(ref)s.") % {"ref": case.reference})
    return redirect("cases:detail", pk=case.pk)


def _add_to_case(
    request: HttpRequest,
    user: User,
    conversation: Conversation,
    case_pk: int,
    report_form: CaseReportForm,
    person_form: PersonForm,
    context: dict[str, Any],
) -> HttpResponse:
    case = case_for(user, case_pk, Action.EDIT)
    if not report_form.is_valid():
        messages.error(request, _("The report was not saved: please correct the fields marked below."))
        return render(request, "conversations/report.html", context, status=400)
    person_form.is_valid()
    person = getattr(person_form, "cleaned_data", {})
    report = matching_services.report_from_intake(report_form.cleaned_data, person, case)
    try:
        converting.to_existing_case(conversation, case, report, actor=user, request=request)
    except Refused as exc:
        messages.error(request, str(exc))
        return redirect("conversations:detail", pk=conversation.pk)
    messages.success(request, _("The report was added to case %(ref)s.") % {"ref": case.reference})
    return redirect("cases:detail", pk=case.pk)


@require_POST
def to_contact(request: HttpRequest, pk: int) -> HttpResponse:
    user = _member(request)
    conversation = _conversation(user, pk)
    if refused := _refused(request, conversation):
        return refused
    try:
        url = hotline_link.open_contact(conversation, actor=user, request=request)
    except Refused as exc:
        messages.error(request, str(exc))
        return redirect("conversations:detail", pk=pk)
    messages.success(request, _("Hotline contact opened."))
    return redirect(url)


def media(request: HttpRequest, pk: int) -> FileResponse:
    """A stored photo or voice note, for members of the conversation's organisation, audited."""
    user = _member(request)
    item = get_object_or_404(
        Media.objects.select_related("message__conversation"),
        pk=pk,
        status=MediaStatus.STORED,
        message__conversation__organisation_id=user.organisation_id or 0,
    )
    audit_record(
        user,
        AuditAction.VIEW,
        item.message.conversation,
        request=request,
        detail={"what": "conversation media", "media": item.pk},
    )
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    response["Content-Disposition"] = "inline" if item.content_type.startswith(("image/", "audio/")) else "attachment"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- The administrator's channel accounts ------------------------------------------------------------------------


def _admin(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not may_connect_channels(user):
        raise Http404("No such page.")
    return user


def accounts(request: HttpRequest) -> HttpResponse:
    user = _admin(request)
    rows = ChannelAccount.objects.filter(organisation_id=user.organisation_id or 0)
    return render(request, "conversations/accounts.html", {"accounts": rows, "providers": Provider})


@require_http_methods(["GET", "POST"])
def account(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = _admin(request)
    instance = None
    if pk is not None:
        instance = get_object_or_404(ChannelAccount, pk=pk, organisation_id=user.organisation_id or 0)
    form = AccountForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.organisation_id = user.organisation_id
        saved.save()
        audit_record(
            user,
            AuditAction.CHANGE if instance else AuditAction.CREATE,
            saved,
            request=request,
            detail={"what": "channel account", "provider": saved.provider},
        )
        messages.success(request, _("Channel account saved."))
        return redirect("conversations:account", pk=saved.pk)
    hooks = {}
    if instance is not None:
        hooks = {
            "twilio": _hook_url("conversations:twilio_hook", instance),
            "whatsapp": _hook_url("conversations:whatsapp_hook", instance),
        }
    return render(
        request,
        "conversations/account.html",
        {"form": form, "account": instance, "hooks": hooks},
        status=400 if request.method == "POST" else 200,
    )


def _hook_url(name: str, account: ChannelAccount) -> str:
    """The address to paste into the provider's console (SITE_URL + the account's webhook path)."""
    return settings.SITE_URL.rstrip("/") + reverse(name, args=[account.hook_key])
