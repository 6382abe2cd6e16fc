"""Pages of transfers and referrals. Thin: who may do what comes from permissions.py (on access.policy), the rules
from services.py. Another organisation's offer, or a case not shared, is a 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from redalert.access.models import CaseGrant
from redalert.access.policy import case_for, readable_shared_sections, shared_cases, visible_sections
from redalert.accounts.models import User
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.cases.choices import NoteSection
from redalert.transfers import permissions, services
from redalert.transfers.forms import AnswerForm, OfferForm
from redalert.transfers.models import OfferKind, OfferStatus


def section_url(case_pk: int, section: str) -> str:
    """Where a shared section is read: the case file for the general section, the section's page otherwise."""
    if section == NoteSection.GENERAL:
        return reverse("cases:detail", args=[case_pk])
    if section == NoteSection.LEGAL:
        return reverse("legal:case", args=[case_pk])
    return reverse("cases:section", args=[case_pk, section])


def index(request: HttpRequest) -> HttpResponse:
    """The cases shared with her organisation (every case worker), and the offers sent and received (coordinators)."""
    user: User = request.user  # type: ignore[assignment]
    if not permissions.may_see_transfers(user):
        raise Http404
    readable = readable_shared_sections(user)
    organisation_id = user.organisation_id or 0
    shared: list[dict[str, Any]] = []
    for case in shared_cases(user).select_related("person", "organisation").order_by("-reported_at")[:200]:
        sections = sorted(
            CaseGrant.objects.active()
            .filter(case=case, organisation_id=organisation_id, section__in=readable)
            .values_list("section", flat=True)
        )
        shared.append({"case": case, "sections": [(NoteSection(s).label, section_url(case.pk, s)) for s in sections]})
    offers = permissions.offers_for(user).select_related("case", "from_organisation", "to_organisation")
    incoming = offers.filter(to_organisation_id=organisation_id, status=OfferStatus.OFFERED)
    history = offers.exclude(pk__in=incoming.values("pk"))[:100]
    audit_record(
        user,
        AuditAction.VIEW,
        request=request,
        detail={"what": "shared cases", "cases": [s["case"].pk for s in shared]},
    )
    return render(
        request,
        "transfers/index.html",
        {
            "shared": shared,
            "incoming": incoming,
            "history": history,
            "is_coordinator": permissions.is_coordinator(user),
        },
    )


def new_offer(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    case = case_for(user, pk)
    if not permissions.may_offer(user, case):
        raise Http404
    form = OfferForm(request.POST or None, organisation_id=case.organisation_id, initial={"kind": OfferKind.REFERRAL})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = services.offer(
                case,
                to=data["to"],
                kind=data["kind"],
                sections=data["sections"],
                reason=data["reason"],
                actor=user,
                request=request,
            )
        except services.TransferError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("Offer sent to %(organisation)s.") % {"organisation": made.to_organisation.name}
            )
            return redirect("transfers:offer", pk=made.pk)
    elif request.method == "POST":
        messages.error(request, _("The offer was not sent: please correct the fields marked below."))
    services_consent = services.may_use(case, services.CONSENT_PURPOSE)
    audit_record(user, AuditAction.VIEW, case, case=case, request=request, detail={"what": "transfer offer form"})
    return render(request, "transfers/new.html", {"case": case, "form": form, "consent": services_consent})


def offer_page(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    offer = permissions.offer_for(user, pk)
    audit_record(
        user,
        AuditAction.VIEW,
        offer,
        case=offer.case,
        request=request,
        detail={"what": "transfer offer"},
    )
    context: dict[str, Any] = {
        "offer": offer,
        "may_decide": permissions.may_decide(user, offer) and offer.status == OfferStatus.OFFERED,
        "may_end": permissions.may_end(user, offer)
        and (
            offer.status == OfferStatus.OFFERED
            or (offer.status == OfferStatus.ACCEPTED and offer.kind == OfferKind.REFERRAL)
        ),
        "form": AnswerForm(),
    }
    if offer.status == OfferStatus.ACCEPTED and user.organisation_id == offer.to_organisation_id:
        case = offer.case
        context["open_links"] = (
            [(NoteSection(s).label, section_url(case.pk, s)) for s in visible_sections(user, case)]
            if case.organisation_id != user.organisation_id
            else [(_("Case file"), reverse("cases:detail", args=[case.pk]))]
        )
    return render(request, "transfers/offer.html", context)


@require_POST
def decide(request: HttpRequest, pk: int, answer: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    offer = permissions.offer_for(user, pk)
    form = AnswerForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        if answer == "accept" and permissions.may_decide(user, offer):
            services.accept(offer, actor=user, note=note, request=request)
            messages.success(request, _("Accepted: your organisation can now open what was shared."))
        elif answer == "reject" and permissions.may_decide(user, offer):
            services.reject(offer, actor=user, note=note, request=request)
            messages.success(request, _("Rejected: nothing was shared."))
        elif answer == "end" and permissions.may_end(user, offer):
            services.end(offer, actor=user, request=request)
            messages.success(request, _("Ended: the other organisation no longer opens what was shared."))
        else:
            raise Http404
    except services.TransferError as exc:
        messages.error(request, str(exc))
    return redirect("transfers:offer", pk=offer.pk)
