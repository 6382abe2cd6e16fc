"""What another member organisation may open of a case: one row per case, organisation and section.

The transfers app (redalert.transfers) writes these rows when a receiving coordinator accepts an offer; the policy
(redalert.access.policy) reads them. They live here, at the policy's layer, so that the policy never imports the
workflow above it. A grant is never deleted: it is revoked (revoked_at), by the sender or because the family
withdrew the consent to share with partner organisations (docs/transfers.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from redalert.cases.choices import NoteSection


class GrantReason(models.TextChoices):
    REFERRAL = "referral", _("Referral of sections")
    KEPT_AFTER_TRANSFER = "kept_after_transfer", _("Kept by the sender after a transfer")


class CaseGrantQuerySet(models.QuerySet["CaseGrant"]):
    def active(self) -> CaseGrantQuerySet:
        return self.filter(revoked_at__isnull=True)


class CaseGrant(models.Model):
    """Staff of `organisation` (by role) may read `section` of `case`, which another organisation holds."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="grants")
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    section = models.CharField(_("section"), max_length=20, choices=NoteSection.choices)
    reason = models.CharField(_("reason"), max_length=24, choices=GrantReason.choices)
    offer_id = models.BigIntegerField(null=True, blank=True)  # the transfers.Offer that made it
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_because = models.CharField(max_length=30, blank=True)

    objects = CaseGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("shared access")
        verbose_name_plural = _("shared access")
        indexes = [models.Index(fields=["organisation", "revoked_at"], name="access_grant_org_active")]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "organisation", "section"],
                condition=Q(revoked_at__isnull=True),
                name="access_one_active_grant_per_section",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.organisation_id}: {self.section}"
