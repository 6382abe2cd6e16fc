"""Security events (sign-in failures, lockouts, refusals, role and second-factor changes, exports), the per-account
locks with their growing delay, and when each organisation was last sent its digest."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    LOGIN_FAILED = "login_failed", _("Failed sign-in")
    ACCOUNT_LOCKED = "account_locked", _("Account locked")
    ACCOUNT_UNLOCKED = "account_unlocked", _("Account unlocked by e-mail")
    ADDRESS_BLOCKED = "address_blocked", _("Address blocked")
    SECOND_FACTOR_FAILED = "second_factor_failed", _("Wrong second-factor code")
    ACCESS_REFUSED = "access_refused", _("Refused access to a case")
    REFUSAL_BURST = "refusal_burst", _("Burst of refused case ids")
    ROLE_GRANTED = "role_granted", _("Role granted")
    ROLE_REVOKED = "role_revoked", _("Role removed")
    SECOND_FACTOR_RESET = "second_factor_reset", _("Second factor reset")
    EXPORT = "export", _("Export")
    WEBHOOK_SIGNATURE_REFUSED = "webhook_signature_refused", _("Provider webhook with a bad signature refused")


# The kinds that the organisation's coordinators and administrators are told about (batched, see digest.py).
ALERTING_KINDS = frozenset(
    {EventKind.ACCOUNT_LOCKED, EventKind.ROLE_GRANTED, EventKind.SECOND_FACTOR_RESET, EventKind.REFUSAL_BURST}
)


class SecurityEvent(models.Model):
    at = models.DateTimeField(_("when"), db_index=True)
    kind = models.CharField(_("event"), max_length=32, choices=EventKind.choices)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The account concerned, as typed at sign-in (it may not exist); never a password.
    username = models.CharField(_("account"), max_length=150, blank=True, db_index=True)
    client_address = models.CharField(_("address"), max_length=64, blank=True, db_index=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    # Set when the event was summarised in the organisation's digest (only for ALERTING_KINDS).
    digested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["kind", "username", "at"], name="security_kind_user_at"),
            models.Index(fields=["kind", "client_address", "at"], name="security_kind_addr_at"),
            models.Index(fields=["organisation", "at"], name="security_org_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.username}"


class AccountLock(models.Model):
    """The lock of one account name across all addresses (keyed by the name as typed, folded to lower case, so
    that a name that does not exist locks the same way and the lock tells nothing about which names exist)."""

    username = models.CharField(max_length=150, unique=True)
    locked_until = models.DateTimeField(null=True, blank=True)
    # Failures before this moment no longer count (set when a lock is placed or lifted).
    counting_from = models.DateTimeField()
    # How many times the account was locked since its last successful sign-in: the delay doubles each time.
    lockouts = models.PositiveIntegerField(default=0)
    last_locked_at = models.DateTimeField(null=True, blank=True)
    # Changes whenever the lock is placed or lifted: an unlock link carries it, so a link works once.
    nonce = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.username


class DigestSent(models.Model):
    """When an organisation was last sent a security digest (one per organisation per SECURITY_DIGEST_MINUTES)."""

    organisation = models.OneToOneField("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.sent_at:%Y-%m-%d %H:%M}"
