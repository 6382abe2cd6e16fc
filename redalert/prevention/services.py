"""Keeping the register: saving and deleting activities (validated and audited), and selecting them."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from redalert.audit.log import record as audit_record
from redalert.audit.log import save_audited
from redalert.audit.models import AuditAction
from redalert.places.models import Place
from redalert.prevention.models import Activity

SECTION = "prevention"


def save_activity(activity: Activity, *, actor: Any, request: HttpRequest | None = None) -> Activity:
    """Validate (the counts' consistency included) and save an activity; audit its creation or change.

    A new activity belongs to the acting user's organisation and is recorded by them."""
    if activity.pk is None:
        activity.organisation = actor.organisation
    if activity.pk is None and activity.recorded_by_id is None and getattr(actor, "pk", None):
        activity.recorded_by = actor
    save_audited(activity, actor=actor, request=request, section=SECTION)
    return activity


def delete_activity(activity: Activity, *, actor: Any, request: HttpRequest | None = None) -> None:
    """Delete an activity; the audit entry keeps what it was (date, type, theme, total)."""
    with transaction.atomic():
        audit_record(
            actor,
            AuditAction.DELETE,
            activity,
            request=request,
            detail={
                "section": SECTION,
                "held_on": activity.held_on,
                "activity_type": activity.activity_type,
                "theme": activity.theme,
                "participants": activity.participants,
            },
        )
        activity.delete()


def filtered(
    activities: QuerySet[Activity],
    *,
    year: int | None = None,
    activity_type: str = "",
    state: Place | None = None,
) -> QuerySet[Activity]:
    """The activities of a year, of a type, held in a state (the state itself or a town in it); empty = all."""
    if year:
        activities = activities.filter(held_on__year=year)
    if activity_type:
        activities = activities.filter(activity_type=activity_type)
    if state is not None:
        activities = activities.filter(Q(place=state) | Q(place__subdivision=state))
    return activities
