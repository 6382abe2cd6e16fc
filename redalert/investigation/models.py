"""The investigation section of a case: sources, findings, evidence with its chain of custody, the people linked
to the case, the trafficking route and facts, and the outcome of the search.

Everything here is the investigation section (redalert.access.policy.SECTION_ROLES): only the team's field
investigators, coordinators and lawyers see it. The outcome is the exception: it is recorded by those who change
a case's status and is part of the general case file. Free text is encrypted at rest; the values used to match
people across cases are stored as keyed hashes (redalert.investigation.matching).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from redalert.cases.choices import YesNoUnknown
from redalert.cases.models import Case
from redalert.investigation.choices import (
    CustodyAction,
    EventType,
    EvidenceKind,
    HowLocated,
    LinkRole,
    OutcomeResult,
    RelationshipToTrafficker,
    RoleInProcess,
    SourceKind,
    TraffickingStatus,
)
from redalert.investigation.matching import KeyKind, lines
from redalert.lib.crypto import EncryptedTextField
from redalert.lib.storage import private_storage
from redalert.places.models import Place


class Source(models.Model):
    """Something the investigator examined: her phone, an email account, a profile, a witness, a place."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="investigation_sources")
    kind = models.CharField(_("kind of source"), max_length=12, choices=SourceKind.choices)
    description = EncryptedTextField(
        _("description"), help_text=_("Which account, profile, person or place; what was looked at.")
    )
    examined_on = models.DateField(_("examined on"), null=True, blank=True, help_text=_("Empty if not known."))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("source examined")
        verbose_name_plural = _("sources examined")
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.kind} {self.pk}"


class Finding(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="investigation_findings")
    source = models.ForeignKey(
        Source, verbose_name=_("from source"), null=True, blank=True, on_delete=models.SET_NULL, related_name="findings"
    )
    body = EncryptedTextField(_("finding"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id}: finding {self.pk}"


EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/gif": "gif",
    "application/pdf": "pdf",
    "text/plain; charset=utf-8": "txt",
}


def extension(content_type: str) -> str:
    return EXTENSIONS.get(content_type, "bin")


def evidence_path(instance: EvidenceItem, filename: str) -> str:
    """Private storage, named by fingerprint (the upload's own name is kept, encrypted, in `original_name`)."""
    return f"investigation/{instance.case_id}/evidence/{instance.sha256}.{extension(instance.content_type)}"


