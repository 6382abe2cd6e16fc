"""Shelters and transitional homes: facilities with their capacity, and the stays of victims and families.

A facility's address is encrypted at rest and shown only to the organisation's shelter staff and coordinators
(redalert.shelters.permissions); it never appears on a case page.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from redalert.accounts.models import Organisation
from redalert.care.choices import Recipient
from redalert.cases.choices import Relationship
from redalert.cases.models import Case
from redalert.lib.crypto import EncryptedTextField


class FacilityKind(models.TextChoices):
    EMERGENCY_SHELTER = "emergency_shelter", _("Emergency shelter")
    SHELTER = "shelter", _("Shelter")
    TRANSITIONAL_HOME = "transitional_home", _("Transitional home")


class Facility(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="facilities")
    name = models.CharField(
        _("name"), max_length=200, help_text=_("An internal name; do not write the street or the neighbourhood.")
    )
    kind = models.CharField(_("type"), max_length=20, choices=FacilityKind.choices)
    capacity = models.PositiveSmallIntegerField(_("capacity (places)"))
    address = EncryptedTextField(_("address (private)"), blank=True)
    active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("shelter")
        verbose_name_plural = _("shelters")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="unique_facility_name_per_org")]

    def __str__(self) -> str:
        return self.name


class Stay(models.Model):
    """A stay in a facility: open while check_out_on is empty. Check-ins go through redalert.shelters.services."""

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="stays")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="stays")
    guest = models.CharField(_("who"), max_length=8, choices=Recipient.choices, default=Recipient.VICTIM)
    family_relationship = models.CharField(_("family member"), max_length=20, choices=Relationship.choices, blank=True)
    check_in_on = models.DateField(_("check-in"))
    check_out_on = models.DateField(_("check-out"), null=True, blank=True)
    over_capacity_reason = models.CharField(
        _("reason for going over capacity"),
        max_length=300,
        blank=True,
        help_text=_("Filled only when a check-in went over the facility's capacity."),
    )
    checked_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checked_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("stay")
        verbose_name_plural = _("stays")
        ordering = ["-check_in_on", "-id"]
        indexes = [models.Index(fields=["facility", "check_out_on"])]

    def __str__(self) -> str:
        return f"{self.facility} · {self.case_id} · {self.check_in_on}"

    @property
    def is_open(self) -> bool:
        return self.check_out_on is None

    def clean(self) -> None:
        if self.guest == Recipient.FAMILY and not self.family_relationship:
            raise ValidationError({"family_relationship": _("Say which family member stays (or “Not known”).")})
        if self.guest == Recipient.VICTIM and self.family_relationship:
            raise ValidationError({"family_relationship": _("Only for a family member.")})
        if self.check_out_on and self.check_out_on < self.check_in_on:
            raise ValidationError({"check_out_on": _("The check-out cannot be before the check-in.")})
