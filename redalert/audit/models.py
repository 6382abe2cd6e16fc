from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    VIEW = "view", _("viewed")
    CREATE = "create", _("created")
    CHANGE = "change", _("changed")
    DELETE = "delete", _("deleted")
    EXPORT = "export", _("exported")
    TRANSITION = "transition", _("changed status")
    DOWNLOAD = "download", _("downloaded")
    DENIED = "denied", _("was denied access")
    LOGIN = "login", _("logged in")
    LOGIN_FAILED = "login_failed", _("failed to log in")
    LOGOUT = "logout", _("logged out")
    SECURITY = "security", _("changed security settings")


APPEND_ONLY = "Audit entries are append-only."


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    """Bulk changes bypass Model.save() and delete(), so they are refused here as well."""

    def update(self, **kwargs: Any) -> int:
        raise PermissionError(APPEND_ONLY)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError(APPEND_ONLY)


class AuditEntry(models.Model):
    """One line of the append-only audit log.

    Each entry stores the MAC of the previous one and its own MAC over its content (HMAC-SHA256 with a key kept
    out of the database, AUDIT_CHAIN_KEYS; plain SHA-256 for legacy entries), so that changing,
    removing or reordering any entry breaks the chain (`manage.py verify_audit_chain`). Database triggers
    (migration 0002, PostgreSQL and SQLite) also refuse UPDATE and DELETE on this table, whatever the client.
    """

    at = models.DateTimeField(_("when"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    organisation_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    case_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    detail = models.JSONField(default=dict, blank=True)
    client_address = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)
    # Which of AUDIT_CHAIN_KEYS made entry_hash (an HMAC); "" for legacy entries hashed with plain SHA-256.
    key_id = models.CharField(max_length=16, blank=True, default="")

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise PermissionError(APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionError(APPEND_ONLY)

    @property
    def actor_display(self) -> str:
        """Who acted, as a reader says it: the user's name, or what acted without an account (a visitor of the
        public site, the system's own jobs) in the reader's language instead of the stored code."""
        label = self.actor_label
        if self.actor_id is None:
            if label == "public":
                return str(_("Member of the public"))
            if label == "system" or label.startswith("system:"):
                return str(_("The system"))
        return label


class AuditHead(models.Model):
    """A single row holding the hash of the newest entry; locking it serialises writers of the chain.

    A database trigger refuses deleting it (migration 0002); `record` updates it.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.last_hash


class RefusalWindow(models.Model):
    """How many times something was refused in one fixed time window, for one scope and key (e.g. the refused
    acknowledgement links of one client address in ten minutes): one row per window instead of one audit entry
    per refusal. When the window is over, one audit entry records the count (`audited`; redalert.audit.refusals).
    """

    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=100)
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)
    audited = models.BooleanField(default=False)
    case_id = models.BigIntegerField(null=True, blank=True)
    organisation_id = models.BigIntegerField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)  # what was refused, copied into the window's audit entry

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key", "window_start"], name="audit_refusal_one_row_per_window")
        ]
        indexes = [models.Index(fields=["audited", "window_start"], name="audit_refusal_open_idx")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key} {self.window_start:%Y-%m-%d %H:%M}: {self.count}"
