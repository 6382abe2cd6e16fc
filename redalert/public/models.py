from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from redalert.accounts.models import Organisation
from redalert.cases.models import Case, Photo
from redalert.public.compiled import run

SITE_KEY = "ra"  # redalert.public.edge.SITE: every public answer a shared cache keeps


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

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save; the organisation's case pages show the contact line, so their cached copies must be drawn again."""
        with transaction.atomic():
            super().save(*args, **kwargs)
            PublicVersion.lock()
            PublicListing.objects.filter(organisation_id=self.organisation_id).update(version=new_version())
            PublicVersion.bump()
            # The shared cache in front of the site forgets every public answer (the contact line is on each).
            from redalert.public.purging import queue_purge  # purging imports this module

            queue_purge([SITE_KEY])


class PublicListing(models.Model):
    """One row per case that public_cases() admits now: what the public lists filter, count and sort on.

    A copy kept in step by redalert.public.listing.sync_listing(), called in the same transaction as every change
    that can show or hide a case (publication, consent to publish, status) or change what is filtered on; the
    `rebuild_public_listing` command recomputes it from scratch. The lists never trust it alone: the cases of the
    page shown are read again through public_cases(), so a row left behind by a missed update shows nothing.
    """

    case = models.OneToOneField(Case, primary_key=True, on_delete=models.CASCADE, related_name="public_listing")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8)  # redalert.public.exposure.MISSING or LOCATED
    published_at = models.DateTimeField(null=True)
    name = models.CharField(max_length=400)  # the public name, folded (no aliases: they are not public)
    country_code = models.CharField(max_length=2, blank=True)
    state_code = models.CharField(max_length=20, blank=True)  # the first-level subdivision last seen in, if known
    age = models.PositiveSmallIntegerField(null=True)  # only where the publication shows the age
    last_seen_on = models.DateField()
    # Renewed whenever anything shown of this case may have changed: cached cards and case pages are keyed by it.
    version = models.CharField(max_length=32)

    class Meta:
        indexes = [
            models.Index(fields=["kind", "-published_at", "-case"], name="listing_newest"),
            models.Index(fields=["kind", "country_code", "-published_at", "-case"], name="listing_country"),
            models.Index(fields=["kind", "state_code", "-published_at", "-case"], name="listing_state"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} ({self.kind})"


def new_version() -> str:
    return secrets.token_hex(16)


class PublicVersion(models.Model):
    """A single row whose token changes, in the same transaction, with anything the public pages show.

    Cached public pages are keyed by it: every web process reads it from the database on each request, so a change
    committed by any process makes every cached copy unreachable at once. A random token (not a counter) never
    repeats, even after a database restore or a rolled-back test.
    """

    ROW = 1
    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.token

    @classmethod
    def current(cls) -> str:
        rows = run("public-version", lambda: cls.objects.filter(pk=cls.ROW).values_list("token"), [])
        token = rows[0][0] if rows else None
        if token is None:
            row, _created = cls.objects.get_or_create(
                pk=cls.ROW, defaults={"token": new_version(), "changed_at": timezone.now()}
            )
            token = row.token
        return token

    @classmethod
    def lock(cls) -> None:
        """Wait for every other transaction that is changing the public site; hold them off until commit."""
        if not list(cls.objects.select_for_update().filter(pk=cls.ROW).values_list("pk", flat=True)):
            cls.current()
            list(cls.objects.select_for_update().filter(pk=cls.ROW).values_list("pk", flat=True))

    @classmethod
    def bump(cls) -> None:
        """A new token, visible to every process when the surrounding transaction commits."""
        token, now = new_version(), timezone.now()
        if not cls.objects.filter(pk=cls.ROW).update(token=token, changed_at=now):
            cls.objects.update_or_create(pk=cls.ROW, defaults={"token": token, "changed_at": now})


class PendingPurge(models.Model):
    """Surrogate keys the shared cache must forget (redalert.public.purging), written in the transaction of the
    change: a purge survives a crash between the commit and the send. Sent right after the commit and by the
    workers; a failed send is retried with a growing delay; a sent purge is sent once more after
    EDGE_PURGE_REPEAT_SECONDS (a page drawn from data read just before the commit may reach the cache just after
    the first purge), then deleted."""

    keys = models.TextField()  # space separated (redalert.public.edge: "ra-lists ra-c-<public_id> …")
    created_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(default=timezone.now, db_index=True)
    attempts = models.PositiveIntegerField(default=0)  # failed sends so far
    repeats_left = models.PositiveSmallIntegerField(default=1)
    last_error = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return self.keys[:80]
