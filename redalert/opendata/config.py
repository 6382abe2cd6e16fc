"""Settings of data sharing and disclosure control, read in one place.

- DISCLOSURE_K (default 11, as CTDC uses): the smallest number of people a published cell or a published
  combination of quasi-identifiers may describe. Publication never goes below 11, whatever the setting says.
- OPENDATA_MAX_SUPPRESSED_SHARE (default 0.05): the share of records the k-anonymiser may drop instead of
  generalising further.
- OPENDATA_PSEUDONYM_KEY (optional): the secret of the pseudonymous case ids of the HTCDS export; without it the
  key is derived from SECRET_KEY, so rotating SECRET_KEY changes every pseudonym (re-exports stop linking).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PUBLICATION_MIN_K = 11


def publication_k(requested: int | None = None) -> int:
    """The k for anything published: the request or the setting, refused below 11."""
    k = requested if requested is not None else int(getattr(settings, "DISCLOSURE_K", PUBLICATION_MIN_K))
    if k < PUBLICATION_MIN_K:
        if requested is None:
            raise ImproperlyConfigured(f"DISCLOSURE_K must be at least {PUBLICATION_MIN_K}.")
        raise ValueError(f"k must be at least {PUBLICATION_MIN_K} for anything that is published.")
    return k


def max_suppressed_share() -> float:
    share = float(getattr(settings, "OPENDATA_MAX_SUPPRESSED_SHARE", 0.05))
    if not 0 <= share <= 1:
        raise ImproperlyConfigured("OPENDATA_MAX_SUPPRESSED_SHARE must be between 0 and 1.")
    return share


def pseudonym_secret() -> str:
    return str(getattr(settings, "OPENDATA_PSEUDONYM_KEY", "") or settings.SECRET_KEY)
