"""Coalition matching: encodings of consenting cases, and the pairs across member organisations (issue 15).

- `CoalitionEncoding`: one case's keyed Bloom-filter encoding (redalert.coalition.encoding), kept only while the
  case is open in a coalition member and its family's current consent to "refer to a partner organisation" is
  granted (redalert.coalition.index keeps it current in the announcing transaction). Never a name, never the key.
- `CoalitionToken`: its keyed blocking tokens (a case is compared only with those sharing one).
- `CoalitionMatch`: two cases of two member organisations whose encodings are alike. Each side sees the score and
  its own case only, until both coordinators accept the contact handshake; a declined pair is never proposed again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from redalert.accounts.models import Organisation
from redalert.cases.models import Case


class CoalitionEncoding(models.Model):
    case = models.OneToOneField(Case, primary_key=True, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    bits = models.BinaryField()  # 128 bytes: the 1,024-bit filter
    ones = models.PositiveSmallIntegerField()  # bits set (all fields; how full the filter is)
    key_check = models.CharField(max_length=16)  # derived from the key (a changed key is noticed); not the key
    computed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"encoding of case {self.case_id}"


class CoalitionToken(models.Model):
    encoding = models.ForeignKey(CoalitionEncoding, on_delete=models.CASCADE, related_name="tokens")
    token = models.BigIntegerField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["encoding", "token"], name="coalition_token_once")]

    def __str__(self) -> str:
        return f"{self.encoding_id}:{self.token}"


class MatchStatus(models.TextChoices):
    PROPOSED = "proposed", _("Waiting for both coordinators")
    CONFIRMED = "confirmed", _("Both accepted contact")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("No longer shared")


class CoalitionMatch(models.Model):
    """Two cases of two member organisations that may be the same person; `case_a` is the lower id."""

    case_a = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    case_b = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    organisation_a = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    organisation_b = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("score"))
    status = models.CharField(max_length=10, choices=MatchStatus.choices, default=MatchStatus.PROPOSED, db_index=True)
    found_at = models.DateTimeField(default=timezone.now)
    accepted_a_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_a_at = models.DateTimeField(null=True, blank=True)
    accepted_b_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_b_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    declined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    declined_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("coalition match")
        verbose_name_plural = _("coalition matches")
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case_a", "case_b"], name="coalition_one_row_per_pair"),
            models.CheckConstraint(condition=Q(case_a__lt=F("case_b")), name="coalition_pair_ordered"),
            models.CheckConstraint(
                condition=~Q(organisation_a=F("organisation_b")), name="coalition_two_organisations"
            ),
        ]
        indexes = [
            models.Index(fields=["organisation_a", "status"], name="coalition_match_a"),
            models.Index(fields=["organisation_b", "status"], name="coalition_match_b"),
        ]

    def __str__(self) -> str:
        return f"{self.case_a_id}~{self.case_b_id} ({self.status}, {self.score:.2f})"

    def side(self, organisation_id: int | None) -> str:
        """ "a" or "b": the viewer's side of the pair ("" if her organisation is on neither)."""
        if organisation_id == self.organisation_a_id:
            return "a"
        if organisation_id == self.organisation_b_id:
            return "b"
        return ""
