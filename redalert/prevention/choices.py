"""Value lists of the prevention and training register (seed 002's activity tables, seed 004's indicators)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityType(models.TextChoices):
    AWARENESS_TALK = "awareness_talk", _("Awareness talk")
    WORKSHOP = "workshop", _("Workshop or training")
    COURSE = "course", _("Course (several sessions)")
    SEMINAR = "seminar", _("Seminar, forum or conference")
    COORDINATION = "coordination", _("Coordination or working meeting")
    TECHNICAL_ASSISTANCE = "technical_assistance", _("Technical assistance")
    FAIR = "fair", _("Fair or public event")
    CAMPAIGN = "campaign", _("Publicity or awareness campaign")
    MATERIALS = "materials", _("Information materials (leaflets, posters, film)")
    MEDIA = "media", _("Media (press, radio, TV, social networks)")
    OTHER = "other", _("Other")


class Reach(models.TextChoices):
    """Seed 004: direct prevention is in contact with the people; indirect reaches them through campaigns,
    materials or the media."""

    DIRECT = "direct", _("Direct")
    INDIRECT = "indirect", _("Indirect")


# The reach an activity of each type usually has; the form suggests it, the recorder decides.
USUAL_REACH: dict[str, str] = {
    ActivityType.CAMPAIGN: Reach.INDIRECT,
    ActivityType.MATERIALS: Reach.INDIRECT,
    ActivityType.MEDIA: Reach.INDIRECT,
}


class AudienceKind(models.TextChoices):
    SCHOOL = "school", _("Schools and universities")
    COMMUNITY = "community", _("Community")
    GOVERNMENT = "government", _("Government")
    POLICE = "police", _("Police and security")
    JUSTICE = "justice", _("Prosecutors and courts")
    HEALTH = "health", _("Health services")
    PRIVATE_SECTOR = "private_sector", _("Private sector")
    MEDIA = "media", _("Media")
    NGO = "ngo", _("Civil-society organisations")
    MIXED = "mixed", _("Several kinds")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Not recorded")


# The participant counts, by dimension. Each count may be empty (not recorded), which is not the same as 0.
SEX_COUNTS = ("women", "men", "sex_other")
AGE_COUNTS = ("children", "adolescents", "adults", "age_unknown")
