"""Value lists of care: services, humanitarian expenses, support plans (HTCDS 2.0), referrals, consultations."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceType(models.TextChoices):
    MEDICAL = "medical", _("Medical care")
    PSYCHOLOGICAL = "psychological", _("Psychological counselling")
    LEGAL_ADVICE = "legal_advice", _("Legal advice")
    SOCIAL_WORK = "social_work", _("Social work")
    HUMANITARIAN_AID = "humanitarian_aid", _("Humanitarian aid")
    EMERGENCY_SHELTER = "emergency_shelter", _("Emergency shelter")
    TRANSITIONAL_HOME = "transitional_home", _("Transitional home")
    EDUCATION = "education", _("Education")
    VOCATIONAL_TRAINING = "vocational_training", _("Vocational training")
    PRODUCTIVE_PROJECT = "productive_project", _("Productive project")
    FAMILY_REUNIFICATION = "family_reunification", _("Family reunification")
    RELOCATION = "relocation", _("Relocation")
    REPATRIATION = "repatriation", _("Repatriation")
    IMMIGRATION_RELIEF = "immigration_relief", _("Immigration relief")


# Services whose records belong to the health section (seen by the team's health staff and coordinators).
HEALTH_SERVICE_TYPES = frozenset({ServiceType.MEDICAL, ServiceType.PSYCHOLOGICAL})


class Recipient(models.TextChoices):
    VICTIM = "victim", _("The victim")
    FAMILY = "family", _("A family member")


class Phase(models.TextChoices):
    BEFORE_RESCUE = "before", _("Before the rescue")
    AFTER_RESCUE = "after", _("After the rescue")
    UNKNOWN = "unknown", _("Not known")


class ProviderKind(models.TextChoices):
    OWN = "own", _("Our organisation")
    PARTNER = "partner", _("A partner organisation")
    UNKNOWN = "unknown", _("Not known")


class ImmigrationStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    APPLIED = "applied", _("Applied for")
    GRANTED = "granted", _("Granted")
    DENIED = "denied", _("Denied")
    UNKNOWN = "unknown", _("Not known")


class ExpenseCategory(models.TextChoices):
    """The humanitarian-expense categories of the Red Alert System."""

    TRAVEL_FARES = "travel_fares", _("Travel fares")
    PER_DIEM = "per_diem", _("Per diem")
    CLOTHING = "clothing", _("Clothing")
    PERSONAL_ARTICLES = "personal_articles", _("Personal articles")
    HOUSING = "housing", _("Housing")
    FOOD = "food", _("Food")
    TRANSPORT = "transport", _("Transport and taxis")
    REUNIFICATION = "reunification", _("Reunification")
    RELOCATION = "relocation", _("Relocation")
    MEDICINE = "medicine", _("Medicine")
    LAB_EXAMS = "lab_exams", _("Lab exams")


class SupportPlanType(models.TextChoices):
    """HTCDS 2.0 support-plan types."""

    EDUCATION = "Education", _("Education")
    FINANCIAL = "Financial", _("Financial")
    HEALTH = "Health", _("Health")
    LABOUR_REHAB = "LabourExploitationRehabilitation", _("Labour exploitation rehabilitation")
    LEGAL = "Legal", _("Legal")
    LIVELIHOOD = "Livelihood", _("Livelihood")
    RIGHTS_TRAINING = "RightsBasedTraining", _("Rights-based training")
    SEXUAL_REHAB = "SexualExploitationRehabilitation", _("Sexual exploitation rehabilitation")
    SOCIAL_CARE = "SocialCare", _("Social care")


class ObjectiveStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    ACHIEVED = "achieved", _("Achieved")
    DROPPED = "dropped", _("Dropped")


class ReferralDirection(models.TextChoices):
    OUTGOING = "outgoing", _("To a partner")
    INCOMING = "incoming", _("From a partner")


class ReferralStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    COMPLETED = "completed", _("Completed")


# Allowed status changes of a referral.
REFERRAL_TRANSITIONS: dict[str, frozenset[str]] = {
    ReferralStatus.PENDING: frozenset({ReferralStatus.ACCEPTED, ReferralStatus.REJECTED}),
    ReferralStatus.ACCEPTED: frozenset({ReferralStatus.COMPLETED}),
    ReferralStatus.REJECTED: frozenset(),
    ReferralStatus.COMPLETED: frozenset(),
}
