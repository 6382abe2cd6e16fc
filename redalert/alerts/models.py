"""The Red Alert: a directory of authorities, alerts issued to them, their delivery and acknowledgement.

- An Authority (institution, level, jurisdiction, type, language) belongs to one organisation's directory and is
  reached through its AuthorityContacts (an email address, or a webhook URL with a shared secret).
- An Alert is an immutable, numbered version (alert, update or cancel) about a case: issuing it writes the alert,
  one Recipient per contact and one Delivery per recipient, each linked to an outbox message, in one transaction.
- A Recipient acknowledges through a personal signed link, once (Acknowledgement). Silence is escalated: a
  reminder Delivery is queued and the case's lawyer and coordinator are told (Escalation, one per level).
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from redalert.cases.models import Case
from redalert.lib.crypto import EncryptedTextField
from redalert.outbox.models import OutboundMessage
from redalert.places.models import Place

IMMUTABLE = "An issued alert cannot be changed or deleted."


class Level(models.TextChoices):
    FEDERAL = "federal", _("Federal / national")
    STATE = "state", pgettext_lazy("level of government", "State")
    MUNICIPAL = "municipal", _("Municipal")
    INTERNATIONAL = "international", _("International")


class AuthorityType(models.TextChoices):
    PROSECUTOR = "prosecutor", _("Prosecutor's office")
    POLICE = "police", _("Police")
    MIGRATION = "migration", _("Migration institute")
    HUMAN_RIGHTS = "human_rights", _("Human-rights commission")
    CONSULATE = "consulate", _("Consulate")
    CHILD_PROTECTION = "child_protection", _("Child-protection agency")
    SEARCH_COMMISSION = "search_commission", _("Search commission")
    OTHER = "other", _("Other")


class ContactChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    WEBHOOK = "webhook", _("Webhook")


class AlertLanguage(models.TextChoices):
    ES = "es", _("Spanish")
    EN = "en", _("English")
    PT = "pt", _("Portuguese")


class Authority(models.Model):
    """An institution an organisation alerts (one row of its directory)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="authorities", verbose_name=_("organisation")
    )
    name = models.CharField(_("institution"), max_length=200)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    kind = models.CharField(_("type"), max_length=20, choices=AuthorityType.choices)
    country_code = models.CharField(_("country (ISO 3166-1)"), max_length=2)
    subdivision = models.ForeignKey(
        Place,
        verbose_name=_("state"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "subdivision"},
        help_text=_("For state and municipal authorities."),
    )
    language = models.CharField(_("language"), max_length=8, choices=AlertLanguage.choices, default=AlertLanguage.ES)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("authority")
        verbose_name_plural = _("authorities")
        ordering = ["country_code", "level", "name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="alerts_authority_unique_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def jurisdiction(self) -> str:
        if self.subdivision_id:
            return self.subdivision.label if self.subdivision else ""
        return self.country_code


class AuthorityContact(models.Model):
    """One way to reach an authority: an email address, or a webhook URL with the secret that signs its body."""

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="contacts")
    label = models.CharField(_("name or office"), max_length=200, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=ContactChannel.choices)
    address = models.CharField(_("email address or URL"), max_length=2000)
    secret = EncryptedTextField(_("shared secret (webhooks)"), blank=True, default="")
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=AlertLanguage.choices,
        blank=True,
        help_text=_("Leave empty to use the authority's language."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("authority contact")
        verbose_name_plural = _("authority contacts")
        ordering = ["authority_id", "channel", "id"]

    def __str__(self) -> str:
        return f"{self.authority} · {self.get_channel_display()} {self.address}"

    @property
    def effective_language(self) -> str:
        return self.language or self.authority.language


class AlertKind(models.TextChoices):
    ALERT = "alert", _("Alert")
    UPDATE = "update", pgettext_lazy("kind of alert (noun)", "Update")
    CANCEL = "cancel", _("Cancellation (located)")


CAP_MSG_TYPES = {AlertKind.ALERT: "Alert", AlertKind.UPDATE: "Update", AlertKind.CANCEL: "Cancel"}


class AlertQuerySet(models.QuerySet["Alert"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError(IMMUTABLE)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError(IMMUTABLE)


class Alert(models.Model):
    """One issued version of a case's Red Alert: numbered per case, immutable once saved.

    An update or cancel points at the original alert (`original`) and goes to the same recipients; its CAP message
    references the original's.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="alerts")
    number = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=8, choices=AlertKind.choices)
    original = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="followups", verbose_name=_("original")
    )
    note = models.TextField(_("message"), blank=True)
    language = models.CharField(max_length=8, default="es")
    cap_identifier = models.CharField(max_length=300, unique=True)
    cap_sent = models.CharField(max_length=40)
    cap_xml = models.TextField()
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(default=timezone.now)

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["case_id", "number"]
        constraints = [models.UniqueConstraint(fields=["case", "number"], name="alerts_alert_number_per_case")]

    def __str__(self) -> str:
        return f"{self.case_id} #{self.number} ({self.kind})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError(IMMUTABLE)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError(IMMUTABLE)

    @property
    def root(self) -> Alert:
        return self.original or self

    @property
    def cap_msg_type(self) -> str:
        return CAP_MSG_TYPES[AlertKind(self.kind)]

    @property
    def expects_acknowledgement(self) -> bool:
        return self.kind != AlertKind.CANCEL


def new_nonce() -> str:
    return secrets.token_urlsafe(12)


class Recipient(models.Model):
    """One contact of one authority that an alert was addressed to (a snapshot of the address used)."""

    alert = models.ForeignKey(Alert, on_delete=models.PROTECT, related_name="recipients")
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="recipients")
    contact = models.ForeignKey(AuthorityContact, on_delete=models.PROTECT, related_name="recipients")
    channel = models.CharField(max_length=10, choices=ContactChannel.choices)
    address = models.CharField(max_length=2000)
    language = models.CharField(max_length=8)
    nonce = models.CharField(max_length=32, default=new_nonce, editable=False)

    class Meta:
        ordering = ["alert_id", "authority__name", "id"]
        constraints = [models.UniqueConstraint(fields=["alert", "contact"], name="alerts_recipient_once")]

    def __str__(self) -> str:
        return f"{self.alert} → {self.authority} ({self.channel})"


class Delivery(models.Model):
    """One sending of an alert to a recipient (the first one, then reminders), tracked by its outbox message."""

    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="deliveries")
    sequence = models.PositiveSmallIntegerField(default=0, help_text="0 the alert itself, n the n-th reminder.")
    message = models.OneToOneField(OutboundMessage, on_delete=models.PROTECT, related_name="alert_delivery")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recipient_id", "sequence"]
        constraints = [models.UniqueConstraint(fields=["recipient", "sequence"], name="alerts_delivery_once")]

    def __str__(self) -> str:
        return f"{self.recipient} #{self.sequence}"


class Acknowledgement(models.Model):
    """A recipient's acknowledgement of receipt, made once through its signed link (no account)."""

    recipient = models.OneToOneField(Recipient, on_delete=models.PROTECT, related_name="acknowledgement")
    at = models.DateTimeField(default=timezone.now)
    name = models.CharField(_("your name"), max_length=200)
    position = models.CharField(_("position or office"), max_length=200, blank=True)
    action_taken = models.TextField(_("what was done"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("acknowledgement")
        verbose_name_plural = _("acknowledgements")

    def __str__(self) -> str:
        return f"{self.recipient} acknowledged at {self.at:%Y-%m-%d %H:%M}"


class Escalation(models.Model):
    """Silence past a deadline: a reminder was queued and the case's lawyer and coordinator were told."""

    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="escalations")
    level = models.PositiveSmallIntegerField()
    after_hours = models.PositiveIntegerField()
    at = models.DateTimeField(default=timezone.now)
    reminded = models.BooleanField(default=True)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["recipient_id", "level"]
        constraints = [models.UniqueConstraint(fields=["recipient", "level"], name="alerts_escalation_once")]

    def __str__(self) -> str:
        return f"{self.recipient} escalation {self.level}"
