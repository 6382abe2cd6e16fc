"""The roles a member of an organisation can hold."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    CASEWORKER = "caseworker", _("Caseworker")
    FIELD_INVESTIGATOR = "field_investigator", _("Field investigator")
    LAWYER = "lawyer", _("Lawyer")
    HEALTH = "health", _("Psychologist / health")
    SHELTER_STAFF = "shelter_staff", _("Shelter staff")
    ANALYST = "analyst", _("Analyst (aggregates only)")
    PUBLIC_EDITOR = "public_editor", _("Public-site editor")
    ADMINISTRATOR = "administrator", _("Administrator")
    # Takes the hotline's calls and the inbox's conversations (issue 18): opens no case file.
    CALL_TAKER = "call_taker", _("Call-taker (hotline)")
    # Coalition-level: edits the tables shared by every organisation (the reparation rates). Never granted from an
    # organisation's members page; the server's operator grants it (manage.py grant_coalition_role).
    COALITION_DATA_STEWARD = "coalition_data_steward", _("Coalition data steward")


# Roles that work on case files (everything but aggregates, the public site and administration).
CASE_ROLES = frozenset(
    {
        Role.COORDINATOR,
        Role.CASEWORKER,
        Role.FIELD_INVESTIGATOR,
        Role.LAWYER,
        Role.HEALTH,
        Role.SHELTER_STAFF,
    }
)


# Roles whose grant needs a second person of the organisation (accounts.duties): the roles that open case files,
# and administration itself (an administrator could otherwise make a second, puppet administrator to approve her
# own requests).
GUARDED_ROLES = CASE_ROLES | {Role.ADMINISTRATOR}

# Roles an organisation's administrator never grants: they reach beyond her organisation.
COALITION_ROLES = frozenset({Role.COALITION_DATA_STEWARD})

# Who may approve another administrator's request: a coordinator, or a second administrator (never the asker).
APPROVER_ROLES = frozenset({Role.COORDINATOR, Role.ADMINISTRATOR})
