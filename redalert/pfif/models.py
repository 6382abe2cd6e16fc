"""The review area of imported PFIF 1.4 records: person records and their notes from another member organisation
or a Person Finder-style registry, kept per organisation until a coordinator opens a case from one (through the
normal intake service) or dismisses it. Nothing here is a case; nothing here is ever public.

Personal text (names, description, places, note text and authors) is encrypted at rest, as in the case file.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from redalert.accounts.models import Organisation
from redalert.cases.models import Case
from redalert.lib.crypto import EncryptedTextField


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    CASE_OPENED = "case_opened", _("Case opened")
    DISMISSED = "dismissed", _("Dismissed")


class ImportedPerson(models.Model):
    """One pfif:person record as received (the fields this project reads), for one organisation's review."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    record_id = models.CharField(_("PFIF record id"), max_length=500)
    entry_date = models.DateTimeField(null=True, blank=True)
    expiry_date = models.DateTimeField(null=True, blank=True)
    source_name = EncryptedTextField(_("source"), blank=True)
    source_url = EncryptedTextField(_("source page"), blank=True)
    author_name = EncryptedTextField(_("entered by"), blank=True)
    full_name = EncryptedTextField(_("full name"), blank=True)
    given_name = EncryptedTextField(_("given names"), blank=True)
    family_name = EncryptedTextField(_("family names"), blank=True)
    alternate_names = EncryptedTextField(_("other names"), blank=True)
    description = EncryptedTextField(_("description"), blank=True)
    sex = models.CharField(_("sex"), max_length=10, blank=True)
    age = models.CharField(_("age"), max_length=20, blank=True)
    date_of_birth = models.CharField(_("date of birth"), max_length=10, blank=True)
    home_city = EncryptedTextField(_("city"), blank=True)
    home_state = EncryptedTextField(_("state"), blank=True)
    home_country = models.CharField(_("country"), max_length=2, blank=True)
    photo_url = EncryptedTextField(_("photo address"), blank=True)

    status = models.CharField(max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.PENDING)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("imported PFIF record")
        verbose_name_plural = _("imported PFIF records")
        ordering = ["-imported_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "record_id"], name="pfif_one_record_per_organisation")
        ]

    def __str__(self) -> str:
        return self.record_id


class ImportedNote(models.Model):
    """One pfif:note of an imported person record."""

    person = models.ForeignKey(ImportedPerson, on_delete=models.CASCADE, related_name="notes")
    note_record_id = models.CharField(max_length=500)
    entry_date = models.DateTimeField(null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, blank=True)
    author_name = EncryptedTextField(_("author"), blank=True)
    last_known_location = EncryptedTextField(_("last known location"), blank=True)
    text = EncryptedTextField(_("text"), blank=True)

    class Meta:
        ordering = ["entry_date", "id"]

    def __str__(self) -> str:
        return self.note_record_id
