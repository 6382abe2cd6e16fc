"""Care: services to victims and families, the humanitarian-expense ledger, the support plan (life project),
referrals to and from partner organisations, and survivors' consultations on the services.

Money is a decimal with an ISO 4217 currency (redalert.care.money). A null cost is "not known"; 0 is "no cost".
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from redalert.accounts.models import Organisation
from redalert.care.choices import (
    ExpenseCategory,
    ImmigrationStatus,
    ObjectiveStatus,
    Phase,
    ProviderKind,
    Recipient,
    ReferralDirection,
    ReferralStatus,
    ServiceType,
    SupportPlanType,
)
from redalert.care.money import amount_field, currency_field
from redalert.cases.choices import Relationship
from redalert.cases.models import Case
from redalert.lib.crypto import EncryptedTextField


class Service(models.Model):
    """One service given to the victim or to a family member, before or after the rescue."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="services")
    service_type = models.CharField(_("service"), max_length=24, choices=ServiceType.choices)
    recipient = models.CharField(_("given to"), max_length=8, choices=Recipient.choices, default=Recipient.VICTIM)
    family_relationship = models.CharField(_("family member"), max_length=20, choices=Relationship.choices, blank=True)
    phase = models.CharField(
        _("before or after the rescue"), max_length=8, choices=Phase.choices, default=Phase.UNKNOWN
    )
    given_on = models.DateField(_("date"))
    provider = models.CharField(_("provider"), max_length=8, choices=ProviderKind.choices, default=ProviderKind.OWN)
    partner = models.ForeignKey(
        Organisation,
        verbose_name=_("partner organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    cost = amount_field(_("cost"), null=True)
    currency = currency_field(blank=True)
    immigration_remedy = models.CharField(
        _("remedy sought"), max_length=200, blank=True, help_text=_("Immigration relief only, e.g. humanitarian visa.")
    )
    immigration_status = models.CharField(
        _("status of the remedy"), max_length=10, choices=ImmigrationStatus.choices, blank=True
    )
    notes = EncryptedTextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["-given_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_service_type_display()} ({self.given_on})"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.cost is not None and not self.currency:
            errors["currency"] = _("Give the currency of the cost.")
        if self.cost is None and self.currency:
            errors["cost"] = _("Give the cost, or leave the currency empty if the cost is not known.")
        if self.recipient == Recipient.FAMILY and not self.family_relationship:
            errors["family_relationship"] = _("Say which family member received it (or “Not known”).")
        if self.recipient == Recipient.VICTIM and self.family_relationship:
            errors["family_relationship"] = _("Only for a service to a family member.")
        if self.provider == ProviderKind.PARTNER and self.partner_id is None:
            errors["partner"] = _("Choose the partner organisation.")
        if self.provider != ProviderKind.PARTNER and self.partner_id is not None:
            errors["partner"] = _("Only when a partner gave the service.")
        if self.service_type == ServiceType.IMMIGRATION_RELIEF:
            if not self.immigration_remedy:
                errors["immigration_remedy"] = _("Say which remedy is sought.")
            if not self.immigration_status:
                errors["immigration_status"] = _("Give the status of the remedy (or “Not known”).")
        elif self.immigration_remedy or self.immigration_status:
            errors["immigration_remedy"] = _("Only for immigration relief.")
        if errors:
            raise ValidationError(errors)


class Expense(models.Model):
    """One line of a case's humanitarian-expense ledger."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="expenses")
    category = models.CharField(_("category"), max_length=20, choices=ExpenseCategory.choices)
    spent_on = models.DateField(_("date"), db_index=True)
    amount = amount_field(_("amount"))
    currency = currency_field()
    description = models.CharField(_("description"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("humanitarian expense")
        verbose_name_plural = _("humanitarian expenses")
        ordering = ["-spent_on", "-id"]

    def __str__(self) -> str:
        return f"{self.spent_on} {self.get_category_display()}: {self.amount} {self.currency}"


class Objective(models.Model):
    """An objective of the support plan (life project) in one area, with its progress."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="support_objectives")
    area = models.CharField(_("area"), max_length=40, choices=SupportPlanType.choices)
    objective = EncryptedTextField(_("objective"))
    starts_on = models.DateField(_("start"), null=True, blank=True)
    target_on = models.DateField(_("target date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ObjectiveStatus.choices, default=ObjectiveStatus.PLANNED
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100, message=_("Progress is a percentage from 0 to 100."))],
        help_text=_("Leave empty if not known."),
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("support-plan objective")
        verbose_name_plural = _("support-plan objectives")
        ordering = ["area", "target_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_area_display()}: {self.objective[:40]}"

    def clean(self) -> None:
        if self.starts_on and self.target_on and self.target_on < self.starts_on:
            raise ValidationError({"target_on": _("The target date cannot be before the start.")})


class PlanAction(models.Model):
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="actions")
    description = EncryptedTextField(_("action"))
    due_on = models.DateField(_("due"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.description[:40]


class Referral(models.Model):
    """A referral of a case to a partner organisation, or from one. Made only with consent to referral."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    direction = models.CharField(
        _("direction"), max_length=8, choices=ReferralDirection.choices, default=ReferralDirection.OUTGOING
    )
    partner = models.ForeignKey(
        Organisation, verbose_name=_("partner organisation"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300)
    referred_on = models.DateField(_("date"))
    status = models.CharField(
        _("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.PENDING
    )
    status_changed_on = models.DateField(_("status since"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-referred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.direction} {self.partner}: {self.status}"


class Consultation(models.Model):
    """A (quarterly) meeting where survivors are asked how they judge the services."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="consultations")
    held_on = models.DateField(_("date"))
    participants = models.PositiveIntegerField(
        _("participants"), null=True, blank=True, help_text=_("Leave empty if not known.")
    )
    notes = EncryptedTextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("survivors' consultation")
        verbose_name_plural = _("survivors' consultations")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.organisation} {self.quarter}"

    @property
    def quarter(self) -> str:
        return quarter_of(self.held_on)


def quarter_of(day: date) -> str:
    """ "2026-Q2" for a day in April–June 2026."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


class ServiceFeedback(models.Model):
    """What the participants said about one kind of service: satisfaction 1–5 (null: not known) and comments."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="feedback")
    service_type = models.CharField(_("service"), max_length=24, choices=ServiceType.choices)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction (1–5)"),
        null=True,
        blank=True,
        validators=[
            MinValueValidator(1, message=_("Satisfaction goes from 1 (very bad) to 5 (very good).")),
            MaxValueValidator(5, message=_("Satisfaction goes from 1 (very bad) to 5 (very good).")),
        ],
        help_text=_("1 very bad … 5 very good. Leave empty if not known."),
    )
    comment = EncryptedTextField(_("comments"), blank=True)

    class Meta:
        verbose_name = _("feedback on a service")
        verbose_name_plural = _("feedback on services")
        ordering = ["service_type", "id"]

    def __str__(self) -> str:
        return f"{self.service_type}: {self.satisfaction}"
