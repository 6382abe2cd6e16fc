"""Staff pages of the public site: a coordinator publishes a case; a public-site editor edits the public texts."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from redalert.access.policy import Action, case_for, may_edit_public_texts
from redalert.accounts.models import User
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.cases import services as case_services
from redalert.cases.views import case_nav_context
from redalert.public.exposure import public_cases
from redalert.public.forms import PublicationForm, PublicTextForm
from redalert.public.models import Publication, PublicText
from redalert.public.services import may_publish, publication_for, set_public


def publication(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose what the public sees of a case, and show or hide it. For coordinators, with consent to publish."""
    user: User = request.user  # type: ignore[assignment]
    case = case_for(user, pk, Action.PUBLISH)
    current = publication_for(case)
    verdict = may_publish(case)
    form = PublicationForm(instance=current, case=case)
    if request.method == "POST":
        if request.POST.get("action") == "remove":
            # Hide from the stored row: unsaved edits in the form are not applied along with a removal.
            set_public(case, Publication.objects.get(pk=current.pk), False, actor=user, request=request)
            messages.success(request, _("The case was removed from the public site."))
            return redirect("publishing:case", pk=case.pk)
        form = PublicationForm(request.POST, instance=current, case=case)
        if not verdict:
            messages.error(request, _("Not published: %(reason)s") % {"reason": verdict.reason})
        elif form.is_valid():
            try:
                set_public(case, form.save(commit=False), True, actor=user, request=request)
            except PermissionError as exc:
                messages.error(request, _("Not published: %(reason)s") % {"reason": exc})
            else:
                messages.success(request, _("Published. The public page shows what you chose."))
                return redirect("publishing:case", pk=case.pk)
        else:
            messages.error(request, _("Not published: please correct the fields marked below."))
        current = Publication.objects.get(pk=current.pk)
    else:
        case_services.record_view(case, actor=user, request=request, what="publication")
    is_shown = public_cases().filter(pk=case.pk).exists()
    return render(
        request,
        "public/staff/publication.html",
        {
            "case": case,
            "publication": current,
            "form": form,
            "verdict": verdict,
            "is_shown": is_shown,
            **case_nav_context(user, case),
        },
    )


def public_texts(request: HttpRequest) -> HttpResponse:
    """The organisation's about text, contact line and hotline in each language. For its public-site editors."""
    user: User = request.user  # type: ignore[assignment]
    if not may_edit_public_texts(user) or user.organisation is None:
        raise Http404
    organisation = user.organisation
    existing = {t.language: t for t in PublicText.objects.filter(organisation=organisation)}
    data = request.POST if request.method == "POST" else None
    forms = [
        (
            code,
            name,
            PublicTextForm(
                data,
                prefix=code,
                instance=existing.get(code) or PublicText(organisation=organisation, language=code),
            ),
        )
        for code, name in settings.LANGUAGES
    ]
    if request.method == "POST":
        if all(form.is_valid() for _code, _name, form in forms):
            with transaction.atomic():
                changed = []
                for code, _name, form in forms:
                    if form.instance.pk is None and not any(form.cleaned_data.values()):
                        continue
                    if form.instance.pk is not None and not form.has_changed():
                        continue
                    text = form.save(commit=False)
                    text.updated_by = user
                    text.save()
                    changed.append(code)
                    audit_record(
                        user,
                        AuditAction.CHANGE,
                        text,
                        request=request,
                        detail={"language": code, "fields": form.changed_data},
                    )
            if changed:
                messages.success(request, _("Public texts saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("publishing:texts")
        messages.error(request, _("The texts were not saved: please correct the fields marked below."))
    return render(request, "public/staff/texts.html", {"forms": forms, "organisation": organisation})
