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
