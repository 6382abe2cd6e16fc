"""Rows of any section of a case file, made from the model's own fields (so that a section added tomorrow is filled
without changing these tests): required fields get a plain value of their type, a foreign key to a case the case,
to a user the user, to the organisation or a place the case's, and to any other model a row made the same way.

Rows are written through the plain manager, past save() overrides (immutable records refuse a second save, not a
first one; a few compute derived values, which these tests do not read)."""

from __future__ import annotations

import secrets
from datetime import date, time
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from redalert.accounts.models import Organisation
from redalert.cases.models import Case
from redalert.places.models import Place


def _value(field: models.Field[Any, Any], case: Case, user: Any, depth: int) -> Any:
    if field.choices:
        return field.choices[0][0] if not isinstance(field.choices[0][1], list | tuple) else field.choices[0][1][0][0]
    if isinstance(field, models.ForeignKey | models.OneToOneField):
        target = field.related_model
        if target is Case:
            return case
        if target._meta.label == settings.AUTH_USER_MODEL:
            return user
        if target is Organisation:
            return case.organisation
        if target is Place:
            return case.last_seen_place
        return make_row(target, case, user, depth + 1)
    if isinstance(field, models.FileField):
        return f"test/{secrets.token_hex(6)}.bin"
    if isinstance(field, models.DateTimeField):
        return timezone.now()
    if isinstance(field, models.DateField):
        return date(2026, 3, 5)
    if isinstance(field, models.TimeField):
        return time(10, 0)
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, models.DecimalField):
        return Decimal("1")
    if isinstance(field, models.FloatField):
        return 0.5
    if isinstance(field, models.IntegerField):
        return 1
    if isinstance(field, models.JSONField):
        return {}
    if isinstance(field, models.UUIDField):
        import uuid

        return uuid.uuid4()
    if isinstance(field, models.EmailField):
        return "x@example.org"
    text = secrets.token_hex(8)
    max_length = getattr(field, "max_length", None)
    return text[:max_length] if max_length else text


def make_row(model: type[models.Model], case: Case, user: Any, /, depth: int = 0, **values: Any) -> Any:
    """One row of `model` for `case` (its required fields filled), written past save()."""
    assert depth < 6, f"too deep making {model._meta.label}"
    data: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        if field.primary_key and isinstance(field, models.AutoField | models.BigAutoField):
            continue
        if field.name in values:
            data[field.name] = values[field.name]
            continue
        is_case = field.is_relation and field.related_model is Case
        required = not field.null and not field.has_default() and not getattr(field, "auto_now", False)
        required = required and not getattr(field, "auto_now_add", False)
        if is_case and not field.null:
            data[field.name] = case
        elif required or field.unique or (field.is_relation and not field.null):
            data[field.name] = _value(field, case, user, depth)
        if field.unique and not field.is_relation and isinstance(data.get(field.name), str):
            data[field.name] = secrets.token_hex(10)[: field.max_length or 20]
    row = model(**data)
    model._base_manager.bulk_create([row])  # type: ignore[attr-defined]
    if row.pk is None:  # backends that do not return keys from bulk_create
        row = model._base_manager.order_by("-pk").first()  # type: ignore[attr-defined]
    return row
