"""What the maps count: one narrow row per case and one per route leg, kept beside the case file.

The maps group a million cases in a fraction of a second by reading these rows through covering indexes instead of
joining the case, the person, the trafficking facts, the consent and the gazetteer on every request. They hold no
names, no free text and no private coordinates: only the codes the maps filter on and the public gazetteer place
(whose state and H3 cells the maps look up per place, see redalert.maps.places). `redalert.maps.facts` derives
them from the case file (one place) and keeps them current; see its docstring.
"""

from __future__ import annotations

from django.db import models

from redalert.accounts.models import Organisation
from redalert.cases.models import Case
from redalert.places.models import Place

# The columns every map filter reads, in the order of the covering indexes.
FILTER_COLUMNS = ["year", "sex", "age", "exploitation"]


class CaseMapFact(models.Model):
    """One case as the maps see it."""

    case = models.OneToOneField(Case, primary_key=True, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(help_text="Year she was last seen.")
    sex = models.CharField(max_length=10)
    age = models.PositiveSmallIntegerField(null=True, help_text="Age when last seen; null when not known.")
    exploitation = models.IntegerField(
        default=0, help_text="Types of exploitation as bits (redalert.maps.filters.EXPLOITATION_BITS); 0: not recorded."
    )
    statistics = models.BooleanField(
        default=False, help_text="Whether the current consent to use in statistics is granted (coalition maps)."
    )
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+", help_text="Gazetteer place last seen.")

    class Meta:
        indexes = [
            # Index-only scans: an organisation's map, and the coalition's (consenting cases), by year first.
            models.Index(fields=["organisation", *FILTER_COLUMNS, "place"], name="maps_fact_by_org"),
            models.Index(fields=["statistics", *FILTER_COLUMNS, "organisation", "place"], name="maps_fact_by_consent"),
        ]

    def __str__(self) -> str:
        return f"map fact of case {self.case_id}"


class RouteFact(models.Model):
    """One leg of a case's trafficking route as the maps draw it, from an area to an area: a state/department
    code ("MX-QUE") where known, else a country code ("MX"). It repeats the case's filter columns, so that routes
    are counted without a join."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    sex = models.CharField(max_length=10)
    age = models.PositiveSmallIntegerField(null=True)
    exploitation = models.IntegerField(default=0)
    statistics = models.BooleanField(default=False)
    origin = models.CharField(max_length=8)
    destination = models.CharField(max_length=8)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "origin", "destination"], name="maps_one_route_leg_per_case")
        ]
        indexes = [
            models.Index(fields=["organisation", "year"], name="maps_route_by_org"),
            models.Index(fields=["statistics", "year"], name="maps_route_by_consent"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.origin} → {self.destination}"


class MapState(models.Model):
    """One row: how far the map rows have been brought up to date, and a version that changes whenever they do
    (the key of the cached counts, so that no process serves counts older than the rows)."""

    last_case_id = models.BigIntegerField(default=0, help_text="Highest case id derived.")
    last_consent_id = models.BigIntegerField(default=0, help_text="Highest consent record to statistics applied.")
    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"map rows v{self.version} (cases ≤ {self.last_case_id}, consents ≤ {self.last_consent_id})"
