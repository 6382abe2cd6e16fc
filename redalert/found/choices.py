"""Value lists of the register of people found."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Condition(models.TextChoices):
    ALIVE = "alive", _("Alive")
    DECEASED = "deceased", _("Deceased, unidentified")


class ReporterKind(models.TextChoices):
    SHELTER = "shelter", _("Shelter")
    HOSPITAL = "hospital", _("Hospital or clinic")
    FORENSIC = "forensic", _("Forensic service")
    AUTHORITY = "authority", _("Authority (prosecutor, police, migration)")
    STAFF = "staff", _("Our own staff")
    OTHER = "other", _("Other")


class CandidateStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed: same person")
    REJECTED = "rejected", _("Rejected: not the same person")


class FoundReason(models.TextChoices):
    """Reasons the register adds to redalert.matching's own (redalert.found.proposals)."""

    DESCRIPTION_ONLY = "description_only", _("compared without names: sex, age and place")
    SAME_PLACE = "same_place_found", _("found where she was last seen")
    PLACE_CLOSE = "place_close", _("found near where she was last seen, or in the same state")
