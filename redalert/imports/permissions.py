"""Who may import cases (built on redalert.access.policy; anything not allowed is a 404).

- Importing historical cases, and seeing the imports of the organisation with their reports (which show the
  values of the rejected cells), is for its coordinators and administrators.
- A job belongs to its organisation: staff of another organisation, and members without those roles, get the same
  404 as for a job that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from redalert.access.policy import is_staff_member
from redalert.accounts.roles import Role
from redalert.imports.models import ImportJob

IMPORT_ROLES = (Role.COORDINATOR, Role.ADMINISTRATOR)


def may_import(user: Any) -> bool:
    """Coordinators and administrators of an organisation import its historical cases."""
    return is_staff_member(user) and user.has_role(*IMPORT_ROLES)


def jobs_for(user: Any) -> Any:
    if not may_import(user):
        return ImportJob.objects.none()
    return ImportJob.objects.filter(organisation_id=user.organisation_id)


def job_for(user: Any, pk: int) -> ImportJob:
    """The job with this id if the user may see it, else 404 (the same as for no such job)."""
    job = jobs_for(user).select_related("created_by", "organisation").filter(pk=pk).first()
    if job is None:
        raise Http404("No such import.")
    return job
