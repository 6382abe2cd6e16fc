"""The register of people found: people found alive who cannot or will not say who they are, and people found
deceased and unidentified, recorded by shelters, hospitals, forensic services, authorities or the organisation's
own staff; their photos; and the candidate pairs (found record ↔ open missing case) that the team reviews.

Personal free text (names she gives, descriptions, marks, clothing, the exact place, circumstances, the
reporter's contact) is encrypted at rest, as in the case file. "Not known" is always a possible answer.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from redalert.accounts.models import Organisation
from redalert.cases.choices import Sex
from redalert.cases.models import Case
from redalert.found.choices import CandidateStatus, Condition, FoundReason, ReporterKind
from redalert.lib.crypto import EncryptedTextField
from redalert.lib.storage import private_storage
from redalert.matching.compare import Reason
from redalert.places.models import Place


class FoundPerson(models.Model):
    """One person found: what is known about her, where and when she was found, and who reported it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    condition = models.CharField(_("found"), max_length=10, choices=Condition.choices)
    found_on = models.DateField(_("date found"))
    found_place = models.ForeignKey(
        Place, verbose_name=_("place found"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    found_place_detail = EncryptedTextField(
        _("exact place (private)"), blank=True, help_text=_("Street, building, facility. Never public.")
    )
    age_min = models.PositiveSmallIntegerField(_("approximate age: from"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("approximate age: to"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    height_cm = models.PositiveSmallIntegerField(_("height (cm)"), null=True, blank=True)
    names = EncryptedTextField(
        _("names or nicknames she gives"), blank=True, help_text=_("As said or written; empty if none.")
    )
    physical_description = EncryptedTextField(_("physical description"), blank=True)
    distinguishing_marks = EncryptedTextField(_("distinguishing marks (scars, tattoos…)"), blank=True)
    clothing = EncryptedTextField(_("clothing"), blank=True)
    circumstances = EncryptedTextField(_("how she was found"), blank=True)
    reported_by_kind = models.CharField(_("reported by"), max_length=12, choices=ReporterKind.choices)
    reported_by_institution = models.CharField(_("institution"), max_length=200, blank=True)
    reporter_contact = EncryptedTextField(_("contact at the institution (private)"), blank=True)

    linked_case = models.ForeignKey(
        Case, verbose_name=_("identified as"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("person found")
        verbose_name_plural = _("people found")
        ordering = ["-found_on", "-id"]
        indexes = [models.Index(fields=["organisation", "linked_case"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """A short reference for staff (never public): H-<year found>-<id>."""
        return f"H-{self.found_on:%Y}-{self.pk or 0:05d}"

    @property
    def is_open(self) -> bool:
        """Not yet identified: still compared with the missing cases."""
        return self.linked_case_id is None


def found_photo_path(instance: FoundPhoto, filename: str) -> str:
    return f"found/{instance.found_id}/photos/{instance.sha256}.jpg"


class FoundPhoto(models.Model):
    """A photo of a person found, re-encoded without metadata (redalert.cases.photos.clean_photo)."""

    found = models.ForeignKey(FoundPerson, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to=found_photo_path, storage=private_storage, max_length=200)
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.found_id}: {self.sha256[:12]}"


class Candidate(models.Model):
    """A pair the system proposes (found record ↔ open missing case of the same organisation), with its score and
    the reasons redalert.matching gave; the team confirms or rejects it. A rejected pair is never proposed again."""

    found = models.ForeignKey(FoundPerson, on_delete=models.CASCADE, related_name="candidates")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    reasons = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=CandidateStatus.choices, default=CandidateStatus.PROPOSED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    proposed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-score", "id"]
        constraints = [models.UniqueConstraint(fields=["found", "case"], name="found_one_candidate_per_pair")]
        indexes = [models.Index(fields=["case", "status"])]

    def __str__(self) -> str:
        return f"{self.found_id} ↔ {self.case_id}: {self.status} ({self.score:.2f})"

    @property
    def reason_labels(self) -> list[str]:
        """The stored reason codes in the reader's language (matching's reasons and the register's own)."""
        labels = {**dict(Reason.choices), **dict(FoundReason.choices)}
        return [str(labels.get(code, code)) for code in self.reasons or []]
