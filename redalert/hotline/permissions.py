"""Who may use the hotline desk, edit its script and read its statistics (built on redalert.access.policy; anything
not allowed is a 404).

- The desk belongs to an organisation: only its own staff use it; another organisation's contact is a 404, like one
  that does not exist.
- Call-takers, coordinators and caseworkers take contacts. A call-taker sees the contacts she took and no case
  file (not even the one she opened from a call: she is not a case role); coordinators and caseworkers see every
  contact of the organisation.
- The caller's own contact data (given only if she agrees to be contacted back) is shown to the staff member who
  took the contact and to coordinators: nobody else, and never outside the organisation.
- Adding a contact to an existing case (a further report) needs the case to be one the member may change
  (access.policy: Action.EDIT); a tip from a contact, one she may open (Action.VIEW: anyone may send a tip); both
  are for members who work on cases. Opening a new report from a contact is for every desk member.
- The script prompts are edited by the organisation's administrators.
- The hotline's statistics are read by the organisation's coordinators, analysts and administrators (the readers
  of its yearly report, redalert.statistics.permissions).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from redalert.access.policy import is_staff_member
from redalert.accounts.roles import Role
from redalert.hotline.models import Contact

DESK_ROLES = (Role.CALL_TAKER, Role.COORDINATOR, Role.CASEWORKER)
ALL_CONTACTS_ROLES = (Role.COORDINATOR, Role.CASEWORKER)
CALLER_DATA_ROLES = (Role.COORDINATOR,)
SCRIPT_ROLES = (Role.ADMINISTRATOR,)
STATISTICS_ROLES = (Role.COORDINATOR, Role.ANALYST, Role.ADMINISTRATOR)


def _member(user: Any) -> bool:
    return is_staff_member(user) and getattr(user, "organisation_id", None) is not None


def may_use_desk(user: Any) -> bool:
    return _member(user) and user.has_role(*DESK_ROLES)


def may_edit_script(user: Any) -> bool:
    return _member(user) and user.has_role(*SCRIPT_ROLES)


def may_see_hotline_statistics(user: Any) -> bool:
    return _member(user) and user.has_role(*STATISTICS_ROLES)


def may_see_caller_data(user: Any, contact: Contact) -> bool:
    """The caller's name, phone and e-mail: the member who took the contact, and the organisation's coordinators."""
    if not _member(user) or user.organisation_id != contact.organisation_id:
        return False
    return contact.taken_by_id == user.pk or user.has_role(*CALLER_DATA_ROLES)


def contacts_of(user: Any) -> QuerySet[Contact]:
    """The contacts the user may open: her organisation's (a call-taker: those she took); none without the desk."""
    if not may_use_desk(user):
        return Contact.objects.none()
    contacts = Contact.objects.filter(organisation_id=user.organisation_id)
    return contacts if user.has_role(*ALL_CONTACTS_ROLES) else contacts.filter(taken_by=user)


def require(allowed: bool) -> None:
    if not allowed:
        raise Http404("No such page.")


def contact_for(user: Any, pk: int) -> Contact:
    """The contact with this id if the user may open it, else the same 404 as for a contact that does not exist."""
    try:
        return contacts_of(user).select_related("place", "case", "taken_by", "organisation").get(pk=pk)
    except Contact.DoesNotExist:
        raise Http404("No such contact.") from None
