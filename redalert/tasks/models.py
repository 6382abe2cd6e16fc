"""Tasks and deadlines of a case. Titles are operational ("call the prosecutor"), never personal data."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from redalert.cases.models import Case


class TaskKind(models.TextChoices):
    MANUAL = "manual", _("Task")
    ALBA_24H = "alba_24h", _("Protocolo Alba: first 24 hours checkpoint")
    ALBA_72H = "alba_72h", _("Protocolo Alba: 72 hours checkpoint")
    FAMILY_LEGAL = "family_legal", _("Continue legal assistance for the family")
    FAMILY_PSYCH = "family_psych", _("Continue psychological assistance for the family")


# Kinds created by the system: at most one open or done task of each kind per case.
SYSTEM_KINDS = [k for k in TaskKind.values if k != TaskKind.MANUAL]


class Task(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(_("kind"), max_length=14, choices=TaskKind.choices, default=TaskKind.MANUAL)
    title = models.CharField(
        _("task"), max_length=200, blank=True, help_text=_("What must be done. No names or personal data.")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="tasks"
    )
    due_at = models.DateTimeField(_("due"), db_index=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["owner", "done_at", "due_at"], name="tasks_owner_open_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind"], condition=~Q(kind="manual"), name="tasks_one_system_task_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.display_title}"

    @property
    def display_title(self) -> str:
        """The title; system tasks are named by their kind, in the reader's language."""
        return self.title or str(self.get_kind_display())

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def is_overdue(self) -> bool:
        return self.done_at is None and self.due_at < timezone.now()
