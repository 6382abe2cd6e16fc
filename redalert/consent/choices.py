"""The purposes of consent and the decisions about them: plain choices, importable by any app (cases included)
without loading consent's models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Purpose(models.TextChoices):
    OPEN_FILE = "open_file", _("Open the case file")
    PUBLISH = "publish", _("Publish photo and details on the public site")
    SHARE_AUTHORITIES = "share_authorities", _("Share with authorities")
    SOCIAL_MEDIA = "social_media", _("Share on social media")
    LEGAL_REPRESENTATION = "legal_representation", _("Legal representation")
    STATISTICS = "statistics", _("Use in statistics")
    REFERRAL = "referral", _("Refer to a partner organisation")


class Decision(models.TextChoices):
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ConsentMethod(models.TextChoices):
    SIGNED_FORM = "signed_form", _("Signed form (scan attached)")
    VERBAL_WITNESSED = "verbal_witnessed", _("Verbal, with a witness")
