"""An offer of a case (a transfer) or of some of its sections (a referral) to another member organisation.

The access it gives, once accepted, is a set of access.models.CaseGrant rows (the policy reads those, never this
table); this row is the workflow and its history: who offered, to whom, what, and who decided.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from redalert.accounts.models import Organisation
from redalert.cases.choices import NoteSection
from redalert.cases.models import Case


class OfferKind(models.TextChoices):
    TRANSFER = "transfer", _("Transfer of the case")
    REFERRAL = "referral", _("Referral of sections")


class OfferStatus(models.TextChoices):
    OFFERED = "offered", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn by the sender")
    REVOKED = "revoked", _("Access revoked")


class EndReason(models.TextChoices):
    """Why an offer or its access ended without a decision of the receiver."""

    SENDER = "sender", _("The sending organisation ended it")
    CONSENT = "consent", _("The family withdrew the consent to share with partner organisations")


OPEN_STATUSES = (OfferStatus.OFFERED, OfferStatus.ACCEPTED)


class Offer(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transfer_offers")
    kind = models.CharField(_("kind"), max_length=10, choices=OfferKind.choices)
    from_organisation = models.ForeignKey(
        Organisation, verbose_name=_("from"), on_delete=models.PROTECT, related_name="+"
    )
    to_organisation = models.ForeignKey(Organisation, verbose_name=_("to"), on_delete=models.PROTECT, related_name="+")
    # NoteSection values; a transfer moves the whole case (its sections are all of them).
    sections = models.JSONField(_("sections"), default=list)
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(_("status"), max_length=10, choices=OfferStatus.choices, default=OfferStatus.OFFERED)
    offered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    offered_at = models.DateTimeField(_("offered"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.CharField(_("answer"), max_length=300, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_because = models.CharField(max_length=10, choices=EndReason.choices, blank=True)

    class Meta:
        verbose_name = _("transfer or referral")
        verbose_name_plural = _("transfers and referrals")
        ordering = ["-offered_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "to_organisation"],
                condition=Q(status="offered"),
                name="transfers_one_open_offer_per_receiver",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} → {self.to_organisation_id}: {self.status}"

    def section_labels(self) -> list[str]:
        return [str(NoteSection(s).label) for s in self.sections if s in NoteSection.values]
