"""API clients of an organisation and the answers kept for idempotent creates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from redalert.accounts.models import Organisation


class ApiClient(models.Model):
    """A program that calls the API for one organisation. Created by an administrator (redalert.api.clients).

    The secret is shown once and only its keyed hash is stored. `principal` is the member account the client acts
    as; its roles come from the scopes (redalert.api.scopes), never from stored role assignments.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="api_clients", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=100)
    key_id = models.CharField(_("key id"), max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    expires_at = models.DateTimeField(_("expires"))
    allowed_addresses = models.TextField(
        _("allowed addresses"),
        blank=True,
        help_text=_("One address or network per line (e.g. 203.0.113.7 or 203.0.113.0/24). Empty: any address."),
    )
    rate_per_minute = models.PositiveIntegerField(_("calls per minute"), default=120)
    principal = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_client", editable=False
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_id})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class IdempotentAnswer(models.Model):
    """The answer given to a create sent with an Idempotency-Key: a repeat gets the same answer."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "key"], name="api_idempotency_key_once")]

    def __str__(self) -> str:
        return f"{self.client_id}: {self.key}"
