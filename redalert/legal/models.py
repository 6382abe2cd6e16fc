"""Legal accompaniment: proceedings from the complaint to the sentence and reparations, and reparation estimates.

Sensitive free text (file numbers, names of the accused, notes) is encrypted at rest. "Not known" is always a
stored answer distinct from "none" (a null date is "not known", an empty list of accused is "none recorded").
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from redalert.care.money import amount_field, currency_field
from redalert.cases.models import Case
from redalert.investigation.choices import TypeOfExploitation
from redalert.legal.choices import (
    WORLD,
    AccusedOutcome,
    Authority,
    DeclineReason,
    MeasureStatus,
    ProceedingStatus,
)
from redalert.lib.crypto import EncryptedTextField


class Proceeding(models.Model):
    """One criminal proceeding: the complaint filed with a prosecutor's office and what followed.

    Status changes go through redalert.legal.services.change_status (which writes the history), never directly.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="proceedings")
    lawyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible lawyer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proceedings",
    )
    complaint_filed_on = models.DateField(
        _("date of the complaint"), null=True, blank=True, help_text=_("Leave empty if not known.")
    )
    authority = models.CharField(_("authority"), max_length=20, choices=Authority.choices, default=Authority.UNKNOWN)
    authority_name = models.CharField(
        _("office"), max_length=200, blank=True, help_text=_("E.g. Fiscalía Especializada en Trata, Querétaro.")
    )
    investigation_file = EncryptedTextField(
        _("investigation file number"), blank=True, help_text=_("Carpeta de investigación. Leave empty if not known.")
    )
    crimes_charged = models.TextField(_("crimes charged"), blank=True, help_text=_("One per line."))
    status = models.CharField(
        _("status"), max_length=20, choices=ProceedingStatus.choices, default=ProceedingStatus.INVESTIGATION
    )
    status_changed_on = models.DateField(_("status since"), default=timezone.localdate)
    decline_reason = models.CharField(_("reason declined"), max_length=30, choices=DeclineReason.choices, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("proceeding")
        verbose_name_plural = _("proceedings")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case.reference} · {self.get_authority_display()}"

    @property
    def crimes(self) -> list[str]:
        return [line.strip() for line in self.crimes_charged.splitlines() if line.strip()]


