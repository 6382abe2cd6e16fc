from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from redalert.accounts.models import Organisation
from redalert.cases.choices import (
    CaseStatus,
    Gender,
    NoteSection,
    Relationship,
    ReportChannel,
    Sex,
    YesNoUnknown,
)
from redalert.consent.choices import Decision, Purpose
from redalert.lib.crypto import EncryptedTextField
from redalert.lib.storage import private_storage
from redalert.lib.text import fold
from redalert.places.models import Place


class Case(models.Model):
    """A case file: one missing person, from the first report to closure.

    Status changes go through redalert.cases.lifecycle.transition, never by assigning `status` directly.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="cases")
    reference = models.CharField(_("reference"), max_length=40, unique=True)
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.REPORTED, db_index=True
    )
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)

    # The report
    reported_at = models.DateTimeField(_("report received"))
    report_channel = models.CharField(_("received through"), max_length=20, choices=ReportChannel.choices)
    reporter_name = models.CharField(_("reporter's name"), max_length=200, blank=True)
    reporter_relationship = models.CharField(
        _("reporter's relationship to the missing person"),
        max_length=20,
        choices=Relationship.choices,
        default=Relationship.UNKNOWN,
    )
    reporter_phone = EncryptedTextField(_("reporter's phone"), blank=True)
    reporter_email = EncryptedTextField(_("reporter's email"), blank=True)

    # The disappearance
    last_seen_on = models.DateField(_("date last seen"))
    last_seen_time = models.TimeField(_("time last seen"), null=True, blank=True)
    last_seen_place = models.ForeignKey(
        Place, verbose_name=_("place last seen"), on_delete=models.PROTECT, related_name="+"
    )
    last_seen_place_detail = EncryptedTextField(
        _("exact place (private)"), blank=True, help_text=_("Street, building, landmark. Never public.")
    )
    last_seen_latitude = EncryptedTextField(_("exact latitude (private)"), blank=True)
    last_seen_longitude = EncryptedTextField(_("exact longitude (private)"), blank=True)
    circumstances = EncryptedTextField(_("circumstances of the disappearance"), blank=True)

    # Outcome dates, set by the lifecycle.
    located_on = models.DateField(_("date located"), null=True, blank=True)
    closed_on = models.DateField(_("date closed"), null=True, blank=True)
    closure_reason = models.CharField(_("reason for closing"), max_length=300, blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set only by redalert.duplicates.merging: this reference now redirects to the case that remained. A merged
    # case is left out of the staff list, the statistics, the maps and the public site (she is counted once).
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_cases", editable=False
    )
    merged_at = models.DateTimeField(null=True, blank=True, editable=False)
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="TeamMembership",
        through_fields=("case", "user"),
        related_name="assigned_cases",
        blank=True,
    )

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-reported_at"]
        indexes = [
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["organisation", "-reported_at"]),
        ]

    def __str__(self) -> str:
        return self.reference


class CaseCounter(models.Model):
    """The last reference number used by an organisation in a year; locked while a case is numbered."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="one_counter_per_org_year")]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.year}: {self.last_number}"


