"""The erasure and expiry steps of the apps that stand above retention in the layers (hotline, conversations).

Retention may not import those apps, yet erasing a case must take her data out of them too, and the daily job
must apply the retention rule to what they hold that is linked to no case. Each app owns its steps and registers
them when it starts (its AppConfig.ready):

- `register_case_eraser(name, erase)`: `erase(case)` blanks what the app holds about the case, inside the
  transaction of `erasure.erase_case_identity`, and returns an `Erased` (rows changed, files to delete once the
  transaction committed). The count goes into the erasure's audit entry under `sections`.
- `register_expiry(name, days_field, expire)`: `expire(organisation, cutoff)` anonymises what the app holds that is
  linked to no case and older than `cutoff` (the start of the day `days_field` of the organisation's
  `RetentionPolicy` days ago), inside the daily job's transaction, and returns an `Erased`; the count goes into the
  job's result and audit entry under `name`. A second run finds nothing left to do and counts 0.

Steps write with queryset updates (no history of the old values) and count only rows that still held something.
This module imports no other app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.files.storage import Storage
from django.db import models


@dataclass
class FileRef:
    storage: Storage
    name: str


@dataclass
class Erased:
    """What a step did: how many rows still held personal data and were blanked, and the files to delete."""

    count: int = 0
    files: list[FileRef] = field(default_factory=list)


def stored_files(queryset: models.QuerySet[Any], field_name: str) -> list[FileRef]:
    """The stored files named by `field_name` of the rows (read before the rows stop naming them)."""
    refs = []
    for obj in queryset.exclude(**{field_name: ""}):
        stored = getattr(obj, field_name)
        if stored:
            refs.append(FileRef(stored.storage, stored.name))
    return refs


CaseEraser = Callable[[Any], Erased]
Expiry = Callable[[Any, datetime], Erased]


@dataclass(frozen=True)
class ExpiryRule:
    name: str
    days_field: str
    expire: Expiry


_CASE_ERASERS: dict[str, CaseEraser] = {}
_EXPIRIES: dict[str, ExpiryRule] = {}


def register_case_eraser(name: str, erase: CaseEraser) -> None:
    """Register an app's step of erasing a case (idempotent per name: the last registration holds)."""
    _CASE_ERASERS[name] = erase


def register_expiry(name: str, days_field: str, expire: Expiry) -> None:
    """Register an app's retention rule for what it holds that is linked to no case (idempotent per name)."""
    _EXPIRIES[name] = ExpiryRule(name, days_field, expire)


def case_erasers() -> dict[str, CaseEraser]:
    return dict(_CASE_ERASERS)


def expiry_rules() -> list[ExpiryRule]:
    return list(_EXPIRIES.values())