class StatusChange(models.Model):
    """One line of a proceeding's status history (append-only)."""

    proceeding = models.ForeignKey(Proceeding, on_delete=models.CASCADE, related_name="status_history")
    from_status = models.CharField(max_length=20, choices=ProceedingStatus.choices, blank=True)
    to_status = models.CharField(_("new status"), max_length=20, choices=ProceedingStatus.choices)
    changed_on = models.DateField(_("date of the change"))
    reason = models.CharField(_("reason declined"), max_length=30, choices=DeclineReason.choices, blank=True)
    note = EncryptedTextField(_("note"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_on", "id"]

    def __str__(self) -> str:
        return f"{self.proceeding_id}: {self.from_status} → {self.to_status}"


class Hearing(models.Model):
    proceeding = models.ForeignKey(Proceeding, on_delete=models.CASCADE, related_name="hearings")
    starts_at = models.DateTimeField(_("date and time"), db_index=True)
    court = models.CharField(_("court or office"), max_length=200)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    notes = EncryptedTextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return f"{self.proceeding_id}: {self.starts_at:%Y-%m-%d %H:%M}"


class ProtectionMeasure(models.Model):
    proceeding = models.ForeignKey(Proceeding, on_delete=models.CASCADE, related_name="measures")
    description = models.CharField(
        _("measure"), max_length=300, help_text=_("E.g. restraining order, police patrols, relocation.")
    )
    beneficiary = models.CharField(
        _("for whom"), max_length=200, blank=True, help_text=_("E.g. the victim, her mother.")
    )
    requested_on = models.DateField(_("requested on"), null=True, blank=True, help_text=_("Leave empty if not known."))
    status = models.CharField(
        _("status"), max_length=12, choices=MeasureStatus.choices, default=MeasureStatus.REQUESTED
    )
    granted_on = models.DateField(_("granted on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    class Meta:
        verbose_name = _("protection measure")
        verbose_name_plural = _("protection measures")
        ordering = ["requested_on", "id"]

    def __str__(self) -> str:
        return self.description

    def clean(self) -> None:
        if self.status == MeasureStatus.GRANTED and self.granted_on is None:
            raise ValidationError({"granted_on": _("Give the date the measure was granted.")})
        if self.status in (MeasureStatus.REQUESTED, MeasureStatus.DENIED) and self.granted_on is not None:
            raise ValidationError({"granted_on": _("A measure that was not granted has no date granted.")})
        if self.requested_on and self.granted_on and self.granted_on < self.requested_on:
            raise ValidationError({"granted_on": _("A measure cannot be granted before it was requested.")})


class Accused(models.Model):
    """A person accused in a proceeding, with the outcome for her or him."""

    proceeding = models.ForeignKey(Proceeding, on_delete=models.CASCADE, related_name="accused")
    name = EncryptedTextField(_("name"), blank=True, help_text=_("Leave empty if the identity is not known."))
    role = models.CharField(_("role in the crime"), max_length=200, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=AccusedOutcome.choices, default=AccusedOutcome.PENDING
    )
    outcome_on = models.DateField(_("date of the outcome"), null=True, blank=True)
    sentence = models.CharField(
        _("sentence"), max_length=300, blank=True, help_text=_("E.g. 40 years in prison and a fine.")
    )
    sentence_years = models.DecimalField(
        _("years of prison"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"), message=_("Years cannot be negative."))],
    )

    class Meta:
        verbose_name = _("accused")
        verbose_name_plural = _("accused")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name or str(_("Identity not known"))

    def clean(self) -> None:
        if (self.sentence or self.sentence_years is not None) and self.outcome != AccusedOutcome.CONVICTED:
            raise ValidationError({"sentence": _("Only a convicted person has a sentence.")})


class Reparation(models.Model):
    """Reparation of damage ordered by a court; payments against it are ReparationPayment rows (same currency)."""

    proceeding = models.ForeignKey(Proceeding, on_delete=models.CASCADE, related_name="reparations")
    accused = models.ForeignKey(
        Accused, verbose_name=_("ordered against"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ordered_on = models.DateField(_("ordered on"))
    amount = amount_field(_("amount ordered"))
    currency = currency_field()
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("reparation ordered")
        verbose_name_plural = _("reparations ordered")
        ordering = ["ordered_on", "id"]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"

    @property
    def paid(self) -> Decimal:
        return sum((p.amount for p in self.payments.all()), Decimal("0.00"))

    @property
    def outstanding(self) -> Decimal:
        return max(self.amount - self.paid, Decimal("0.00"))


class ReparationPayment(models.Model):
    reparation = models.ForeignKey(Reparation, on_delete=models.CASCADE, related_name="payments")
    paid_on = models.DateField(_("paid on"))
    amount = amount_field(_("amount paid"))

    class Meta:
        ordering = ["paid_on", "id"]

    def __str__(self) -> str:
        return f"{self.amount} on {self.paid_on}"


class ReparationRate(models.Model):
    """The yearly profit traffickers make per victim, for a region and a form of exploitation, with its source.

    A setting an administrator edits, never a hidden constant; estimates copy what they used (ReparationEstimate).
    """

    region = models.CharField(
        _("region"), max_length=5, default=WORLD, help_text=_("“world”, or an ISO 3166-1 country code such as MX.")
    )
    exploitation = models.CharField(
        _("form of exploitation"), max_length=40, choices=TypeOfExploitation.choices, default=TypeOfExploitation.SEXUAL
    )
    annual_profit = amount_field(_("annual profit per victim"))
    currency = currency_field()
    source = models.CharField(_("source"), max_length=500)
    valid_from = models.DateField(_("in force from"))
    valid_to = models.DateField(_("in force until"), null=True, blank=True, help_text=_("Empty: still in force."))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reparation rate")
        verbose_name_plural = _("reparation rates")
        ordering = ["region", "exploitation", "-valid_from"]

    def __str__(self) -> str:
        return f"{self.region} · {self.exploitation} · {self.annual_profit} {self.currency}"

    def clean(self) -> None:
        import pycountry

        region = (self.region or "").strip()
        self.region = WORLD if region.lower() == WORLD else region.upper()
        if self.region != WORLD and pycountry.countries.get(alpha_2=self.region) is None:
            raise ValidationError({"region": _("Write “world” or a two-letter ISO 3166-1 country code.")})
        if not (self.source or "").strip():
            raise ValidationError({"source": _("Every rate needs its source.")})
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The end of the period cannot be before its start.")})
        if self.valid_from:
            overlapping = ReparationRate.objects.filter(region=self.region, exploitation=self.exploitation).exclude(
                pk=self.pk
            )
            overlapping = overlapping.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from))
            if self.valid_to:
                overlapping = overlapping.filter(valid_from__lte=self.valid_to)
            if overlapping.exists():
                raise ValidationError(
                    _(
                        "Another rate for this region and form of exploitation is in force in the same period: "
                        "end it first."
                    )
                )


class ReparationEstimate(models.Model):
    """What a victim's exploitation produced for her traffickers: months/12 × the annual rate.

    The rate's amount, currency, region and source are copied here, so a later edit of the rate does not change
    an estimate already given.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reparation_estimates")
    estimated_on = models.DateField(_("date of the estimate"))
    months_exploited = models.DecimalField(
        _("months exploited"),
        max_digits=6,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.1"), message=_("Give a number of months greater than zero."))],
    )
    region = models.CharField(_("region asked for"), max_length=5)
    exploitation = models.CharField(_("form of exploitation"), max_length=40, choices=TypeOfExploitation.choices)
    rate = models.ForeignKey(ReparationRate, on_delete=models.SET_NULL, null=True, related_name="estimates")
    rate_region = models.CharField(_("region of the rate used"), max_length=5)
    rate_amount = amount_field(_("annual profit per victim used"))
    rate_currency = currency_field()
    rate_source = models.CharField(_("source"), max_length=500)
    amount = amount_field(_("estimate"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reparation estimate")
        verbose_name_plural = _("reparation estimates")
        ordering = ["-estimated_on", "-id"]

    def __str__(self) -> str:
        return f"{self.amount} {self.rate_currency}"


def estimate_amount(months: Decimal, annual: Decimal) -> Decimal:
    """months / 12 × the annual rate, rounded half-up to cents."""
    return (Decimal(months) * Decimal(annual) / Decimal(12)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
