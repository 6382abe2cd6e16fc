from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from redalert.accounts.models import Organisation
from redalert.cases.models import Case, Photo


def new_public_id() -> str:
    """The case's id on public URLs: random, so public links reveal nothing about internal numbering."""
    return secrets.token_urlsafe(8).replace("-", "x").replace("_", "y").lower()


class Publication(models.Model):
    """What staff chose to show of a case on the public site.

    Being marked public is not enough to appear anywhere: redalert.public.exposure.public_cases() also requires a
    current consent to publish and a case status that can be shown. Withdrawal of consent hides the case from
    every public output at the next request, without anyone touching this row.
    """

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="publication")
    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    is_public = models.BooleanField(_("shown on the public site"), default=False, db_index=True)
    photo = models.ForeignKey(
        Photo, verbose_name=_("photo to publish"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    show_age = models.BooleanField(_("show her age"), default=True)
    show_physical_description = models.BooleanField(_("show the physical description"), default=True)
    show_distinguishing_marks = models.BooleanField(_("show distinguishing marks"), default=True)
    show_clothing = models.BooleanField(_("show the clothing when last seen"), default=True)
    public_summary = models.TextField(
        _("text for the public"),
        blank=True,
        max_length=1000,
        help_text=_("Written for the public page and bulletin. No addresses, phones or names of other people."),
    )
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        indexes = [
            # The public lists walk this index newest first and stop after a page.
            models.Index(fields=["-published_at", "case"], condition=models.Q(is_public=True), name="public_newest")
        ]

    def __str__(self) -> str:
        return f"{self.case} ({self.public_id})"


class PublicText(models.Model):
    """An organisation's public texts in one language, edited by its public-site editors."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="public_texts")
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    about = models.TextField(_("about the organisation"), blank=True, max_length=5000)
    contact_line = models.CharField(
        _("contact line"), max_length=200, blank=True, help_text=_("Shown on every public page and bulletin.")
    )
    hotline = models.CharField(_("hotline number"), max_length=40, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("public text")
        verbose_name_plural = _("public texts")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "language"], name="one_public_text_per_language")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} [{self.language}]"
