"""Webhook subscriptions of an organisation, the case events they follow, and one delivery per (subscription, event).

- A `Subscription` is an HTTPS endpoint of the organisation, the kinds of events it wants and the scope of what a
  payload may carry. Its secret signs every POST (HMAC-SHA256): it is stored encrypted, not hashed, because the
  worker needs it to sign, and it is shown to the administrator once.
- An `Event` is one thing that happened to a case, read from a durable record written in the change's own
  transaction (a timeline line, the outcome row): `source` names that record, so an event is collected once.
- A `Delivery` joins a subscription and an event to the outbox message that carries it; the message's status and
  its attempts (redalert.outbox) are the delivery log.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from redalert.accounts.models import Organisation
from redalert.cases.models import Case
from redalert.lib.crypto import EncryptedTextField
from redalert.outbox.models import OutboundMessage


class EventKind(models.TextChoices):
    CASE_OPENED = "case.opened", _("Case opened")
    STATUS_CHANGED = "case.status_changed", _("Status changed")
    CONSENT_WITHDRAWN = "consent.withdrawn", _("Consent withdrawn")
    PUBLISHED = "case.published", _("Published on the public site")
    UNPUBLISHED = "case.unpublished", _("Removed from the public site")
    TIP_RECEIVED = "tip.received", _("Tip received")
    ALERT_ACKNOWLEDGED = "alert.acknowledged", _("Red Alert acknowledged")
    ALERT_ESCALATED = "alert.escalated", _("Red Alert escalated")
    OUTCOME_RECORDED = "outcome.recorded", _("Outcome recorded")


class Scope(models.TextChoices):
    IDS = "ids", _("Identifiers and event codes only")
    PUBLIC = "public", _("Identifiers, plus the public fields of published cases")


class PauseReason(models.TextChoices):
    MANUAL = "manual", _("Paused by an administrator")
    FAILURES = "failures", _("Paused after repeated failures")


class Subscription(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="webhook_subscriptions")
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("endpoint URL"), max_length=2000)
    secret = EncryptedTextField()
    kinds = models.JSONField(_("events"), default=list)
    scope = models.CharField(_("what the payloads carry"), max_length=10, choices=Scope.choices, default=Scope.IDS)
    paused_at = models.DateTimeField(null=True, blank=True)
    pause_reason = models.CharField(max_length=10, choices=PauseReason.choices, blank=True)
    resumed_at = models.DateTimeField(null=True, blank=True)
    # Set by the send-time check when a retry shows the endpoint failing, cleared once a delivery succeeds again:
    # while it is set, every delivery counts the failures in a row (redalert.webhooks.delivery).
    failing_since = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation_id})"

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    def wants(self, kind: str) -> bool:
        return kind in (self.kinds or [])

    def kind_labels(self) -> list[str]:
        return [str(EventKind(k).label) for k in self.kinds or [] if k in EventKind.values]


class Event(models.Model):
    """One event of a case, collected once from the record written in the change's transaction."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    occurred_at = models.DateTimeField()
    source = models.CharField(max_length=40, unique=True)  # "timeline:<id>" or "outcome:<id>"
    data = models.JSONField(default=dict, blank=True)  # codes only (statuses, purpose, tip code, alert number)
    collected_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["case", "occurred_at"], name="webhook_event_case")]

    def __str__(self) -> str:
        return f"{self.kind} of case {self.case_id} at {self.occurred_at:%Y-%m-%d %H:%M}"


class HeldReason(models.TextChoices):
    NONE = "", _("—")
    PAUSED = "paused", _("Held while the subscription is paused")
    NOT_ALLOWED = "not_allowed", _("Dropped: the case is no longer public or its consent was withdrawn")


class Delivery(models.Model):
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    message = models.OneToOneField(
        OutboundMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="webhook_delivery"
    )
    carries_public_fields = models.BooleanField(default=False)
    held = models.CharField(max_length=12, choices=HeldReason.choices, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["subscription", "event"], name="webhook_delivery_once")]

    def __str__(self) -> str:
        return f"{self.event.kind} → {self.subscription_id}"
