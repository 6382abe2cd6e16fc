"""Cursor pagination: a page ends with an opaque cursor naming its last row (time and id), so pages never overlap
or skip rows when cases are added meanwhile, and page 2,000 costs what page 1 does (an index range, no OFFSET)."""

from __future__ import annotations

import base64
from datetime import datetime

from django.db.models import Q
from django.utils.translation import gettext as _

from redalert.api.problems import ApiProblem

PAGE_SIZE = 50


def encode(at: datetime, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{pk}".encode()).decode().rstrip("=")


def decode(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, pk = raw.split("|")
        moment, number = datetime.fromisoformat(at), int(pk)
        if moment.tzinfo is None or not 0 < number < 2**62:
            raise ValueError
    except (ValueError, UnicodeDecodeError):
        raise ApiProblem(
            400, "bad-cursor", _("The cursor is not valid."), _("Use the next_cursor of the previous page.")
        ) from None
    return moment, number


def after(cursor: str, field: str) -> Q:
    """Rows after the cursor in the order (-field, -id). The redundant `field <= at` lets PostgreSQL walk the
    index (organisation, field DESC) from the cursor on, instead of filtering the OR row by row."""
    at, pk = decode(cursor)
    return Q(**{f"{field}__lte": at}) & (Q(**{f"{field}__lt": at}) | Q(**{field: at, "pk__lt": pk}))
