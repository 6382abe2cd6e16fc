"""The intake's forms and its steps, in one place for every page that opens a report.

The intake page (cases.views.intake) and the hotline desk's "new report from this contact" (hotline.views) show the
same four forms, stop at the same duplicate check and open the case through the same services; the conversations
app reuses the duplicate step. Each page adds only what is its own (the contact it links, its template).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext as _

from redalert.accounts.models import User
from redalert.cases import services
from redalert.cases.forms import CaseReportForm, FamilyContactForm, PersonForm, check_dates_against_birth
from redalert.cases.models import Case
from redalert.consent.forms import ConsentForm
from redalert.consent.services import record_decisions
from redalert.lib.intake import duplicate_check

# The intake's optional parts, folded (<details>) so that a first report takes the fields above them only; each part
# opens by itself when one of its fields failed.
PERSON_DETAILS = [
    "aliases",
    "nationalities",
    "ethnicity",
    "indigenous",
    "indigenous_people",
    "languages",
    "height_cm",
    "physical_description",
    "distinguishing_marks",
    "clothing",
]
CIRCUMSTANCES = [
    "last_seen_time",
    "last_seen_place_detail",
    "last_seen_latitude",
    "last_seen_longitude",
    "circumstances",
]


def phone_region(user: User) -> str:
    """Phone numbers typed without a country code are read as the organisation's country's."""
    return user.organisation.country if user.organisation else ""


def intake_consent_form(request: HttpRequest) -> ConsentForm:
    """The optional consent section of the intake: bound only when a purpose is ticked. Who decided defaults to the
    reporter typed above (the usual case: the mother reports and consents in the same conversation)."""
    if request.method != "POST" or not request.POST.getlist("consent-purpose"):
        return ConsentForm(prefix="consent", use_required_attribute=False)
    data = request.POST.copy()
    if not data.get("consent-given_by_name", "").strip():
        data["consent-given_by_name"] = data.get("report-reporter_name", "")
        data["consent-given_by_relationship"] = data.get("report-reporter_relationship", "")
    return ConsentForm(data, request.FILES or None, prefix="consent", use_required_attribute=False)


def duplicates_unanswered(request: HttpRequest, duplicates: list[Any]) -> bool:
    """Whether the page must stop at the duplicate check: there are possible duplicates and she has not yet said why
    this is someone else (saying "new" without a reason is an error of its own)."""
    reason = request.POST.get("duplicate_reason", "").strip()
    decided_new = request.POST.get("duplicate_decision") == "new"
    if not duplicates or (decided_new and reason):
        return False
    if decided_new:
        messages.error(request, _("Say why this is a different person before opening a new case."))
    else:
        messages.warning(request, _("This may be a person the organisation already searches for."))
    return True


def failed_fields(*forms: Any) -> list[dict[str, str]]:
    """The fields that failed, in the order of the page, each with its label and the id to link to (#id)."""
    failed = []
    for form in forms:
        if not form.is_bound:
            continue
        for name in form.errors:
            if name == "__all__" or name not in form.fields:
                continue
            bound = form[name]
            anchor = bound.id_for_label or bound.auto_id
            failed.append({"label": str(bound.label), "id": anchor, "error": str(form.errors[name][0])})
    return failed


class IntakeForms:
    """The report, person, family contact and consent forms of one intake, bound to a POST or empty."""

    def __init__(
        self,
        request: HttpRequest,
        user: User,
        *,
        report_initial: dict[str, Any] | None = None,
        live_check: bool = True,
    ) -> None:
        region = phone_region(user)
        post = request.POST if request.method == "POST" else None
        self.report_form = CaseReportForm(post, prefix="report", phone_region=region)
        if post is None:
            self.report_form.initial.update(report_initial or {})
        self.person_form = PersonForm(post, prefix="person")
        self.contact_form = FamilyContactForm(
            post, prefix="contact", phone_region=region, empty_permitted=True, use_required_attribute=False
        )
        self.consent_form = intake_consent_form(request)
        self.check = duplicate_check()
        self.duplicates: list[Any] = []
        self.reason = request.POST.get("duplicate_reason", "").strip() if post is not None else ""
        self.context: dict[str, Any] = {
            "report_form": self.report_form,
            "person_form": self.person_form,
            "contact_form": self.contact_form,
            "consent_form": self.consent_form,
            "duplicates_template": self.check.template if self.check else "",
            "duplicates_live_url": self.check.live_url if self.check and live_check else "",
        }

    def is_valid(self) -> bool:
        forms_valid = all(
            [
                self.report_form.is_valid(),
                self.person_form.is_valid(),
                self.contact_form.is_valid(),
                not self.consent_form.is_bound or self.consent_form.is_valid(),
            ]
        )
        check_dates_against_birth(self.report_form, self.person_form)
        return forms_valid and not self.report_form.errors

    def values(self) -> dict[str, Any]:
        return {**self.report_form.cleaned_data, **self.person_form.cleaned_data}

    def stops_at_duplicates(self, request: HttpRequest) -> bool:
        """Ask the matching app (redalert.lib.intake) for the organisation's open cases that may be this person; a
        new case only once she has seen them and said why this is someone else."""
        self.duplicates = self.check.candidates(request, self.values()) if self.check else []
        if not duplicates_unanswered(request, self.duplicates):
            return False
        self.context["duplicates"] = self.duplicates
        self.context["duplicate_reason"] = self.reason
        return True

    def open_case(self, *, actor: User, request: HttpRequest) -> Case:
        """Open the case with everything the forms hold; call inside a transaction: a refused consent decision (there
        is no earlier decision on a new case, so none is expected) undoes the whole report."""
        assert actor.organisation is not None
        values = self.values()
        data = services.IntakeData(**{k: v for k, v in values.items() if k in services.IntakeData.__annotations__})
        case = services.open_report(data, organisation=actor.organisation, actor=actor, request=request)
        if self.contact_form.has_changed():
            services.add_family_contact(case, self.contact_form.save(commit=False), actor=actor, request=request)
        if self.check and self.duplicates:
            self.check.record_new_case(case, request, self.reason, self.duplicates)
        if self.consent_form.is_bound:
            record_decisions(case, self.consent_form.records(), actor=actor, request=request)
        return case

    def refuse(self, request: HttpRequest) -> None:
        messages.error(request, _("The report was not saved: please correct the fields marked below."))
        self.context["failed_fields"] = failed_fields(
            self.report_form, self.person_form, self.contact_form, self.consent_form
        )

    def page_context(self, **extra: Any) -> dict[str, Any]:
        """What the intake templates need: the forms, the duplicate step's state and the folded groups."""
        context = {**self.context, **extra}
        person, report = self.person_form, self.report_form
        groups: dict[str, Any] = {
            "person_first": [person[n] for n in person.fields if n not in PERSON_DETAILS],
            "person_details": [person[n] for n in PERSON_DETAILS],
            "circumstances": [report[n] for n in CIRCUMSTANCES],
        }
        groups["person_details_open"] = any(f.errors for f in groups["person_details"])
        groups["circumstances_open"] = any(f.errors for f in groups["circumstances"])
        groups["contact_open"] = bool(self.contact_form.is_bound and self.contact_form.errors)
        groups["consent_open"] = self.consent_form.is_bound
        return {**context, **groups}
