"""Atom feed of the women and girls searched for: /feeds/se-busca.atom.

Entries come from missing_cases() and their text from exposure() only: what the publication hides never appears.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from redalert.accounts.middleware import public
from redalert.public import edge
from redalert.public.exposure import (
    MISSING,
    PublicCase,
    exposure,
    missing_cases,
    public_contacts,
    with_public_relations,
)
from redalert.public.models import PublicListing

FEED_SIZE = 50


def feed_cases(limit: int = FEED_SIZE) -> list[PublicCase]:
    """The public missing cases, newest published first; one contact-line lookup per organisation.

    The public listing gives the order; the cases are read again through missing_cases() (consent re-checked).
    """
    newest = list(
        PublicListing.objects.filter(kind=MISSING)
        .order_by("-published_at", "-case_id")
        .values_list("case_id", flat=True)[:limit]
    )
    by_id = {case.pk: case for case in with_public_relations(missing_cases()).filter(pk__in=newest)}
    contacts = public_contacts({case.organisation_id for case in by_id.values()})
    return [exposure(by_id[pk], contact=contacts[by_id[pk].organisation_id]) for pk in newest if pk in by_id]


def entry_summary(case: PublicCase) -> str:
    facts = {"age": case.age, "date": date_format(case.last_seen_on, "DATE_FORMAT"), "place": case.place_label}
    if case.age is None:
        return _("Last seen on %(date)s in %(place)s.") % facts
    return _("%(age)s years old. Last seen on %(date)s in %(place)s.") % facts


@public
class MissingFeed(Feed):
    """Marked @public on the class: urls.py mounts an instance, and the middleware reads the attribute from it."""

    feed_type = Atom1Feed

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().__call__(request, *args, **kwargs)
        # Withdrawal of consent must take an entry down at once: kept only by a shared cache that is purged.
        edge.shareable(request, response, edge.LIST_KEYS, otherwise="no-cache")
        return response

    def title(self) -> str:
        return _("Looking for")

    def subtitle(self) -> str:
        return _("Women and girls searched for, published with the consent of their families.")

    def link(self) -> str:
        return reverse("public:missing")

    def feed_url(self) -> str:
        return reverse("public:feed")

    def items(self) -> list[PublicCase]:
        return feed_cases(FEED_SIZE)

    def item_title(self, item: PublicCase) -> str:
        return _("LOOKING FOR: %(name)s") % {"name": item.full_name}

    def item_description(self, item: PublicCase) -> str:
        return entry_summary(item)

    def item_link(self, item: PublicCase) -> str:
        return reverse("public:case", args=[item.public_id])

    def item_pubdate(self, item: PublicCase) -> datetime | None:
        return item.published_at

    def item_updateddate(self, item: PublicCase) -> datetime:
        return item.updated_at

    def item_author_name(self, item: PublicCase) -> str:
        return item.contact.organisation
