"""Value lists of the investigation section. HTCDS 2.0 codes are stored as they are in the standard.

Multi-choice lists store [] for "not recorded" and [NOT_KNOWN] for "recorded as not known", so that neither is
mistaken for "none" (unknown is not zero).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

NOT_KNOWN = "NotKnown"
NOT_KNOWN_CHOICE = (NOT_KNOWN, _("Not known"))


class SourceKind(models.TextChoices):
    PHONE = "phone", _("Her phone")
    EMAIL = "email", _("Email account")
    SOCIAL = "social", _("Social-network profile")
    WITNESS = "witness", _("Witness")
    PLACE = "place", _("Place visited")
    DOCUMENT = "document", _("Document or record")
    OTHER = "other", _("Other")


class EvidenceKind(models.TextChoices):
    IMAGE = "image", _("Image or screenshot")
    PDF = "pdf", _("PDF document")
    TEXT = "text", _("Plain text")


class CustodyAction(models.TextChoices):
    COLLECTED = "collected", _("Collected")
    HANDED_OVER = "handed_over", _("Handed over")
    EXAMINED = "examined", _("Examined")
    RETURNED = "returned", _("Returned")
    OTHER = "other", _("Other")


class LinkRole(models.TextChoices):
    """How a person is linked to the case."""

    FAMILY = "family", _("Family member")
    WITNESS = "witness", _("Witness")
    SUSPECT = "suspect", _("Suspect")
    PERPETRATOR = "perpetrator", _("Perpetrator")
    OTHER = "other", _("Other")


class RoleInProcess(models.TextChoices):
    """HTCDS 2.0 perpetrator RoleInProcess."""

    UNKNOWN = "unknown", _("Not known")
    TRAVELLING_PARTNER = "TravellingPartner", _("Travelling partner")
    TRANSPORTER = "Transporter", _("Transporter")
    RECRUITER = "RecruiterOrIntermediary", _("Recruiter or intermediary")
    BROKER = "BrokerTravelAgent", _("Broker / travel agent")
    SMUGGLER = "Smuggler", _("Smuggler")
    ABUSER = "Abuser", _("Abuser")
    KIDNAPPER = "Kidnapper", _("Kidnapper")
    EXPLOITER = "Exploiter", _("Exploiter")
    TRANSFERRED = "Transferred", _("Transferred the victim")
    HARBOURED = "Harboured", _("Harboured the victim")
    SOLD = "Sold", _("Sold the victim")
    BOUGHT = "Bought", _("Bought the victim")
    RECEIVED = "Received", _("Received the victim")
    CONTROLLED = "Controlled", _("Controlled the victim")
    OTHER = "Other", _("Other")
    NOT_APPLICABLE = "NotApplicable", _("Not applicable (not a perpetrator)")


class EventType(models.TextChoices):
    """HTCDS 2.0 trafficking event types."""

    RECRUITMENT = "Recruitment", _("Recruitment")
    TRANSIT = "Transit", _("Transit")
    EXPLOITATION = "Exploitation", _("Exploitation")


class MethodOfRecruitment(models.TextChoices):
    PLACE_OF_BUSINESS = "AtAPlaceOfBusiness", _("At a place of business")
    EDUCATIONAL = "AtAnEducationalInstitution", _("At an educational institution")
    AT_WORK = "AtWork", _("At work")
    ONLINE_SOCIAL = "ThroughOnlineSocialNetworks", _("Through online social networks")
    ONLINE_AD = "ThroughAnOnlineAdvertisement", _("Through an online advertisement")
    TV_AD = "ThroughATelevisionAdvert", _("Through a television advert")
    NEWSPAPER_AD = "ThroughANewspaperAdvert", _("Through a newspaper advert")
    FAMILY = "ThroughFamilyOrFamilyEvents", _("Through family or family events")
    FRIENDS = "ThroughFriendsOrSocialEvents", _("Through friends or social events")
    OTHER = "Other", _("Other")


class MethodOfControl(models.TextChoices):
    PHYSICAL_THREATS = "PhysicalThreats", _("Physical threats")
    THREATS_LAW = "ThreatsLawEnforcement", _("Threats of law enforcement action")
    THREATENS_FAMILY = "ThreatensChildrenFamily", _("Threats to her children or family")
    DEBT_BONDAGE = "DebtBondage", _("Debt bondage")
    FALSE_PROMISES = "FalsePromises", _("False promises")
    PHYSICAL_ABUSE = "PhysicalAbuse", _("Physical abuse")
    SEXUAL_ABUSE = "SexualAbuse", _("Sexual abuse")
    TAKES_EARNINGS = "TakesEarnings", _("Takes her earnings")
    RESTRICTS_FINANCIAL = "RestrictsFinancialAccess", _("Restricts financial access")
    RESTRICTS_MEDICAL = "RestrictsMedicalCare", _("Restricts medical care")
    WITHHOLDS_NECESSITIES = "WithholdsNecessities", _("Withholds necessities")
    PSYCHOLOGICAL_ABUSE = "PsychologicalAbuse", _("Psychological abuse")
    PSYCHOACTIVE = "PsychoactiveSubstance", _("Psychoactive substances")
    EXCESSIVE_HOURS = "ExcessiveWorkingHours", _("Excessive working hours")
    WITHHOLDS_DOCUMENTS = "WithholdsDocuments", _("Withholds documents")
    OTHER = "Other", _("Other")


class TypeOfExploitation(models.TextChoices):
    """HTCDS 2.0 TypeOfExploitation, plus the forms the Red Alert System and regional indicators add."""

    FORCED_LABOUR = "ForcedLabour", _("Forced labour")
    SEXUAL = "SexualExploitation", _("Sexual exploitation")
    CHILD_LABOUR = "ChildLabour", _("Child labour")
    FORCED_MARRIAGE = "ForcedMarriage", _("Forced marriage")
    SERVITUDE = "Servitude", _("Servitude")
    FORCED_MILITARY = "ForcedMilitaryByNonStateActors", _("Forced military service by non-state actors")
    ORGAN_REMOVAL = "OrganRemoval", _("Organ removal")
    FORCED_BEGGING = "ForcedBegging", _("Forced begging")
    FORCED_ADOPTION = "ForcedAdoption", _("Forced or illegal adoption")
    SURROGACY = "Surrogacy", _("Surrogacy")
    DEBT_BONDAGE = "DebtBondage", _("Debt bondage")
    ABDUCTION = "Abduction", _("Abduction")
    DOMESTIC_SERVITUDE = "DomesticServitude", _("Domestic servitude")
    CRIMINAL_ACTIVITIES = "CriminalActivities", _("Forced criminal activities")
    OTHER = "Other", _("Other")


class TypeOfSexExploitation(models.TextChoices):
    PROSTITUTION = "Prostitution", _("Prostitution")
    PORNOGRAPHY = "Pornography", _("Pornography")
    REMOTE = "RemoteInteractiveServices", _("Remote interactive services")
    PRIVATE = "PrivateSexualServices", _("Private sexual services")


class WebsiteOrApp(models.TextChoices):
    FACEBOOK = "Facebook", "Facebook"
    INSTAGRAM = "Instagram", "Instagram"
    WHATSAPP = "WhatsApp", "WhatsApp"
    TELEGRAM = "Telegram", "Telegram"
    MESSENGER = "FacebookMessenger", "Facebook Messenger"
    VIBER = "Viber", "Viber"
    SNAPCHAT = "SnapChat", "Snapchat"
    LINE = "Line", "LINE"
    TIKTOK = "TikTok", "TikTok"
    TWITTER = "Twitter", "Twitter / X"
    OTHER = "Other", _("Other")


class RelationshipToTrafficker(models.TextChoices):
    UNKNOWN = "unknown", _("Not known")
    FAMILIAL = "Familial", _("Familial")
    ACQUAINTED = "Acquainted", _("Acquainted")
    UNACQUAINTED = "Unacquainted", _("Unacquainted")


class TraffickingStatus(models.TextChoices):
    UNKNOWN = "unknown", _("Not assessed yet")
    POSSIBLE = "PossibleVictimOfTrafficking", _("Possible victim of trafficking")
    ACTUAL = "ActualVictimOfTrafficking", _("Actual victim of trafficking")
    NOT_A_VICTIM = "NotAVictimOfTrafficking", _("Not a victim of trafficking")


class OutcomeResult(models.TextChoices):
    ALIVE = "located_alive", _("Located alive")
    DECEASED = "located_deceased", _("Located deceased")


class HowLocated(models.TextChoices):
    UNKNOWN = "unknown", _("Not known")
    RESCUE_OPERATION = "rescue_operation", _("Rescued in an operation")
    FAMILY = "family", _("Found by the family")
    RETURNED = "returned", _("Returned by herself")
    TIP = "tip", _("After a tip")
    AUTHORITIES = "authorities", _("By the authorities")
    OTHER = "other", _("Other")
