"""The hotline desk: one Contact per call (or chat, message thread, visit), the organisation's script prompts.

Rules held here and in redalert.hotline.actions:
- Urgency is asked first; "immediate danger" must be followed by the call to an authority, recorded with its time.
- Indicators are answered yes / no; an item with no answer was not asked, and "not asked" is never "no".
- The caller's own contact data is kept only if she agrees, and only encrypted (lib.crypto.EncryptedTextField).
- Counts of potential victims are nullable: empty is "not known", never 0.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from redalert.accounts.models import Organisation
from redalert.hotline.choices import Answer, CallerRelation, Channel, Outcome, Urgency
from redalert.lib.crypto import EncryptedTextField
from redalert.places.models import Place

UNKNOWN_HELP = _("Leave empty if not known; 0 means none.")


class Contact(models.Model):
    """One contact with the hotline: a call, a chat, a message thread or a visit, and what came of it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="hotline_contacts")
    reference = models.CharField(_("reference"), max_length=32, unique=True)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices, default=Channel.PHONE)
    # The conversation (redalert.conversations) this contact came from, if any: an id, not a foreign key, so that
    # the hotline does not depend on the inbox.
    conversation_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("call-taker"),
        on_delete=models.PROTECT,
        related_name="hotline_contacts",
    )
    caller_relation = models.CharField(
        _("who is calling"), max_length=16, choices=CallerRelation.choices, blank=True, help_text=_("Empty: not asked.")
    )

    # Triage, first.
    urgency = models.CharField(_("immediate danger?"), max_length=12, choices=Urgency.choices, blank=True)
    urgency_at = models.DateTimeField(_("urgency assessed at"), null=True, blank=True)
    emergency_called_at = models.DateTimeField(_("authority called at"), null=True, blank=True)
    emergency_called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    emergency_authority = models.CharField(_("authority called"), max_length=200, blank=True)

    # Indicators: {"<group>:<item>": "yes" | "no"}; a missing key is "not asked".
    indicators = models.JSONField(_("indicators"), default=dict, blank=True)

    # Potential victims described in the contact (empty: not known).
    victims = models.PositiveIntegerField(
        _("potential victims described"), null=True, blank=True, help_text=UNKNOWN_HELP
    )
    victims_female = models.PositiveIntegerField(_("women and girls"), null=True, blank=True, help_text=UNKNOWN_HELP)
    victims_male = models.PositiveIntegerField(_("men and boys"), null=True, blank=True, help_text=UNKNOWN_HELP)
    victims_sex_unknown = models.PositiveIntegerField(_("sex not known"), null=True, blank=True, help_text=UNKNOWN_HELP)
    victims_minors = models.PositiveIntegerField(_("under 18"), null=True, blank=True, help_text=UNKNOWN_HELP)
    victims_adults = models.PositiveIntegerField(_("18 and over"), null=True, blank=True, help_text=UNKNOWN_HELP)
    victims_age_unknown = models.PositiveIntegerField(_("age not known"), null=True, blank=True, help_text=UNKNOWN_HELP)
    victims_foreign = models.PositiveIntegerField(_("foreign nationals"), null=True, blank=True, help_text=UNKNOWN_HELP)

    place = models.ForeignKey(
        Place,
        verbose_name=_("where (state or country)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    summary = EncryptedTextField(_("what the caller told"), blank=True, default="")

    # The caller's own contact data: only if she agrees to be contacted back; encrypted at rest.
    caller_agrees_to_contact = models.BooleanField(_("she agrees to be contacted back"), default=False)
    caller_name = EncryptedTextField(_("caller's name"), blank=True, default="")
    caller_phone = EncryptedTextField(_("caller's phone"), blank=True, default="")
    caller_email = EncryptedTextField(_("caller's e-mail"), blank=True, default="")

    outcome = models.CharField(_("outcome of the contact"), max_length=16, choices=Outcome.choices, blank=True)
    referred_to = models.CharField(_("referred to"), max_length=200, blank=True)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hotline_contacts",
    )
    tip = models.ForeignKey("tips.Tip", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    converted_at = models.DateTimeField(null=True, blank=True)
    # Set when erasure or retention blanked what the contact says about people (redalert.hotline.erasure); from then
    # on nothing more is recorded on it (redalert.hotline.rules).
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hotline contact")
        verbose_name_plural = _("hotline contacts")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["organisation", "started_at"], name="hotline_contact_org_started")]

    def __str__(self) -> str:
        return self.reference

    def answer(self, group: str, item: str) -> str:
        """The answer to one indicator: yes, no, or not asked (no answer stored)."""
        value = (self.indicators or {}).get(f"{group}:{item}")
        return value if value in (Answer.YES, Answer.NO) else Answer.NOT_ASKED

    @property
    def is_open(self) -> bool:
        return self.ended_at is None

    @property
    def danger_unhandled(self) -> bool:
        """Immediate danger was reported and no call to an authority is recorded yet."""
        return self.urgency == Urgency.DANGER and self.emergency_called_at is None


class ScriptPrompt(models.Model):
    """One prompt of the organisation's call script, shown on the desk in order. Edited by an administrator."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="hotline_prompts")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.TextField(_("prompt"), max_length=1000)
    is_active = models.BooleanField(_("shown on the desk"), default=True)

    class Meta:
        verbose_name = _("script prompt")
        verbose_name_plural = _("script prompts")
        ordering = ["organisation_id", "position", "id"]

    def __str__(self) -> str:
        return self.text[:60]
