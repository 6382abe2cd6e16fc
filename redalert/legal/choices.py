"""Value lists of legal accompaniment. HTCDS 2.0 codes are stored where a standard value exists."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Authority(models.TextChoices):
    FEDERAL_PROSECUTOR = "federal_prosecutor", _("Federal prosecutor's office")
    STATE_PROSECUTOR = "state_prosecutor", _("State prosecutor's office")
    OTHER = "other", _("Other authority")
    UNKNOWN = "unknown", _("Not known")


class ProceedingStatus(models.TextChoices):
    INVESTIGATION = "investigation", _("Investigation")
    CHARGED = "charged", _("Charged")
    TRIAL = "trial", _("Trial")
    SENTENCED = "sentenced", _("Sentenced")
    APPEAL = "appeal", _("Appeal")
    DECLINED = "declined", _("Declined (not prosecuted)")


class DeclineReason(models.TextChoices):
    PERPETRATOR_UNKNOWN = "perpetrator_unknown", _("The perpetrator's identity is unknown")
    INSUFFICIENT_EVIDENCE = "insufficient_evidence", _("Insufficient evidence")
    COMPLAINT_WITHDRAWN = "complaint_withdrawn", _("Complaint withdrawn")
    OTHER = "other", _("Other reason")
    UNKNOWN = "unknown", _("Not known")


class MeasureStatus(models.TextChoices):
    REQUESTED = "requested", pgettext_lazy("status of a protection measure", "Requested")
    GRANTED = "granted", pgettext_lazy("status of a protection measure", "Granted")
    DENIED = "denied", pgettext_lazy("status of a protection measure", "Denied")
    EXPIRED = "expired", pgettext_lazy("status of a protection measure", "Expired")


class AccusedOutcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    CONVICTED = "convicted", _("Convicted")
    ACQUITTED = "acquitted", _("Acquitted")
    DISMISSED = "dismissed", _("Dismissed")
    FUGITIVE = "fugitive", _("Fugitive")
    UNKNOWN = "unknown", _("Not known")


WORLD = "world"
