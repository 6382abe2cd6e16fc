"""Who may offer, answer and end transfers and referrals (built on redalert.access.policy; anything else is a 404).

- Offering a case or sections of it, withdrawing an offer not yet answered and ending a referral: a coordinator of
  the organisation that holds the case.
- Accepting or rejecting: a coordinator of the receiving organisation, and nobody else.
- Reading an offer: the coordinators of the two organisations.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from redalert.access.policy import Action, is_staff_member, may
from redalert.accounts.models import User
from redalert.accounts.roles import Role
from redalert.cases.models import Case
from redalert.transfers.models import Offer


def is_coordinator(user: User) -> bool:
    return is_staff_member(user) and user.organisation_id is not None and user.has_role(Role.COORDINATOR)


def may_offer(user: User, case: Case) -> bool:
    """A coordinator of the organisation that holds the case."""
    return is_coordinator(user) and case.organisation_id == user.organisation_id and may(user, Action.MANAGE_TEAM, case)


def may_decide(user: User, offer: Offer) -> bool:
    """Only a coordinator of the receiving organisation accepts or rejects."""
    return is_coordinator(user) and offer.to_organisation_id == user.organisation_id


def may_end(user: User, offer: Offer) -> bool:
    """A coordinator of the sending organisation withdraws an offer or ends a referral."""
    return is_coordinator(user) and offer.from_organisation_id == user.organisation_id


def offers_for(user: User) -> QuerySet[Offer]:
    """The offers the user's organisation sent or received, for its coordinators."""
    if not is_coordinator(user):
        return Offer.objects.none()
    org = user.organisation_id
    return Offer.objects.filter(Q(from_organisation_id=org) | Q(to_organisation_id=org))


def offer_for(user: User, pk: int) -> Offer:
    try:
        return offers_for(user).select_related("case", "from_organisation", "to_organisation").get(pk=pk)
    except Offer.DoesNotExist:
        raise Http404("No such offer.") from None


def may_see_transfers(user: User) -> bool:
    """The menu entry: coordinators (offers) and every case worker (cases shared with her organisation)."""
    return is_staff_member(user) and user.organisation_id is not None and user.works_on_cases
