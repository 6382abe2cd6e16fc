"""The tasks' part of erasing a case's identity (called by redalert.retention.erasure, which stands above).

Rule: a task's title is free text written by staff ("call her sister Ana at …"), so, although the form asks for no
names, it may identify her: when the case's identity is erased every title of its tasks is blanked. A system task
is still named by its kind; a manual one then reads as its kind ("Task"). What stays: the kind, owner, dates, who
did it.
"""

from __future__ import annotations

from typing import Any

from redalert.tasks.models import Task


def erase_for_case(case: Any) -> int:
    """Blank the titles of the case's tasks; how many still held one."""
    return Task.objects.filter(case=case).exclude(title="").update(title="")
