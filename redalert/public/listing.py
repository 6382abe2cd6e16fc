"""The public listing: one row per case that public_cases() admits now, for fast public lists.

public_cases() decides; PublicListing is a copy of its answer with the columns the lists filter and sort on. The
copy follows the changes announced by the services (redalert.changes.announce), in the same transaction as the
change: publishing, unpublishing and editing what is shown, consent decisions about publishing, lifecycle
transitions, imports and merges re-sync the case; edits of the general sections re-sync it only if it is listed
(redalert.public.followers). rebuild_listing() recomputes it from scratch (`manage.py rebuild_public_listing`,
and the demo seeder).

Each sync takes the PublicVersion row lock first, so syncs of the public site run one after another and each sees
what the previous one committed; it renews the public version whenever the case is or was public, which makes
every cached public page in every process unreachable when the transaction commits.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from django.db import transaction

from redalert.cases.choices import CaseStatus
from redalert.lib.text import fold
from redalert.places.models import PlaceKind
from redalert.public.exposure import LOCATED, MISSING, public_cases
from redalert.public.models import PublicListing, PublicVersion, new_version

LISTED_FIELDS = (
    "organisation_id",
    "kind",
    "published_at",
    "name",
    "country_code",
    "state_code",
    "age",
    "last_seen_on",
)
CHUNK = 2000


@dataclass(frozen=True)
class SyncResult:
    added: int
    changed: int
    removed: int

    @property
    def total(self) -> int:
        return self.added + self.changed + self.removed


def computed_rows(case_ids: Collection[int] | None = None) -> dict[int, PublicListing]:
    """The listing rows that public_cases() implies now, for these cases (or for all)."""
    rows: dict[int, PublicListing] = {}
    chunks: Iterable[list[int] | None]
    if case_ids is None:
        chunks = [None]
    else:
        ids = sorted(case_ids)
        chunks = (ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK))
    for chunk in chunks:
        cases = public_cases() if chunk is None else public_cases().filter(pk__in=chunk)
        values = cases.values_list(
            "pk",
            "organisation_id",
            "status",
            "publication__published_at",
            "publication__show_age",
            "person__age_at_disappearance",
            "last_seen_on",
            "person__given_names",
            "person__first_surname",
            "person__second_surname",
            "last_seen_place__country_code",
            "last_seen_place__kind",
            "last_seen_place__code",
            "last_seen_place__subdivision__code",
        )
        for (
            pk,
            organisation_id,
            status,
            published_at,
            show_age,
            age,
            last_seen_on,
            given_names,
            first_surname,
            second_surname,
            country_code,
            place_kind,
            place_code,
            subdivision_code,
        ) in values.iterator(chunk_size=CHUNK):
            rows[pk] = PublicListing(
                case_id=pk,
                organisation_id=organisation_id,
                kind=MISSING if status == CaseStatus.ACTIVE_SEARCH else LOCATED,
                published_at=published_at,
                name=fold(" ".join(n for n in (given_names, first_surname, second_surname) if n)),
                country_code=country_code or "",
                state_code=(place_code if place_kind == PlaceKind.SUBDIVISION else subdivision_code) or "",
                age=age if show_age else None,
                last_seen_on=last_seen_on,
            )
    return rows


def _differs(stored: PublicListing, fresh: PublicListing) -> bool:
    return any(getattr(stored, name) != getattr(fresh, name) for name in LISTED_FIELDS)


def _apply(stored: dict[int, PublicListing], fresh: dict[int, PublicListing], *, renew_all: bool) -> SyncResult:
    """Write the difference. New and changed rows get a new version; with renew_all, every fresh row does (what
    is shown of a case can change without any listed column changing, e.g. its public summary)."""
    removed = sorted(stored.keys() - fresh.keys())
    added = [row for pk, row in fresh.items() if pk not in stored]
    changed = [row for pk, row in fresh.items() if pk in stored and _differs(stored[pk], row)]
    renewed = [row for pk, row in fresh.items() if pk in stored] if renew_all else changed
    version = new_version()
    renewing = {row.case_id for row in added} | {row.case_id for row in renewed}
    for pk, row in fresh.items():
        row.version = version if pk in renewing else stored[pk].version
    for i in range(0, len(removed), CHUNK):
        PublicListing.objects.filter(case_id__in=removed[i : i + CHUNK]).delete()
    PublicListing.objects.bulk_create(added, batch_size=CHUNK)
    fields = [name.removesuffix("_id") for name in (*LISTED_FIELDS, "version")]
    PublicListing.objects.bulk_update(renewed, fields, batch_size=CHUNK)
    return SyncResult(added=len(added), changed=len(changed), removed=len(removed))


def sync_listing(case_ids: Iterable[int]) -> bool:
    """Make the listing rows of these cases match public_cases() and, if any of them is or was public, renew their
    versions and the public version. Returns whether anything public was touched. Runs in the caller's
    transaction."""
    ids = sorted(set(case_ids))
    if not ids:
        return False
    with transaction.atomic():
        PublicVersion.lock()  # first: whatever committed before us is visible to the queries below
        stored = {row.case_id: row for row in PublicListing.objects.filter(case_id__in=ids)}
        fresh = computed_rows(ids)
        _apply(stored, fresh, renew_all=True)
        if stored or fresh:
            PublicVersion.bump()
            return True
    return False


def rebuild_listing() -> SyncResult:
    """Recompute the whole listing from public_cases(); running it again changes nothing."""
    with transaction.atomic():
        PublicVersion.lock()
        stored = {row.case_id: row for row in PublicListing.objects.all()}
        result = _apply(stored, computed_rows(), renew_all=False)
        if result.total:
            PublicVersion.bump()
    return result


def searched_fields_changed(case_ids: Iterable[int]) -> None:
    """After an edit of cases or their people: a listed case's name, age, place or date may have changed.

    Cases that are not listed are skipped (only publishing, consent and the lifecycle can list them).
    """
    listed = list(PublicListing.objects.filter(case_id__in=list(case_ids)).values_list("case_id", flat=True))
    if listed:
        sync_listing(listed)
