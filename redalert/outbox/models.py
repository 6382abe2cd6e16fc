"""Messages waiting to leave the system (transactional outbox) and the log of every attempt to send them."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from redalert.lib.crypto import EncryptedTextField


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    WEBHOOK = "webhook", _("Webhook")
    MESSAGING = "messaging", _("SMS or WhatsApp")
    INBOUND_MEDIA = "inbound_media", _("Download of a received photo or voice note")


class Status(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    WITHHELD = "withheld", _("Withheld")


class OutboundMessage(models.Model):
    """One message to one recipient, written in the same transaction as the change that causes it.

    Workers claim a due row with a conditional UPDATE (redalert.outbox.claiming), send it, and record the
    attempt. Delivery is at least once; `message_id` is fixed at creation so that receivers can deduplicate.

    - An email goes to the address `to`, with `body` as text and the rows of `attachments` attached.
    - A webhook is a POST of `body` (a JSON object; the attachments are added to it, base64) to the URL `to`,
      signed with HMAC-SHA256 over the exact bytes sent, using `secret` (encrypted at rest).
    - `gate` names a check (redalert.outbox.gates) that must still allow the message at the moment it is sent,
      e.g. a consent that can be withdrawn while the message waits; a refusal withholds it for good.
    """

    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.EMAIL)
    to = models.CharField(_("to"), max_length=2000)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("body"), blank=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    message_id = models.CharField(max_length=300, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    secret = EncryptedTextField(blank=True, default="")
    gate = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["status", "claimed_at"], name="outbox_claimed"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.pk} to {self.to} ({self.status})"


class Outcome(models.TextChoices):
    SENT = "sent", _("Sent")
    RETRY = "retry", _("Failed, will retry")
    FAILED = "failed", _("Failed, gave up")
    ABANDONED = "abandoned", _("Worker stopped while sending")
    WITHHELD = "withheld", _("Withheld: no longer allowed")


class DeliveryAttempt(models.Model):
    message = models.ForeignKey(OutboundMessage, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.message_id}: {self.outcome} at {self.at:%Y-%m-%d %H:%M:%S}"


class Blob(models.Model):
    """Attachment content stored once however many messages carry it (keyed by its SHA-256)."""

    sha256 = models.CharField(max_length=64, unique=True)
    content = models.BinaryField()
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.sha256[:12]} ({self.size} bytes)"


class Attachment(models.Model):
    message = models.ForeignKey(OutboundMessage, on_delete=models.CASCADE, related_name="attachments")
    position = models.PositiveSmallIntegerField(default=0)
    filename = models.CharField(max_length=200)
    mime_type = models.CharField(max_length=100)
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.mime_type})"
