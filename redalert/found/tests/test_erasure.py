"""Erasing a case's identity reaches the register: the person found identified as the case loses what identifies
her (names, descriptions, exact place, the institution's contact, height, photos; the place coarsened to the state),
read from the database rows (ciphertext columns included); people found for another case, or not identified, keep
everything."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.db import connection
from PIL import Image

from redalert.audit.models import AuditEntry
from redalert.cases.photos import clean_photo
from redalert.found import services
from redalert.found.models import Candidate, FoundPerson, FoundPhoto
from redalert.retention.erasure import erase_case_identity
from redalert.retention.registry import case_erasers

PERSONAL = (
    "names",
    "physical_description",
    "distinguishing_marks",
    "clothing",
    "circumstances",
    "found_place_detail",
    "reporter_contact",
)


def raw(pk: int) -> dict[str, Any]:
    """The stored columns (ciphertext for the encrypted ones), read past the ORM."""
    columns = (*PERSONAL, "height_cm", "found_place_id", "age_min", "age_max", "sex", "found_on", "linked_case_id")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM found_foundperson WHERE id = %s", [pk])  # noqa: S608
        return dict(zip(columns, cursor.fetchone(), strict=True))


def photo_of(found: FoundPerson, by: Any) -> Path:
    out = io.BytesIO()
    Image.new("RGB", (40, 40), (200, 30, 30)).save(out, "JPEG")
    data = out.getvalue()
    stored = services.add_photo(found, clean_photo(io.BytesIO(data), len(data)), actor=by)
    return Path(stored.image.path)


def test_the_register_has_its_erasure_step() -> None:
    assert "found_people" in case_erasers()


def test_erasing_a_case_blanks_the_person_found_identified_as_her_and_nothing_else(
    searched_case: Any,
    coordinator: Any,
    make_found: Any,
    make_case: Any,
    org_a: Any,
    places: dict[str, Any],
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path)
    found = make_found(coordinator, height_cm=158, circumstances="La trajo la policía municipal.")
    services.confirm(Candidate.objects.get(found=found, case=searched_case), how="authorities", actor=coordinator)
    her_photo = photo_of(found, coordinator)
    other_case = make_case(org_a, coordinator, given_names="Ana")
    someone_else = make_found(coordinator, names="La Güera", height_cm=160)
    FoundPerson.objects.filter(pk=someone_else.pk).update(linked_case=other_case)
    their_photo = photo_of(someone_else, coordinator)
    not_identified = make_found(coordinator, names="Paty", found_place_detail="Hospital general, cama 4")
    before_other = raw(someone_else.pk)
    before_open = raw(not_identified.pk)
    assert her_photo.exists() and "Mafer" not in str(raw(found.pk)["names"])  # stored encrypted

    assert erase_case_identity(searched_case, coordinator) is True

    stored = raw(found.pk)
    assert all(stored[column] == "" for column in PERSONAL), stored
    assert stored["height_cm"] is None
    assert stored["found_place_id"] == places["qro"].pk  # the city coarsened to the state
    # What counts stays: the age range, sex, date found, the link to the case.
    assert (stored["age_min"], stored["age_max"], stored["sex"]) == (16, 19, "female")
    assert stored["linked_case_id"] == searched_case.pk
    assert not FoundPhoto.objects.filter(found=found).exists() and not her_photo.exists()

    assert raw(someone_else.pk) == before_other and raw(not_identified.pk) == before_open
    assert FoundPhoto.objects.filter(found=someone_else).exists() and their_photo.exists()
    someone_else.refresh_from_db()
    assert someone_else.names == "La Güera"

    entry = AuditEntry.objects.filter(case_id=searched_case.pk, detail__erased="identity").get()
    assert entry.detail["sections"]["found_people"] == 1
    assert "Mafer" not in str(entry.detail)
