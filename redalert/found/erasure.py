"""The register's part of erasing a case's identity (called by redalert.retention.erasure, which stands above).

Rule: a person found who was identified as the case (`linked_case`, set when a candidate pair is confirmed) is the
same woman; when the case's identity is erased, what identifies her in the register goes too:
- the names or nicknames she gave, the physical description, distinguishing marks, clothing, how she was found (free
  text), the exact place (street, building, facility), the contact at the reporting institution, her height;
- her photos (rows and stored files);
- the place found is coarsened to the state, like the case's places.
What stays, for the counts: the reference, condition (alive or not), date found, approximate age range, sex, the
kind of reporter and the institution's name, the link to the case and the candidate pairs (scores and reason codes,
no personal data). People found who were only proposed for the case, or rejected, are someone else: untouched.

Written with queryset updates (no field history); encrypted values are replaced, so their ciphertext goes too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.files.storage import Storage

from redalert.found.models import FoundPerson, FoundPhoto
from redalert.places.coarse import state_level


@dataclass
class FoundErased:
    """How many records still held something and were blanked, and the stored files to delete after the commit."""

    count: int = 0
    files: list[tuple[Storage, str]] = field(default_factory=list)


PERSONAL_BLANK: dict[str, Any] = {
    "names": "",
    "physical_description": "",
    "distinguishing_marks": "",
    "clothing": "",
    "circumstances": "",
    "found_place_detail": "",
    "reporter_contact": "",
    "height_cm": None,
}


def erase_for_case(case: Any) -> FoundErased:
    """Blank the people found identified as the case; count those that still held something (a photo included)."""
    found = FoundPerson.objects.filter(linked_case=case)
    photos = FoundPhoto.objects.filter(found__in=found)
    files = [(p.image.storage, p.image.name) for p in photos if p.image and p.image.name]
    holding = set(
        found.exclude(
            names="",
            physical_description="",
            distinguishing_marks="",
            clothing="",
            circumstances="",
            found_place_detail="",
            reporter_contact="",
            height_cm__isnull=True,
        ).values_list("pk", flat=True)
    )
    holding |= set(photos.values_list("found_id", flat=True))
    photos.delete()
    for pk, place_id in found.values_list("pk", "found_place_id"):
        FoundPerson.objects.filter(pk=pk).update(**PERSONAL_BLANK, found_place_id=state_level(place_id))
    return FoundErased(len(holding), files)