def age_in_years(birth_date: date, on: date) -> int:
    """Whole years between a birth date and a day."""
    years = on.year - birth_date.year
    if (on.month, on.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


class MissingPerson(models.Model):
    """The person searched for. "Not known" is always a possible answer."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="person")
    given_names = models.CharField(_("given names"), max_length=150)
    first_surname = models.CharField(_("first surname"), max_length=100, blank=True)
    second_surname = models.CharField(_("second surname"), max_length=100, blank=True)
    aliases = models.CharField(_("aliases, nicknames"), max_length=300, blank=True)
    search_name = models.CharField(max_length=700, db_index=True, editable=False)
    organisation_id = models.BigIntegerField(
        editable=False,
        help_text="The case's organisation, copied on save: the staff name search keeps to it without a join.",
    )
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    gender = models.CharField(_("gender"), max_length=24, choices=Gender.choices, default=Gender.UNKNOWN)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    estimated_age = models.PositiveSmallIntegerField(
        _("estimated age when last seen"), null=True, blank=True, help_text=_("When the date of birth is not known.")
    )
    nationalities = models.JSONField(_("nationalities (ISO 3166-1)"), default=list, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=100, blank=True)
    indigenous = models.CharField(
        _("belongs to an indigenous people"), max_length=8, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN
    )
    indigenous_people = models.CharField(_("indigenous people"), max_length=100, blank=True)
    languages = models.JSONField(_("languages (ISO 639-3)"), default=list, blank=True)
    age_at_disappearance = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        editable=False,
        db_index=True,
        help_text="Derived on save: from the birth date on the day last seen, else the estimate; null if unknown.",
    )
    height_cm = models.PositiveSmallIntegerField(_("height (cm)"), null=True, blank=True)
    physical_description = models.TextField(_("physical description"), blank=True)
    distinguishing_marks = models.TextField(_("distinguishing marks (scars, tattoos…)"), blank=True)
    clothing = models.TextField(_("clothing when last seen"), blank=True)

    class Meta:
        verbose_name = _("missing person")
        verbose_name_plural = _("missing persons")

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: object, **kwargs: object) -> None:
        self.derive()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def derive(self) -> None:
        """Set the fields kept from others: the search name, the organisation, the age at disappearance (save()
        calls it; a bulk insert calls it first)."""
        self.search_name = fold(f"{self.full_name} {self.aliases}")
        self.organisation_id = self.case.organisation_id
        self.age_at_disappearance = self.age_on(self.case.last_seen_on)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in [self.given_names, self.first_surname, self.second_surname] if p)

    def age_on(self, day: date) -> int | None:
        """Age in whole years on a day: from the birth date, else the estimate; None when unknown."""
        if self.birth_date is None:
            return self.estimated_age
        return age_in_years(self.birth_date, day)

    @property
    def age_when_last_seen(self) -> int | None:
        return self.age_on(self.case.last_seen_on)


class FamilyContact(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="family_contacts")
    name = models.CharField(_("name"), max_length=200)
    relationship = models.CharField(
        _("relationship to the missing person"), max_length=20, choices=Relationship.choices
    )
    phone = EncryptedTextField(_("phone (E.164)"), blank=True)
    email = EncryptedTextField(_("email"), blank=True)
    address = EncryptedTextField(_("home address"), blank=True)
    notes = EncryptedTextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("family contact")
        verbose_name_plural = _("family contacts")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_relationship_display()})"


class TeamMembership(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_memberships")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="one_membership_per_user")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.user_id}"


def photo_path(instance: Photo, filename: str) -> str:
    return f"cases/{instance.case_id}/photos/{instance.sha256}.jpg"


class Photo(models.Model):
    """A photo of the missing person, re-encoded without metadata (redalert.cases.photos)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to=photo_path, storage=private_storage, max_length=200)
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.sha256[:12]}"


