"""Giving and revoking shared access (CaseGrant rows). Called by the transfers services inside their transaction;
they write the audit entries and the e-mails."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from redalert.access.models import CaseGrant, GrantReason


def grant(
    case: Any, organisation_id: int, sections: Iterable[str], *, reason: GrantReason, by: Any, offer_id: int | None
) -> list[CaseGrant]:
    """Active grants of these sections to the organisation (a section already granted keeps its grant)."""
    now = timezone.now()
    held = set(
        CaseGrant.objects.active().filter(case=case, organisation_id=organisation_id).values_list("section", flat=True)
    )
    rows = [
        CaseGrant(
            case=case,
            organisation_id=organisation_id,
            section=section,
            reason=reason,
            offer_id=offer_id,
            granted_by=by,
            granted_at=now,
        )
        for section in dict.fromkeys(sections)
        if section not in held
    ]
    return CaseGrant.objects.bulk_create(rows)


def revoke(grants: Any, because: str) -> int:
    """Revoke the active grants of a queryset; how many were active."""
    return int(grants.filter(revoked_at__isnull=True).update(revoked_at=timezone.now(), revoked_because=because))


def revoke_case(case_id: int, because: str) -> int:
    """Every active grant of a case (a withdrawal of the consent to share with partner organisations)."""
    return revoke(CaseGrant.objects.filter(case_id=case_id), because)
