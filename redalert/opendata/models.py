from __future__ import annotations

from django.db import models
from django.db.models import F

from redalert.accounts.models import Organisation


class PublishedStatisticsVersion(models.Model):
    """A number that changes whenever a decision about "use in statistics" changes one of the organisation's
    cases: the key of its cached public statistics, so a withdrawal shows at the next request, in every process."""

    organisation = models.OneToOneField(Organisation, primary_key=True, on_delete=models.CASCADE, related_name="+")
    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.organisation_id}: v{self.version}"

    @classmethod
    def current(cls, organisation_id: int) -> int:
        return cls.objects.filter(organisation_id=organisation_id).values_list("version", flat=True).first() or 0

    @classmethod
    def renew(cls, organisation_ids: set[int]) -> None:
        for organisation_id in sorted(organisation_ids):
            if not cls.objects.filter(organisation_id=organisation_id).update(version=F("version") + 1):
                cls.objects.get_or_create(organisation_id=organisation_id, defaults={"version": 1})
