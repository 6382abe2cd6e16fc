"""Who may do what with Red Alerts, and what of a case may go to authorities.

Rules in one sentence each:
- A Red Alert (alert, update, cancellation) is issued by a coordinator of the case's organisation.
- The delivery and acknowledgement status of a case's alerts is seen by everyone who may open the case.
- The directory of authorities is kept by the organisation's administrators.
- The due-diligence figures are for coordinators, lawyers and administrators of the organisation.
- Nothing goes to authorities without a current consent to share with authorities: checked when issuing, again
  by the outbox gate at the moment each message leaves, and before every reminder.
- Authorities see the restricted view of a case (alert_view): never the exact address, coordinates, or the phone
  numbers of the reporter or family.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from redalert.access.policy import Action, may
from redalert.accounts.permissions import may_manage_organisation
from redalert.accounts.roles import Role
from redalert.cases.choices import CaseStatus
from redalert.cases.models import Case, Photo
from redalert.consent.choices import Purpose
from redalert.consent.rules import Verdict, may_use
from redalert.outbox import gates
from redalert.public.exposure import LOCATED, MISSING, PublicCase, PublicContact, public_contact

if TYPE_CHECKING:
    from redalert.accounts.models import User

CONSENT_GATE = "alerts-consent"


def _staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.organisation_id)


def may_issue_alert(user: User, case: Case) -> bool:
    """Coordinators of the case's organisation issue Red Alerts (policy: Action.ISSUE_ALERT)."""
    return may(user, Action.ISSUE_ALERT, case)


def may_view_alerts(user: User, case: Case) -> bool:
    """Everyone who may open the case sees its alerts and their status."""
    return may(user, Action.VIEW, case)


def may_manage_directory(user: User) -> bool:
    """Administrators keep their organisation's directory of authorities."""
    return may_manage_organisation(user)


def may_view_diligence(user: User) -> bool:
    """Coordinators, lawyers and administrators see the due-diligence figures of their organisation."""
    return _staff(user) and user.has_role(Role.COORDINATOR, Role.LAWYER, Role.ADMINISTRATOR)


def may_alert_authorities(case: Case) -> Verdict:
    """A case may go to authorities only while the newest consent decision to share with them is a grant."""
    return may_use(case, Purpose.SHARE_AUTHORITIES)


def _consent_gate(argument: str) -> str:
    """Outbox gate: the reason an alert message about case `argument` may not leave now, or "".

    Read at the moment each message leaves (no cache), so a withdrawal stops every message still queued."""
    case = Case.objects.filter(pk=int(argument)).first()
    if case is None:
        return _("The case no longer exists.")
    verdict = may_alert_authorities(case)
    return "" if verdict else verdict.reason


def register_gates() -> None:
    gates.register(CONSENT_GATE, _consent_gate)


def consent_gate(case: Case) -> str:
    return gates.gate_for(CONSENT_GATE, case.pk)


def alert_photo_id(case: Case) -> int | None:
    """The photo for authorities: the one chosen for publication if any, else the newest photo of the case."""
    publication = getattr(case, "publication", None) if hasattr(case, "publication") else None
    if publication is not None and publication.photo_id:
        return int(publication.photo_id)
    newest = Photo.objects.filter(case=case).order_by("-uploaded_at", "-id").values_list("pk", flat=True).first()
    return int(newest) if newest is not None else None


def alert_view(case: Case, *, language: str | None = None, contact: PublicContact | None = None) -> PublicCase:
    """The restricted view of a case for authorities, gated by the consent to share with them (not to publish).

    It carries the person's name, age, photo, physical description, marks, clothing, date and gazetteer place last
    seen, and the organisation's contact; never the exact place detail, coordinates of private places, or the
    reporter's and family's phones. Raises PermissionError (with the consent's reason) without a current consent.
    """
    verdict = may_alert_authorities(case)
    if not verdict:
        raise PermissionError(verdict.reason)
    person = case.person
    place = case.last_seen_place
    subdivision = place.subdivision if place.subdivision_id else (place if place.kind == "subdivision" else None)
    publication = case.publication if hasattr(case, "publication") else None
    missing = case.status == CaseStatus.ACTIVE_SEARCH
    return PublicCase(
        public_id=publication.public_id if publication is not None else f"case-{case.pk}",
        kind=MISSING if missing else LOCATED,
        full_name=person.full_name,
        given_names=person.given_names,
        age=person.age_at_disappearance,
        last_seen_on=case.last_seen_on,
        place=place,
        place_label=place.label,
        country_code=place.country_code,
        subdivision_code=subdivision.code if subdivision is not None else "",
        physical_description=person.physical_description if missing else "",
        distinguishing_marks=person.distinguishing_marks if missing else "",
        clothing=person.clothing if missing else "",
        summary="",
        photo_id=alert_photo_id(case) if missing else None,
        located_on=case.located_on if not missing else None,
        contact=contact or public_contact(case.organisation, language),
        published_at=None,
        updated_at=case.updated_at,
    )