class Note(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    section = models.CharField(_("section"), max_length=20, choices=NoteSection.choices, default=NoteSection.GENERAL)
    body = EncryptedTextField(_("note"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.section} note {self.pk}"


class TimelineKind(models.TextChoices):
    REPORTED = "reported", _("Report received")
    STATUS = "status", _("Status changed")
    NOTE = "note", _("Note")
    CONSENT = "consent", _("Consent")
    TEAM = "team", _("Team")
    PHOTO = "photo", _("Photo")
    CHANGE = "change", _("Case file changed")
    CONTACT = "contact", _("Family contact")
    PUBLICATION = "publication", _("Public site")
    TIP = "tip", _("Tip from the public")
    ALERT = "alert", _("Red Alert")
    MERGE = "merge", _("Merge of duplicate cases")


class TimelineEvent(models.Model):
    """One line of a case's timeline: who did what, when.

    `summary_data` holds the non-sensitive facts the line is rendered from (field names, statuses, purposes),
    never sensitive values; notes are shown from the Note itself, filtered by section permission.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    kind = models.CharField(max_length=12, choices=TimelineKind.choices)
    section = models.CharField(max_length=20, choices=NoteSection.choices, default=NoteSection.GENERAL)
    summary_data = models.JSONField(default=dict, blank=True)
    note = models.ForeignKey(Note, null=True, blank=True, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.kind} at {self.at:%Y-%m-%d %H:%M}"

    def describe(self) -> str:
        """The timeline line in the reader's language (built at display time, so it follows her language)."""
        from django.utils.translation import gettext as _

        data = self.summary_data or {}
        if self.kind == TimelineKind.REPORTED:
            channel = ReportChannel(data["channel"]).label if data.get("channel") in ReportChannel.values else ""
            return _("Report received (%(channel)s).") % {"channel": channel}
        if self.kind == TimelineKind.STATUS:
            return _("Status: %(from)s → %(to)s.") % {
                "from": CaseStatus(data["from"]).label,
                "to": CaseStatus(data["to"]).label,
            } + (f" {data['reason']}" if data.get("reason") else "")
        if self.kind == TimelineKind.CONSENT:
            return _("Consent “%(purpose)s”: %(decision)s.") % {
                "purpose": Purpose(data["purpose"]).label,
                "decision": Decision(data["decision"]).label.lower(),
            }
        if self.kind == TimelineKind.TEAM:
            if "added" in data:
                return _("%(name)s joined the team.") % {"name": data["added"]}
            return _("%(name)s left the team.") % {"name": data.get("removed", "")}
        if self.kind == TimelineKind.PHOTO:
            return _("Photo added.")
        if self.kind == TimelineKind.CHANGE:
            return _("Case file changed: %(fields)s.") % {
                "fields": ", ".join(_field_label(f) for f in data.get("fields", []))
            }
        if self.kind == TimelineKind.CONTACT:
            return _("Family contact added (%(relationship)s).") % {
                "relationship": Relationship(data["relationship"]).label
                if data.get("relationship") in Relationship.values
                else ""
            }
        if self.kind == TimelineKind.PUBLICATION:
            return _("Shown on the public site.") if data.get("public") else _("Removed from the public site.")
        if self.kind == TimelineKind.TIP:
            return _("Tip from the public received.")
        if self.kind == TimelineKind.ALERT:
            return _describe_alert(data)
        if self.kind == TimelineKind.NOTE:
            return _("Note (%(section)s).") % {"section": NoteSection(self.section).label}
        if self.kind == TimelineKind.MERGE:
            return _describe_merge(data)
        return str(self.get_kind_display())


def _describe_merge(data: dict[str, object]) -> str:
    """A merge of duplicate cases (redalert.duplicates): `event` is merged_in, merged_into or undone."""
    from django.utils.translation import gettext as _

    other = data.get("other", "")
    if data.get("event") == "merged_in":
        return _("Case %(other)s, the same person, was merged into this case.") % {"other": other}
    if data.get("event") == "merged_into":
        return _("This case was merged into %(other)s, the same person.") % {"other": other}
    return _("The merge with case %(other)s was undone.") % {"other": other}


def _describe_alert(data: dict[str, object]) -> str:
    from django.utils.translation import gettext as _

    event = data.get("event")
    if event == "issued":
        values = {"number": data.get("number"), "recipients": data.get("recipients")}
        if data.get("kind") == "update":
            return _("Red Alert no. %(number)s, an update, issued to %(recipients)s recipients.") % values
        if data.get("kind") == "cancel":
            return (
                _("Red Alert no. %(number)s, a cancellation (located), issued to %(recipients)s recipients.") % values
            )
        return _("Red Alert no. %(number)s issued to %(recipients)s recipients.") % values
    if event == "acknowledged":
        return _("%(authority)s acknowledged Red Alert no. %(number)s.") % {
            "authority": data.get("authority"),
            "number": data.get("number"),
        }
    if event == "escalated":
        return _("%(authority)s had not acknowledged Red Alert no. %(number)s after %(hours)s hours: reminded.") % {
            "authority": data.get("authority"),
            "number": data.get("number"),
            "hours": data.get("hours"),
        }
    return _("Red Alert.")


def _field_label(qualified: str) -> str:
    """ "missingperson.first_surname" → the field's verbose name in the reader's language."""
    model_name, _dot, field_name = qualified.partition(".")
    model = {"case": Case, "missingperson": MissingPerson}.get(model_name)
    if model is None:
        return field_name
    try:
        return str(model._meta.get_field(field_name).verbose_name)  # type: ignore[union-attr]
    except FieldDoesNotExist:
        return field_name
