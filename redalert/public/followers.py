"""What follows a change to a case on the public site, in the transaction of the change: its row in the public
listing (and the public version that makes every cached public page of it unreachable), and a queued purge of the
shared cache in front of the site (redalert.public.purging)."""

from __future__ import annotations

from redalert.accounts.models import User
from redalert.changes.announce import Change, Kind, follow
from redalert.consent.choices import Purpose
from redalert.public.listing import searched_fields_changed, sync_listing
from redalert.public.models import Publication
from redalert.public.purging import queue_case_purges
from redalert.public.services import end_publication_without_consent


def end_publications(changes: list[Change]) -> None:
    """A decision about publishing that leaves no consent ends the case's publication (before the listing syncs).

    Only cases published now can have a publication to end: they are found in one query (an import announces
    thousands of cases at once), and each actor is read once."""
    published = set(
        Publication.objects.filter(case_id__in={c.case_id for c in changes}, is_public=True).values_list(
            "case_id", flat=True
        )
    )
    actors: dict[int, User | None] = {}
    for change in changes:
        if change.case_id not in published:
            continue
        if change.actor_id and change.actor_id not in actors:
            actors[change.actor_id] = User.objects.filter(pk=change.actor_id).first()
        end_publication_without_consent(change.case_id, actors.get(change.actor_id) if change.actor_id else None)


def follow_public_changes(changes: list[Change]) -> None:
    """Changes that can show or hide a case re-sync it; an edit re-syncs it only if it is listed."""
    may_show_or_hide = {change.case_id for change in changes if change.kind != Kind.EDITED}
    sync_listing(may_show_or_hide)
    searched_fields_changed({change.case_id for change in changes} - may_show_or_hide)


follow(
    "public_listing",
    [Kind.CONSENT, Kind.PUBLICATION, Kind.STATUS, Kind.EDITED, Kind.IMPORTED, Kind.MERGED],
    follow_public_changes,
    in_transaction=True,
    purposes=[Purpose.PUBLISH],
    order=20,
)
follow(
    "publication_consent",
    [Kind.CONSENT, Kind.IMPORTED],
    end_publications,
    in_transaction=True,
    purposes=[Purpose.PUBLISH],
    order=15,  # after the current consent, before the listing
)
follow(
    "edge_purge",
    [Kind.CONSENT, Kind.PUBLICATION, Kind.STATUS, Kind.EDITED, Kind.OUTCOME, Kind.IMPORTED, Kind.MERGED],
    queue_case_purges,
    in_transaction=True,  # the purge is written with the change; it is sent after the commit (and by the workers)
    purposes=[Purpose.PUBLISH],
    order=30,  # after the listing
)
