"""Tips from the public about a case: stored encrypted, triaged by the case's team."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from redalert.cases.models import Case
from redalert.lib.crypto import EncryptedTextField
from redalert.lib.storage import private_storage
from redalert.places.models import Place

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: easy to read out on the phone
CODE_LENGTH = 8


def new_code() -> str:
    """A short reference a tipster can quote, e.g. "K7QM-3XPA"."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


class TipStatus(models.TextChoices):
    NEW = "new", _("New")
    REVIEWED = "reviewed", _("Reviewed")
    RELEVANT = "relevant", _("Relevant")
    NOT_RELEVANT = "not_relevant", _("Not relevant")
    ACTED_ON = "acted_on", _("Acted on")


def tip_photo_path(instance: Tip, filename: str) -> str:
    return f"tips/{instance.case_id}/{instance.photo_sha256}.jpg"


class Tip(models.Model):
    """What a member of the public saw. Status changes go through redalert.tips.services.triage."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tips")
    code = models.CharField(_("reference code"), max_length=12, unique=True, default=new_code, editable=False)
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    language = models.CharField(_("language"), max_length=8, blank=True)

    seen_on = models.DateField(_("date seen"), null=True, blank=True)
    seen_time = models.TimeField(_("time seen"), null=True, blank=True)
    place = models.ForeignKey(
        Place, verbose_name=_("place"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    place_description = EncryptedTextField(_("place description"), blank=True)
    latitude = EncryptedTextField(_("latitude"), blank=True)
    longitude = EncryptedTextField(_("longitude"), blank=True)
    description = EncryptedTextField(_("what they saw"))

    photo = models.FileField(upload_to=tip_photo_path, storage=private_storage, max_length=200, blank=True)
    photo_sha256 = models.CharField(max_length=64, blank=True)

    anonymous = models.BooleanField(_("anonymous"), default=True)
    contact_name = EncryptedTextField(_("name"), blank=True)
    contact_phone = EncryptedTextField(_("phone"), blank=True)
    contact_email = EncryptedTextField(_("email"), blank=True)
    client_hash = models.CharField(max_length=64, db_index=True, editable=False)

    status = models.CharField(_("status"), max_length=16, choices=TipStatus.choices, default=TipStatus.NEW)
    is_spam = models.BooleanField(_("spam or abuse"), default=False)
    spam_reason = models.CharField(_("why it is spam"), max_length=200, blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    triaged_at = models.DateTimeField(null=True, blank=True)
    notes = EncryptedTextField(_("notes of the team"), blank=True)

    class Meta:
        verbose_name = _("tip")
        verbose_name_plural = _("tips")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["case", "is_spam", "status"], name="tips_case_pile"),
            models.Index(fields=["client_hash", "received_at"], name="tips_client_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.case_id})"

    @property
    def has_point(self) -> bool:
        return bool(self.latitude and self.longitude)

    @property
    def has_contact(self) -> bool:
        return bool(self.contact_name or self.contact_phone or self.contact_email)
