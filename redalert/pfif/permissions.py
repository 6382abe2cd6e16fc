"""Who may use the PFIF review area (built on redalert.access.policy; anything not allowed is a 404).

Importing a file, reading the imported records, opening a case from one or dismissing one: the organisation's
coordinators only (opening a case also needs the policy's CREATE permission, which coordinators have). Records
belong to the organisation whose coordinator imported them; another organisation's record is a 404.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from redalert.access.policy import Action, is_staff_member, may
from redalert.accounts.models import User
from redalert.accounts.roles import Role
from redalert.pfif.models import ImportedPerson


def may_review(user: User) -> bool:
    return is_staff_member(user) and user.organisation_id is not None and user.has_role(Role.COORDINATOR)


def may_open_case(user: User) -> bool:
    return may_review(user) and may(user, Action.CREATE)


def records_for(user: User) -> QuerySet[ImportedPerson]:
    if not may_review(user) or user.organisation_id is None:
        return ImportedPerson.objects.none()
    return ImportedPerson.objects.filter(organisation_id=user.organisation_id)


def record_for(user: User, pk: int) -> ImportedPerson:
    record = records_for(user).filter(pk=pk).first()
    if record is None:
        raise Http404("No such record.")
    return record
