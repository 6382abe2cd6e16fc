"""Conversations that reach an organisation by SMS, WhatsApp or e-mail, and the accounts they arrive through.

Everything personal is encrypted at rest (redalert.lib.crypto): the sender's number or address, her name, every
message, the providers' secrets; media files go to the encrypted private storage. A sender is found again by a
keyed hash of her normalised number or address (`sender_key`), never by the number itself.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from redalert.accounts.models import Organisation
from redalert.cases.models import Case
from redalert.conversations.conf import setting
from redalert.lib.crypto import EncryptedTextField
from redalert.lib.storage import private_storage


def new_hook_key() -> str:
    """The unguessable part of an account's webhook address (the organisation's id never appears in it)."""
    return secrets.token_urlsafe(18)


class Provider(models.TextChoices):
    TWILIO = "twilio", _("Twilio (SMS and WhatsApp)")
    WHATSAPP_CLOUD = "whatsapp_cloud", _("WhatsApp Business Cloud API")
    EMAIL = "email", _("E-mail (tips address)")


class Medium(models.TextChoices):
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    EMAIL = "email", _("E-mail")


class ChannelAccount(models.Model):
    """How one organisation is connected to one provider: the webhook key, the secrets (encrypted), the sender."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="channel_accounts")
    provider = models.CharField(_("provider"), max_length=20, choices=Provider.choices)
    label = models.CharField(_("name"), max_length=100, blank=True)
    hook_key = models.CharField(max_length=40, unique=True, default=new_hook_key, editable=False)
    active = models.BooleanField(_("active"), default=True)
    # Twilio: the Account SID and Auth Token (the token signs every webhook and authenticates every send).
    account_sid = models.CharField(_("Twilio Account SID"), max_length=64, blank=True)
    auth_token = EncryptedTextField(_("Twilio Auth Token"), blank=True)
    # WhatsApp Cloud API: the app secret signs webhooks; the verify token answers Meta's challenge; the access
    # token and the phone number id send replies.
    app_secret = EncryptedTextField(_("app secret"), blank=True)
    verify_token = EncryptedTextField(_("verify token"), blank=True)
    access_token = EncryptedTextField(_("access token"), blank=True)
    phone_number_id = models.CharField(_("phone number ID"), max_length=64, blank=True)
    # The organisation's own number (E.164) that replies are sent from (Twilio), encrypted like every number.
    sender_number = EncryptedTextField(_("the organisation's number"), blank=True)
    # E-mail: the tips address the inbound SMTP service accepts for this organisation.
    address = models.EmailField(_("tips address"), blank=True, null=True, unique=True)
    # Where the provider's API answers (tests point it at a local server).
    api_base_url = models.URLField(_("API address"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("channel account")
        verbose_name_plural = _("channel accounts")
        ordering = ["organisation", "provider", "pk"]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.provider} {self.label}".strip()

    def api_base(self) -> str:
        if self.api_base_url:
            return self.api_base_url.rstrip("/")
        if self.provider == Provider.TWILIO:
            return str(setting("TWILIO_API_BASE_URL")).rstrip("/")
        return str(setting("WHATSAPP_API_BASE_URL")).rstrip("/")


class ConversationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CONVERTED = "converted", _("Turned into a record")
    CLOSED = "closed", _("Closed")


class Conversation(models.Model):
    """One sender on one channel of one organisation, with every message in and out."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="conversations")
    account = models.ForeignKey(ChannelAccount, on_delete=models.PROTECT, related_name="conversations")
    medium = models.CharField(_("channel"), max_length=10, choices=Medium.choices)
    sender_key = models.CharField(max_length=64, db_index=True, editable=False)
    sender = EncryptedTextField(_("sender"))
    sender_name = EncryptedTextField(_("sender's name"), blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ConversationStatus.choices, default="open")
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    last_message_at = models.DateTimeField(_("last message"), default=timezone.now, db_index=True)
    # What she made of it (one of these, or none).
    tip = models.ForeignKey("tips.Tip", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="conversations")
    additional_report = models.ForeignKey(
        "matching.AdditionalReport", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hotline_contact_id = models.PositiveBigIntegerField(null=True, blank=True)
    converted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    converted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-last_message_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "status", "last_message_at"], name="conv_inbox")]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "medium", "sender_key"],
                condition=models.Q(status="open"),
                name="conv_one_open_per_sender",
            )
        ]

    def __str__(self) -> str:
        return f"{self.medium} {self.pk}"


class Direction(models.TextChoices):
    IN = "in", _("Received")
    OUT = "out", _("Sent")


class Message(models.Model):
    """One message in or out. A provider's retry of the same message id finds the row already there."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    account = models.ForeignKey(ChannelAccount, on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    provider_id = models.CharField(max_length=200)
    body = EncryptedTextField(_("message"), blank=True)
    subject = EncryptedTextField(_("subject"), blank=True)
    at = models.DateTimeField(default=timezone.now)
    automatic = models.BooleanField(default=False)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outbound = models.ForeignKey(
        "outbox.OutboundMessage", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["account", "direction", "provider_id"], name="conv_message_once")
        ]

    def __str__(self) -> str:
        return f"{self.direction} {self.provider_id}"


class MediaStatus(models.TextChoices):
    PENDING = "pending", _("Being fetched")
    STORED = "stored", _("Stored")
    REJECTED = "rejected", _("Refused")


def media_path(instance: Media, filename: str) -> str:
    return f"conversations/{instance.message.conversation_id}/{filename}"


class Media(models.Model):
    """A photo, voice note or document of a message: checked by its content, images re-encoded without metadata,
    stored encrypted. `source` is where the provider keeps it until the workers fetch it (encrypted)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="media")
    position = models.PositiveSmallIntegerField(default=0)
    source = EncryptedTextField(blank=True)
    declared_type = models.CharField(max_length=100, blank=True)
    content_type = models.CharField(_("type"), max_length=100, blank=True)
    file = models.FileField(upload_to=media_path, storage=private_storage, max_length=200, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=10, choices=MediaStatus.choices, default=MediaStatus.PENDING)
    refusal = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["message", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["message", "position"], name="conv_media_once")]

    def __str__(self) -> str:
        return f"{self.message_id}/{self.position} {self.status}"