class EvidenceItem(models.Model):
    """A file kept as evidence, exactly as received, with its SHA-256 fingerprint taken on upload.

    The file lives in private storage and is served only by an audited view that re-hashes it.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    title = EncryptedTextField(_("title"))
    description = EncryptedTextField(_("description"), blank=True)
    source = models.ForeignKey(
        Source, verbose_name=_("from source"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(upload_to=evidence_path, storage=private_storage, max_length=200)
    kind = models.CharField(max_length=8, choices=EvidenceKind.choices)
    content_type = models.CharField(max_length=60)
    original_name = EncryptedTextField(blank=True)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    collected_by = EncryptedTextField(_("collected by"))
    collected_at = models.DateTimeField(_("collected at"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence item")
        verbose_name_plural = _("evidence items")
        ordering = ["collected_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: evidence {self.pk} ({self.sha256[:12]})"


class CustodyEvent(models.Model):
    """One link of an evidence item's chain of custody: who had it, who received it, when. Append-only."""

    evidence = models.ForeignKey(EvidenceItem, on_delete=models.CASCADE, related_name="custody")
    action = models.CharField(_("action"), max_length=12, choices=CustodyAction.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    from_holder = EncryptedTextField(_("from"), blank=True)
    to_holder = EncryptedTextField(_("to (holder afterwards)"))
    note = EncryptedTextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("custody event")
        verbose_name_plural = _("custody events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.evidence_id}: {self.action} at {self.at:%Y-%m-%d %H:%M}"


class LinkedPerson(models.Model):
    """A person linked to the case: a relative, a witness, a suspect or a perpetrator.

    Every value is encrypted; `MatchKey` rows hold keyed hashes of the normalised names, aliases, phones, plates
    and venues, so that the same person, phone or place can be found in other cases of the organisation.
    Several phones, plates or venues are written one per line.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="linked_people")
    link = models.CharField(_("linked as"), max_length=12, choices=LinkRole.choices)
    name = EncryptedTextField(_("name"), blank=True, help_text=_("Empty if only an alias is known."))
    aliases = EncryptedTextField(_("aliases"), blank=True, help_text=_("One per line."))
    role_in_process = models.CharField(
        _("role in the trafficking process"),
        max_length=24,
        choices=RoleInProcess.choices,
        default=RoleInProcess.UNKNOWN,
    )
    criminal_group = EncryptedTextField(_("criminal group"), blank=True, help_text=_("Empty if not known."))
    phones = EncryptedTextField(_("phone numbers"), blank=True, help_text=_("One per line, with the country code."))
    plates = EncryptedTextField(_("vehicle plates"), blank=True, help_text=_("One per line."))
    vehicles = EncryptedTextField(_("vehicles"), blank=True, help_text=_("Make, model, colour."))
    venues = EncryptedTextField(_("venues"), blank=True, help_text=_("Bars, hotels, houses, one per line."))
    notes = EncryptedTextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("linked person")
        verbose_name_plural = _("linked people")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.link} {self.pk}"

    @property
    def display_name(self) -> str:
        return self.name or (lines(self.aliases)[0] if lines(self.aliases) else "")

    def match_values(self) -> dict[str, list[str]]:
        return {
            "names": [self.name, *lines(self.aliases)],
            "phones": lines(self.phones),
            "plates": lines(self.plates),
            "venues": lines(self.venues),
        }


class MatchKey(models.Model):
    """A keyed hash of one normalised value of a linked person (redalert.investigation.matching)."""

    linked_person = models.ForeignKey(LinkedPerson, on_delete=models.CASCADE, related_name="keys")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    organisation_id = models.BigIntegerField()
    kind = models.CharField(max_length=8, choices=KeyKind.CHOICES)
    digest = models.CharField(max_length=64)

    class Meta:
        # Covering, and ordered by linked person within a value: the staff search merges two words' keys by linked
        # person without reading the table (redalert.investigation.search, docs/search.md).
        indexes = [
            models.Index(
                fields=["organisation_id", "kind", "digest", "linked_person"],
                include=["case"],
                name="inv_matchkey_lookup",
            )
        ]
        constraints = [models.UniqueConstraint(fields=["linked_person", "kind", "digest"], name="inv_matchkey_unique")]

    def __str__(self) -> str:
        return f"{self.linked_person_id}: {self.kind} {self.digest[:12]}"


class TraffickingEvent(models.Model):
    """One stop of the trafficking route (HTCDS trafficking event): recruitment, transit or exploitation."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="route")
    event_type = models.CharField(_("event"), max_length=14, choices=EventType.choices)
    place = models.ForeignKey(
        Place,
        verbose_name=_("place"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Town, state or country; empty if not known."),
    )
    place_detail = EncryptedTextField(_("exact place (private)"), blank=True)
    on = models.DateField(_("date"), null=True, blank=True, help_text=_("Empty if not known."))
    description = EncryptedTextField(_("what happened"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("trafficking event")
        verbose_name_plural = _("trafficking route")
        ordering = [models.F("on").asc(nulls_last=True), "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.event_type} {self.on or '?'}"


class TraffickingFacts(models.Model):
    """The facts the yearly statistics need about a disappearance (HTCDS lists).

    Each list is [] when not recorded and ["NotKnown"] when recorded as not known.
    """

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="trafficking_facts")
    trafficking_status = models.CharField(
        _("trafficking status"), max_length=30, choices=TraffickingStatus.choices, default=TraffickingStatus.UNKNOWN
    )
    methods_of_recruitment = models.JSONField(_("method of recruitment"), default=list, blank=True)
    recruitment_detail = EncryptedTextField(_("how she was recruited"), blank=True)
    websites_apps = models.JSONField(_("websites and apps used"), default=list, blank=True)
    websites_other = EncryptedTextField(_("other websites, apps or profiles"), blank=True)
    methods_of_control = models.JSONField(_("means of control"), default=list, blank=True)
    exploitation_types = models.JSONField(_("type of exploitation"), default=list, blank=True)
    sex_exploitation_types = models.JSONField(_("type of sexual exploitation"), default=list, blank=True)
    relationship_to_trafficker = models.CharField(
        _("relationship to the trafficker"),
        max_length=14,
        choices=RelationshipToTrafficker.choices,
        default=RelationshipToTrafficker.UNKNOWN,
    )
    organised_crime = models.CharField(
        _("organised crime involved"), max_length=8, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN
    )
    notes = EncryptedTextField(_("notes"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("trafficking facts")
        verbose_name_plural = _("trafficking facts")

    def __str__(self) -> str:
        return f"{self.case_id}: trafficking facts"


class Outcome(models.Model):
    """How the search ended: located alive or deceased, when, where and how."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="outcome")
    result = models.CharField(_("result"), max_length=20, choices=OutcomeResult.choices)
    on = models.DateField(_("date located"))
    place = models.ForeignKey(
        Place, verbose_name=_("place"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    how = models.CharField(_("how she was located"), max_length=20, choices=HowLocated.choices)
    details = EncryptedTextField(_("details"), blank=True)
    family_support_open = models.BooleanField(
        default=False, help_text="Deceased: legal and psychological support for the family stays open."
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.result} on {self.on}"
