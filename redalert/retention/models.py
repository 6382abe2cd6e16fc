"""Retention periods of an organisation, erasure requests, and the mark left on a case whose identity was erased.

What expired is anonymised or deleted by `redalert.retention.jobs.apply_retention` (daily); an erasure asked for
by a family or a survivor is recorded, approved by a second person and carried out by
`redalert.retention.erasure.erase_case_identity`, the one function both use.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from redalert.accounts.models import Organisation
from redalert.cases.models import Case

# Documented defaults (docs/security.md), used while an organisation has stored no policy.
DEFAULT_CLOSED_CASE_DAYS = 3650  # 10 years after closing
DEFAULT_UNLINKED_TIP_DAYS = 730  # 2 years after receipt
DEFAULT_TIPSTER_CONTACT_DAYS = 365  # 1 year after receipt
DEFAULT_IMPORT_FILE_DAYS = 90  # 90 days after the upload
DEFAULT_UNLINKED_CONTACT_DAYS = 365  # 1 year after the last word, like tipsters' contact details
DEFAULT_AUDIT_ENTRY_DAYS = 3650  # 10 years: archived by export, never deleted (the log is append-only)

MAX_DAYS = 36500


class RetentionPolicy(models.Model):
    """How long an organisation keeps each kind of data, in days. One row per organisation; defaults when absent."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="retention_policy")
    closed_case_days = models.PositiveIntegerField(
        _("closed cases: identifying data kept for (days after closing)"), default=DEFAULT_CLOSED_CASE_DAYS
    )
    unlinked_tip_days = models.PositiveIntegerField(
        _("tips not linked to the case (spam, not relevant): kept for (days)"), default=DEFAULT_UNLINKED_TIP_DAYS
    )
    tipster_contact_days = models.PositiveIntegerField(
        _("tipsters' contact details: kept for (days)"), default=DEFAULT_TIPSTER_CONTACT_DAYS
    )
    unlinked_contact_days = models.PositiveIntegerField(
        _("hotline contacts and conversations not linked to a case: personal details kept for (days)"),
        default=DEFAULT_UNLINKED_CONTACT_DAYS,
        help_text=_(
            "Counted from the end of the contact or the last message. Then names, numbers, addresses and what was "
            "said are erased; the date, channel and counts stay for the statistics."
        ),
    )
    import_file_days = models.PositiveIntegerField(
        _("uploaded import files: kept for (days)"), default=DEFAULT_IMPORT_FILE_DAYS
    )
    audit_entry_days = models.PositiveIntegerField(
        _("audit entries: archive after (days)"),
        default=DEFAULT_AUDIT_ENTRY_DAYS,
        help_text=_(
            "The audit log is append-only and is never deleted by the system: entries older than this are to be "
            "archived by an export (see the operations guide)."
        ),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("retention policy")
        verbose_name_plural = _("retention policies")

    def __str__(self) -> str:
        return f"{self.organisation_id}: retention"


class Requester(models.TextChoices):
    SURVIVOR = "survivor", _("The survivor herself")
    FAMILY = "family", _("Her family")
    REPRESENTATIVE = "representative", _("Her legal representative")


class Basis(models.TextChoices):
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
    NO_LONGER_NEEDED = "no_longer_needed", _("The data is no longer needed")
    SAFETY = "safety", _("Her safety")
    OTHER = "other", _("Other lawful basis")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    DONE = "done", _("Approved and erased")
    CANCELLED = "cancelled", _("Cancelled")


class ErasureRequest(models.Model):
    """A family's or a survivor's request to erase a case's identity. Recorded by one member, approved by another.

    It holds who asked (the kind of person, never her name), when, on what basis, and who recorded and approved.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="erasure_requests")
    requested_by = models.CharField(_("who asked"), max_length=16, choices=Requester.choices)
    requested_on = models.DateField(_("date asked"))
    basis = models.CharField(_("basis"), max_length=20, choices=Basis.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id}: erasure {self.status}"


class ErasureReason(models.TextChoices):
    RETENTION = "retention", _("Retention period expired")
    REQUEST = "request", _("Erasure on request")


class ErasedCase(models.Model):
    """The mark that a case's identity was erased: the job skips it, staff see why the file is empty."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="erasure")
    at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=10, choices=ErasureReason.choices)

    def __str__(self) -> str:
        return f"{self.case_id}: erased ({self.reason})"
