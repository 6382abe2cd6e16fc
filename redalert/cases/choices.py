"""Value lists of the case file. HTCDS 2.0 values are kept as the stored codes where one exists."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    VERIFICATION = "verification", _("Verification")
    ACTIVE_SEARCH = "active_search", _("Active search")
    LOCATED_ALIVE = "located_alive", _("Located alive")
    LOCATED_DECEASED = "located_deceased", _("Located deceased")
    FOLLOW_UP = "follow_up", _("Follow-up (support, justice)")
    CLOSED = "closed", _("Closed")


class ReportChannel(models.TextChoices):
    FAMILY = "family", _("Family")
    PUBLIC = "public", _("Member of the public")
    AUTHORITY = "authority", _("Authority")
    HOTLINE = "hotline", _("Hotline")
    OTHER = "other", _("Other")


class Relationship(models.TextChoices):
    SELF = "self", _("The person herself")
    MOTHER = "mother", _("Mother")
    FATHER = "father", _("Father")
    SIBLING = "sibling", _("Sister or brother")
    CHILD = "child", _("Daughter or son")
    PARTNER = "partner", _("Partner or spouse")
    GRANDPARENT = "grandparent", _("Grandmother or grandfather")
    OTHER_RELATIVE = "other_relative", _("Other relative")
    FRIEND = "friend", _("Friend")
    LEGAL_GUARDIAN = "guardian", _("Legal guardian")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Not known")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    INTERSEX = "intersex", _("Intersex")
    UNKNOWN = "unknown", _("Not known / not recorded")


class Gender(models.TextChoices):
    """HTCDS 2.0 Gender."""

    FEMININE = "Feminine", _("Feminine")
    MASCULINE = "Masculine", _("Masculine")
    TRANSGENDER_FEMININE = "TransgenderFeminine", _("Transgender feminine")
    TRANSGENDER_MASCULINE = "TransgenderMasculine", _("Transgender masculine")
    NON_CONFORMING = "NonConforming", _("Non-conforming")
    UNKNOWN = "NonSpecifiedUnknown", _("Not specified / not known")


class YesNoUnknown(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Not known")


class NoteSection(models.TextChoices):
    """Where a note belongs. Everything but GENERAL is a sensitive section (see redalert.access.policy)."""

    GENERAL = "general", _("General")
    INVESTIGATION = "investigation", _("Investigation")
    LEGAL = "legal", _("Legal")
    HEALTH = "health", _("Health and psychological care")
    SHELTER = "shelter", _("Shelter")
