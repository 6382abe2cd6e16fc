"""The candidate index (keyed digests of blocking keys), the additional reports of a case, and the reasons given
for opening a new case despite possible duplicates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from redalert.cases.choices import Relationship, ReportChannel
from redalert.cases.models import Case
from redalert.lib.crypto import EncryptedTextField


class CandidateKey(models.Model):
    """One blocking key of an open case, as a keyed digest (HMAC-SHA256 truncated to 64 bits, see keys.py).

    A read model kept by the `matching_index` follower; `manage.py rebuild_matching_index` recomputes it. Only open
    cases (reported, verification, active search) are indexed. The digest says nothing without the key, which is
    derived from SECRET_KEY and never stored in the database.
    """

    organisation_id = models.BigIntegerField()
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+", db_constraint=True)
    digest = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["organisation_id", "digest", "case"], name="matching_key_lookup")]
        constraints = [models.UniqueConstraint(fields=["case", "digest"], name="matching_key_once_per_case")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.digest}"


class AdditionalReport(models.Model):
    """A further report of the same disappearance (another reporter, another channel), added to an existing case
    instead of opening a second case for the same person. The reporter's details are encrypted at rest."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="additional_reports")
    reported_at = models.DateTimeField(_("report received"))
    channel = models.CharField(_("received through"), max_length=20, choices=ReportChannel.choices)
    reporter_name = EncryptedTextField(_("reporter's name"), blank=True)
    reporter_relationship = models.CharField(
        _("reporter's relationship"), max_length=20, choices=Relationship.choices, default="unknown"
    )
    reporter_phone = EncryptedTextField(_("reporter's phone"), blank=True)
    reporter_email = EncryptedTextField(_("reporter's email"), blank=True)
    narrative = EncryptedTextField(_("what the reporter said"), blank=True)
    score = models.FloatField(null=True, blank=True, help_text="The match score shown when it was added.")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("additional report")
        verbose_name_plural = _("additional reports")
        ordering = ["reported_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id}: report {self.pk}"


class IntakeDecision(models.Model):
    """A new case opened although the intake check showed possible duplicates: which ones, and why."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="intake_decision")
    candidate_case_ids = models.JSONField(default=list)
    reason = EncryptedTextField(_("why this is a different person"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("intake decision")

    def __str__(self) -> str:
        return f"{self.case_id}: new case despite {self.candidate_case_ids}"
