"""erase_case_identity: nothing identifying is left in any row of the case, files are gone, counts stay."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import models

from redalert.audit.models import AuditEntry
from redalert.cases.models import Case
from redalert.public.exposure import public_cases
from redalert.public.models import Publication, PublicListing
from redalert.retention.erasure import erase_case_identity
from redalert.retention.models import ErasedCase
from redalert.retention.tests.conftest import SECRETS
from redalert.statistics.report import yearly_report
from redalert.statistics.scope import organisation_scope
from redalert.testing import assert_rebuilds_find_nothing, follow_changes

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField, models.FileField)


def related_rows(case: Case) -> list[models.Model]:
    """Every row that points at the case, directly or through one row that does (with their text decrypted)."""
    rows: list[models.Model] = [case]
    first: list[models.Model] = []
    for model in apps.get_models():
        if model is AuditEntry:
            continue
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is Case:
                first.extend(model._default_manager.filter(**{field.name: case}))
    rows.extend(first)
    by_model: dict[type[models.Model], list[Any]] = {}
    for row in first:
        by_model.setdefault(type(row), []).append(row.pk)
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model in by_model and field.related_model is not Case:
                rows.extend(
                    model._default_manager.filter(**{f"{field.name}__in": by_model[field.related_model]})  # type: ignore[index]
                )
    return rows


def leaks(case: Case) -> list[str]:
    found = []
    for row in related_rows(case):
        for field in row._meta.concrete_fields:
            if isinstance(field, TEXT_FIELDS) or field.get_internal_type() in ("TextField", "CharField"):
                value = str(getattr(row, field.attname) or "")
                found += [f"{row._meta.label}.{field.name}: {s}" for s in SECRETS if s.lower() in value.lower()]
    return found


def counts(org: Any) -> list[Any]:
    report = yearly_report(organisation_scope(org), 2026)
    return [
        (
            table.key,
            [(row.key, {k: (c.value, c.denominator, c.no_data) for k, c in row.cells.items()}) for row in table.rows],
        )
        for table in report.tables
    ]


def stored_files(case: Case) -> list[Path]:
    names = [case.photos.first().image.path, case.tips.first().photo.path, case.evidence.first().file.path]
    return [Path(n) for n in names]


def test_erasure_leaves_no_identity_no_files_and_the_same_counts(full_case: Any, coordinator: Any, org_a: Any) -> None:
    follow_changes()
    files = stored_files(full_case)
    assert all(f.exists() for f in files)
    assert leaks(full_case)  # the scan does see the data before
    assert full_case in public_cases()
    before = counts(org_a)

    assert erase_case_identity(full_case, coordinator) is True
    follow_changes()

    assert leaks(full_case) == []
    assert not any(f.exists() for f in files)
    assert not Publication.objects.get(case=full_case).is_public
    assert not PublicListing.objects.filter(case=full_case).exists()
    assert full_case not in public_cases()
    assert counts(org_a) == before
    assert_rebuilds_find_nothing()
    entry = AuditEntry.objects.filter(case_id=full_case.pk).order_by("-id").first()
    assert entry is not None and entry.detail["erased"] == "identity"
    assert not any(s.lower() in str(entry.detail).lower() for s in SECRETS)


def test_erasing_twice_does_nothing_more(full_case: Any, coordinator: Any) -> None:
    assert erase_case_identity(full_case, coordinator) is True
    entries = AuditEntry.objects.count()
    assert erase_case_identity(full_case, coordinator) is False
    assert AuditEntry.objects.count() == entries
    assert ErasedCase.objects.filter(case=full_case).count() == 1
