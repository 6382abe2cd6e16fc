"""Erasing a case's identity blanks its tasks' titles (free text staff wrote, which may name her or her family),
read from the database; the kind, owner and dates stay; another case's tasks keep theirs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

from redalert.audit.models import AuditEntry
from redalert.retention.erasure import erase_case_identity
from redalert.retention.registry import case_erasers
from redalert.tasks.models import Task
from redalert.tasks.services import add_task


def stored(pk: int) -> tuple[Any, ...]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT title, kind, owner_id, due_at FROM tasks_task WHERE id = %s", [pk])
        return tuple(cursor.fetchone())


def test_erasing_a_case_blanks_its_task_titles_only(case: Any, coordinator: Any, make_case: Any, org_a: Any) -> None:
    assert "tasks" in case_erasers()
    due = timezone.now() + timedelta(days=3)
    title = "Llamar a su hermana Ana al 55 1234 5678"
    mine = add_task(case, title=title, owner=coordinator, due_at=due, actor=coordinator)
    other_case = make_case(org_a, coordinator, given_names="Ana")
    theirs = add_task(other_case, title="Visitar a la madre de Lucía", owner=coordinator, due_at=due, actor=coordinator)
    before_theirs = stored(theirs.pk)

    assert erase_case_identity(case, coordinator) is True

    title, kind, owner_id, _due = stored(mine.pk)
    assert (title, kind, owner_id) == ("", "manual", coordinator.pk)
    assert Task.objects.get(pk=mine.pk).display_title  # still named by its kind
    assert stored(theirs.pk) == before_theirs
    entry = AuditEntry.objects.filter(case_id=case.pk, detail__erased="identity").get()
    assert entry.detail["sections"]["tasks"] == 1
    assert "Ana" not in str(entry.detail)
