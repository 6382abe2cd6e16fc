from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from redalert.cases.choices import Relationship
from redalert.cases.models import Case
from redalert.consent.choices import ConsentMethod, Decision, Purpose
from redalert.lib.storage import private_storage


class ConsentRecord(models.Model):
    """One decision about one purpose. Records are never changed: a withdrawal is a new record.

    The decision in force for a purpose is the one given last (redalert.consent.rules.DECISION_ORDER).
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consent_records")
    purpose = models.CharField(_("purpose"), max_length=24, choices=Purpose.choices)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    given_by_name = models.CharField(_("given by"), max_length=200)
    given_by_relationship = models.CharField(
        _("relationship to the missing person"), max_length=20, choices=Relationship.choices
    )
    method = models.CharField(_("how"), max_length=20, choices=ConsentMethod.choices)
    witness_name = models.CharField(_("witness"), max_length=200, blank=True)
    form_scan = models.FileField(
        _("signed form"), upload_to="consent/%Y/", storage=private_storage, blank=True, max_length=200
    )
    decided_on = models.DateField(_("date of the decision"))
    notes = models.CharField(_("notes"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["-recorded_at", "-id"]
        indexes = [
            models.Index(fields=["case", "purpose", "decided_on", "id"], name="consent_in_force_per_purpose"),
            models.Index(fields=["purpose", "decision", "case"], name="consent_by_purpose_decision"),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.purpose}: {self.decision}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise PermissionError("Consent records are history: record a new decision instead of changing one.")
        super().save(*args, **kwargs)


class CurrentConsent(models.Model):
    """The newest decision for each case and purpose: a read model that follows consent decisions.

    It lets lists of many cases (the public site, exports, statistics) filter on consent with an indexed join
    instead of reading each case's history. It follows every announced consent decision in the same transaction
    (redalert.consent.followers); bulk loads that announce nothing call
    redalert.consent.rules.rebuild_current_consents() before committing. A case without a row here counts as
    having no consent, so a forgotten rebuild hides cases rather than exposing them.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="current_consents")
    purpose = models.CharField(max_length=24, choices=Purpose.choices)
    decision = models.CharField(max_length=10, choices=Decision.choices)
    record = models.OneToOneField(ConsentRecord, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "purpose"], name="one_current_consent_per_purpose")]
        indexes = [models.Index(fields=["purpose", "decision", "case"], name="current_consent_lookup")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.purpose}: {self.decision}"
