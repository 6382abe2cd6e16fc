"""The prevention and training register: the awareness, training and coordination activities an organisation runs.

Participant counts are nullable: empty means "not recorded", which the summaries keep apart from 0
(redalert.prevention.rules states how the counts must agree).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from redalert.accounts.models import Organisation
from redalert.places.models import Place, PlaceKind
from redalert.prevention.choices import AGE_COUNTS, SEX_COUNTS, ActivityType, AudienceKind, Reach
from redalert.prevention.rules import breakdown_errors, date_errors

NOT_RECORDED_HELP = _("Leave empty if not recorded; 0 means none.")


class Activity(models.Model):
    """One awareness, training or coordination activity, and the people it reached."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="prevention_activities")
    held_on = models.DateField(_("date"), help_text=_("The first day, for activities of several days."))
    ended_on = models.DateField(
        _("last day"), null=True, blank=True, help_text=_("Only for activities of several days.")
    )
    activity_type = models.CharField(_("type of activity"), max_length=24, choices=ActivityType.choices)
    theme = models.CharField(_("theme"), max_length=300, help_text=_("E.g. Detection and identification of victims."))
    audience = models.CharField(
        _("participants / institution"),
        max_length=300,
        blank=True,
        help_text=_("Who took part, e.g. State Attorney General's office, secondary school teachers."),
    )
    audience_kind = models.CharField(
        _("kind of audience"), max_length=16, choices=AudienceKind.choices, default=AudienceKind.UNKNOWN
    )
    place = models.ForeignKey(
        Place,
        verbose_name=_("place"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("State (or town, or country for national activities); empty if not recorded."),
    )
    reach = models.CharField(
        _("reach"),
        max_length=8,
        choices=Reach.choices,
        default=Reach.DIRECT,
        help_text=_(
            "Direct: in contact with the people (talks, workshops, trainings, meetings). "
            "Indirect: campaigns, information materials, media."
        ),
    )
    participants = models.PositiveIntegerField(
        _("participants / people reached"),
        null=True,
        blank=True,
        help_text=_("The total. For indirect activities, the estimated audience. Leave empty if not recorded."),
    )
    women = models.PositiveIntegerField(_("women"), null=True, blank=True, help_text=NOT_RECORDED_HELP)
    men = models.PositiveIntegerField(_("men"), null=True, blank=True, help_text=NOT_RECORDED_HELP)
    sex_other = models.PositiveIntegerField(
        _("other or sex not known"), null=True, blank=True, help_text=NOT_RECORDED_HELP
    )
    children = models.PositiveIntegerField(_("children (0–11)"), null=True, blank=True, help_text=NOT_RECORDED_HELP)
    adolescents = models.PositiveIntegerField(
        _("adolescents (12–17)"), null=True, blank=True, help_text=NOT_RECORDED_HELP
    )
    adults = models.PositiveIntegerField(_("adults (18 and over)"), null=True, blank=True, help_text=NOT_RECORDED_HELP)
    age_unknown = models.PositiveIntegerField(_("age not known"), null=True, blank=True, help_text=NOT_RECORDED_HELP)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("prevention activity")
        verbose_name_plural = _("prevention activities")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["organisation", "held_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("held_on")), name="prevention_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.held_on} {self.theme}"

    def counts(self) -> dict[str, int | None]:
        return {name: getattr(self, name) for name in (*SEX_COUNTS, *AGE_COUNTS)}

    def clean(self) -> None:
        errors = {**date_errors(self.held_on, self.ended_on), **breakdown_errors(self.participants, self.counts())}
        if errors:
            raise ValidationError(errors)

    @property
    def state(self) -> Place | None:
        """The first-level subdivision the activity took place in, where known."""
        if self.place is None:
            return None
        if self.place.kind == PlaceKind.SUBDIVISION:
            return self.place
        return self.place.subdivision if self.place.kind == PlaceKind.LOCALITY else None

    @property
    def country_code(self) -> str:
        """Where it took place; the organisation's country when the place was not recorded."""
        return self.place.country_code if self.place is not None else self.organisation.country

    @property
    def sex_not_recorded(self) -> int | None:
        """Participants whose sex group was not recorded (None when the total itself was not)."""
        return _remainder(self.participants, [getattr(self, n) for n in SEX_COUNTS])

    @property
    def age_not_recorded(self) -> int | None:
        return _remainder(self.participants, [getattr(self, n) for n in AGE_COUNTS])


def _remainder(total: int | None, parts: list[int | None]) -> int | None:
    if total is None:
        return None
    return max(total - sum(p for p in parts if p is not None), 0)
