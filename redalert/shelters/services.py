"""Shelter rules: occupancy never exceeds capacity without an explicit override with a reason, which is logged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from redalert.accounts.models import User
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.care.choices import Recipient
from redalert.cases.models import Case
from redalert.changes.announce import Kind, announce
from redalert.shelters.models import Facility, Stay


class ShelterError(Exception):
    """A shelter action refused by a rule; the message is for the user."""


class CapacityError(ShelterError):
    pass


def save_facility(
    facility: Facility, *, changed: list[str], actor: User, request: HttpRequest | None = None
) -> Facility:
    """Save a shelter from the form, as one of the acting user's organisation, and audit which fields changed.

    Raises ValidationError (before saving anything) when the organisation already has a shelter of that name."""
    creating = facility.pk is None
    if actor.organisation is None:
        raise ValueError("Only a member of an organisation keeps its shelters.")
    facility.organisation = actor.organisation
    facility.validate_unique()
    with transaction.atomic():
        facility.save()
        audit_record(
            actor,
            AuditAction.CREATE if creating else AuditAction.CHANGE,
            facility,
            request=request,
            detail={"fields": sorted(changed)},
        )
    return facility


def occupancy(facility: Facility) -> int:
    """Current occupancy: the open stays (no check-out)."""
    return Stay.objects.filter(facility=facility, check_out_on__isnull=True).count()


@dataclass(frozen=True)
class Occupancy:
    facility: Facility
    occupied: int

    @property
    def free(self) -> int:
        """Free places, never negative (an override can put a facility over capacity)."""
        return max(self.facility.capacity - self.occupied, 0)

    @property
    def over(self) -> int:
        return max(self.occupied - self.facility.capacity, 0)


def occupancies(facilities: list[Facility]) -> list[Occupancy]:
    from django.db.models import Count

    counts = dict(
        Stay.objects.filter(facility__in=facilities, check_out_on__isnull=True)
        .values("facility")
        .annotate(n=Count("id"))
        .values_list("facility", "n")
    )
    return [Occupancy(f, counts.get(f.pk, 0)) for f in facilities]


def check_in(
    facility: Facility,
    case: Case,
    *,
    on: date,
    actor: User,
    guest: str = Recipient.VICTIM,
    family_relationship: str = "",
    override_reason: str = "",
    request: HttpRequest | None = None,
) -> Stay:
    """Open a stay. Refused when the facility is full, unless an override reason is given (stored and audited).

    The facility row is locked while counting, so two check-ins at once cannot both take the last place.
    """
    if facility.organisation_id != case.organisation_id:
        raise ShelterError(_("This facility belongs to another organisation."))
    override_reason = override_reason.strip()
    with transaction.atomic():
        locked = Facility.objects.select_for_update().get(pk=facility.pk)
        if not locked.active:
            raise ShelterError(_("This facility is not in use."))
        if (
            guest == Recipient.VICTIM
            and Stay.objects.filter(case=case, guest=Recipient.VICTIM, check_out_on__isnull=True).exists()
        ):
            raise ShelterError(_("The victim already has an open stay: check her out first."))
        occupied = occupancy(locked)
        over = occupied >= locked.capacity
        if over and not override_reason:
            raise CapacityError(
                _(
                    "%(name)s is full (%(occupied)s of %(capacity)s places). To check in anyway, give the reason "
                    "for going over capacity."
                )
                % {"name": locked.name, "occupied": occupied, "capacity": locked.capacity}
            )
        stay = Stay(
            facility=locked,
            case=case,
            guest=guest,
            family_relationship=family_relationship,
            check_in_on=on,
            over_capacity_reason=override_reason if over else "",
            checked_in_by=actor,
        )
        stay.full_clean()
        stay.save()
        detail: dict[str, object] = {"section": "shelter", "facility": locked.pk, "occupied_before": occupied}
        if over:
            detail.update({"over_capacity": True, "capacity": locked.capacity, "reason": override_reason})
        audit_record(actor, AuditAction.CREATE, stay, case=case, request=request, detail=detail)
        announce(case.pk, Kind.CARE, actor=actor)
    return stay


def check_out(stay: Stay, *, on: date, actor: User, request: HttpRequest | None = None) -> Stay:
    """End a stay."""
    with transaction.atomic():
        stay = Stay.objects.select_for_update().get(pk=stay.pk)
        if stay.check_out_on is not None:
            raise ShelterError(_("This stay has already ended."))
        if on < stay.check_in_on:
            raise ShelterError(_("The check-out cannot be before the check-in."))
        stay.check_out_on = on
        stay.checked_out_by = actor
        stay.save(update_fields=["check_out_on", "checked_out_by"])
        audit_record(actor, AuditAction.CHANGE, stay, case=stay.case, request=request, detail={"section": "shelter"})
        announce(stay.case_id, Kind.CARE, actor=actor)
    return stay
