"""The retention periods in force for an organisation: its stored policy, else the documented defaults."""

from __future__ import annotations

from redalert.accounts.models import Organisation
from redalert.retention.models import RetentionPolicy


def policy_for(organisation: Organisation) -> RetentionPolicy:
    """The organisation's stored policy, or an unsaved one holding the defaults."""
    stored = RetentionPolicy.objects.filter(organisation=organisation).first()
    return stored or RetentionPolicy(organisation=organisation)
