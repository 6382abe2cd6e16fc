"""Tasks as plain functions: Protocolo Alba checkpoints, adding and completing tasks, the overdue digest."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from redalert.access.policy import visible_cases
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.outbox.enqueue import enqueue_email
from redalert.tasks.models import Task, TaskKind

if TYPE_CHECKING:
    from django.http import HttpRequest

    from redalert.accounts.models import User
    from redalert.cases.models import Case

ALBA_CHECKPOINTS = ((TaskKind.ALBA_24H, timedelta(hours=24)), (TaskKind.ALBA_72H, timedelta(hours=72)))


def _system_task(case: Case, kind: str, owner: User, due_at: datetime, actor: User) -> Task | None:
    """Create the case's task of a system kind unless it already exists (None then)."""
    if Task.objects.filter(case=case, kind=kind).exists():
        return None
    try:
        with transaction.atomic():
            return Task.objects.create(case=case, kind=kind, owner=owner, due_at=due_at, created_by=actor)
    except IntegrityError:  # created by a concurrent request in between
        return None


def create_alba_checkpoints(case: Case, actor: User, *, start: datetime | None = None) -> list[Task]:
    """Protocolo Alba: when an active search starts, checkpoints fall due 24 h and 72 h later. Idempotent.

    The checkpoints go to the person who started the search; a case that re-enters active search keeps the
    checkpoints it already had.
    """
    start = start or timezone.now()
    created = [
        task
        for kind, delay in ALBA_CHECKPOINTS
        if (task := _system_task(case, kind, actor, start + delay, actor)) is not None
    ]
    if created:
        audit_record(actor, AuditAction.CREATE, case, case=case, detail={"tasks": [t.kind for t in created]})
    return created


def create_family_support_tasks(case: Case, actor: User) -> list[Task]:
    """Located deceased: legal and psychological assistance to the family continues (tasks due in a week)."""
    due = timezone.now() + timedelta(days=7)
    kinds = (TaskKind.FAMILY_LEGAL, TaskKind.FAMILY_PSYCH)
    return [task for kind in kinds if (task := _system_task(case, kind, actor, due, actor)) is not None]


def add_task(
    case: Case, *, title: str, owner: User, due_at: datetime, actor: User, request: HttpRequest | None = None
) -> Task:
    if owner.organisation_id != case.organisation_id:
        raise ValueError("A task's owner must belong to the case's organisation.")
    with transaction.atomic():
        task = Task.objects.create(case=case, title=title, owner=owner, due_at=due_at, created_by=actor)
        audit_record(actor, AuditAction.CREATE, task, case=case, request=request, detail={"due_at": due_at})
    return task


def complete_task(task: Task, *, actor: User, request: HttpRequest | None = None) -> bool:
    """Mark a task done; False if it already was."""
    with transaction.atomic():
        updated = Task.objects.filter(pk=task.pk, done_at__isnull=True).update(done_at=timezone.now(), done_by=actor)
        if updated:
            audit_record(actor, AuditAction.CHANGE, task, case=task.case, request=request, detail={"done": True})
    task.refresh_from_db()
    return bool(updated)


def open_tasks_of(user: User) -> QuerySet[Task]:
    """The user's open tasks on cases she may still open, soonest (so overdue) first."""
    return (
        Task.objects.filter(owner=user, done_at__isnull=True, case__in=visible_cases(user))
        .select_related("case")
        .order_by("due_at", "id")
    )


def digest_body(tasks: list[Task], now: datetime) -> str:
    """The digest: task titles and case references only, no personal data."""
    lines = [_("You have overdue tasks:"), ""]
    for task in tasks:
        days = (now - task.due_at).days
        lines.append(
            _("- %(ref)s: %(title)s (due %(due)s, %(days)s days overdue)")
            % {
                "ref": task.case.reference,
                "title": task.display_title,
                "due": date_format(timezone.localtime(task.due_at), "SHORT_DATETIME_FORMAT"),
                "days": days,
            }
        )
    lines += ["", _("Open “My tasks” in the Red Alert System to see them.")]
    return "\n".join(lines)


def send_overdue_digests(day: date | None = None, now: datetime | None = None) -> int:
    """For each user with overdue open tasks, queue one email for the day (idempotent per user and day).

    Returns how many users were queued a digest in this run or earlier in the day.
    """
    now = now or timezone.now()
    day = day or timezone.localdate(now)
    by_user: dict[int, list[Task]] = defaultdict(list)
    overdue = (
        Task.objects.filter(done_at__isnull=True, due_at__lt=now, owner__is_active=True)
        .select_related("case", "owner")
        .order_by("owner_id", "due_at", "id")
    )
    for task in overdue:
        if task.case.organisation_id == task.owner.organisation_id and task.owner.email:
            by_user[task.owner_id].append(task)
    for tasks in by_user.values():
        owner = tasks[0].owner
        with translation.override(owner.language or None), transaction.atomic():
            subject = _("Red Alert: %(n)s overdue tasks") % {"n": len(tasks)}
            enqueue_email(owner.email, subject, digest_body(tasks, now), key=f"digest:{owner.pk}:{day.isoformat()}")
    return len(by_user)
