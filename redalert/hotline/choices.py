"""Value lists of the hotline desk (plain choices: any app may import them without loading the models).

The indicator checklists reuse the HTCDS 2.0 codes of the investigation section (methods of recruitment, methods of
control, types of exploitation), so that a contact's indicators and a case's trafficking facts speak the same codes;
the venue list follows the hotline data of seed 001 (Polaris: "most common venues"). Each item of a checklist is
answered yes, no or not asked: "not asked" is the absence of an answer and is never counted as "no".
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from redalert.investigation.choices import MethodOfControl, MethodOfRecruitment, TypeOfExploitation


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone call")
    WHATSAPP = "whatsapp", _("WhatsApp")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")
    WEB_CHAT = "web_chat", _("Web chat")
    WALK_IN = "walk_in", _("In person")


class CallerRelation(models.TextChoices):
    """Who is calling, in relation to the person the call is about (seed 001: "caller proximity to victim")."""

    HERSELF = "herself", _("She herself")
    FAMILY = "family", _("Family member")
    FRIEND = "friend", _("Friend")
    PROFESSIONAL = "professional", _("Professional (teacher, health, social work…)")
    PUBLIC = "public", _("Member of the public")
    ANONYMOUS = "anonymous", _("Anonymous (does not say)")


class Urgency(models.TextChoices):
    """The first question of every contact: is someone in immediate danger?"""

    DANGER = "danger", _("Yes: someone is in immediate danger")
    NO_DANGER = "no_danger", _("No immediate danger")
    UNKNOWN = "unknown", _("The caller does not know")


class Outcome(models.TextChoices):
    INFORMATION = "information", _("Information given")
    REFERRAL = "referral", _("Referral to a service")
    REPORT_OPENED = "report_opened", _("Report opened")
    TIP_ADDED = "tip_added", _("Tip added to a case")
    CRISIS_SUPPORT = "crisis_support", _("Crisis support")


class Answer(models.TextChoices):
    """One item of an indicator checklist. "Not asked" is stored as no answer at all."""

    YES = "yes", _("Yes")
    NO = "no", _("No")
    NOT_ASKED = "not_asked", _("Not asked")


class Venue(models.TextChoices):
    """Venue or industry where the exploitation happens (the most common venues of seed 001's hotline data)."""

    RESIDENTIAL_BROTHEL = "residential_brothel", _("Residential brothel (private house)")
    BAR_CANTINA = "bar_cantina", _("Bar, cantina or nightclub")
    ESCORT_DELIVERY = "escort_delivery", _("Escort or delivery service")
    HOTEL_MOTEL = "hotel_motel", _("Hotel or motel")
    MASSAGE = "massage", _("Massage parlour or spa")
    STREET = "street", _("Street")
    ONLINE = "online", _("Online (advertisements, cameras)")
    DOMESTIC_WORK = "domestic_work", _("Domestic work")
    AGRICULTURE = "agriculture", _("Agriculture")
    RESTAURANT = "restaurant", _("Restaurant or food service")
    FACTORY = "factory", _("Factory or workshop")
    OTHER = "other", _("Other")


class IndicatorGroup(models.TextChoices):
    CONTROL = "control", _("Force, fraud and coercion (methods of control)")
    RECRUITMENT = "recruitment", _("Recruitment")
    VENUE = "venue", _("Venue or industry")
    EXPLOITATION = "exploitation", _("Type of exploitation")


# The items of each checklist, in the order the desk shows them. A contact stores its answers as
# {"<group>:<item>": "yes" | "no"}; an item without an answer was not asked.
CHECKLIST_CHOICES: dict[str, type[models.TextChoices]] = {
    IndicatorGroup.CONTROL: MethodOfControl,
    IndicatorGroup.RECRUITMENT: MethodOfRecruitment,
    IndicatorGroup.VENUE: Venue,
    IndicatorGroup.EXPLOITATION: TypeOfExploitation,
}


def indicator_key(group: str, item: str) -> str:
    return f"{group}:{item}"
