"""Exports as the application runs them: who asked, which cases, and the audit entry written before any data leaves.

Every export writes one audit entry (action "export") saying who, when, which export, in which format, how many
records and, for exports with identifiers, how many records carry them and which cases those are.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from redalert.accounts.models import Organisation
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.cases.models import Case
from redalert.lib.replica import reading_from_replica
from redalert.opendata import htcds, permissions
from redalert.opendata.config import max_suppressed_share, publication_k
from redalert.opendata.ctdc import OpenDataFile, build_open_data

FORMATS = ("json", "csv")


@dataclass(frozen=True)
class Download:
    filename: str
    content_type: str
    chunks: Iterator[str]
    records: int


def htcds_export(user: Any, *, fmt: str, with_identifiers: bool, request: HttpRequest | None = None) -> Download:
    """The HTCDS export of the user's organisation, audited. Identifiers need the coordinator role (else 404)."""
    permissions.require_export(user)
    if with_identifiers and not permissions.may_export_identifiers(user):
        raise Http404("No such page.")
    if fmt not in FORMATS:
        raise ValueError(f"Unknown format: {fmt}")
    with reading_from_replica():  # which cases (consent decided on the primary); the stream itself reads the primary
        plan = htcds.plan_export(permissions.exportable_cases(user), with_identifiers=with_identifiers)
    detail: dict[str, Any] = {
        "export": "htcds",
        "format": fmt,
        "identifiers": with_identifiers,
        "records": plan.records,
    }
    if with_identifiers:
        detail["records_with_identifiers"] = len(plan.identified_ids)
        detail["identified_case_ids"] = sorted(plan.identified_ids)
    audit_record(user, AuditAction.EXPORT, None, request=request, detail=detail)
    organisation = user.organisation
    stamp = "identified" if with_identifiers else "pseudonymous"
    filename = f"htcds-{organisation.code}-{stamp}.{fmt}"
    if fmt == "json":
        chunks = htcds.stream_json(plan, organisations=[organisation.code])
        return Download(filename, "application/json; charset=utf-8", chunks, plan.records)
    return Download(filename, "text/csv; charset=utf-8", htcds.stream_csv(plan), plan.records)


def open_data_file(cases: QuerySet[Case], *, k: int | None = None) -> OpenDataFile:
    """The k-anonymised open-data file of these cases, with k at least 11."""
    with reading_from_replica():
        return build_open_data(cases, k=publication_k(k), max_suppressed_share=max_suppressed_share())


def audit_open_data(
    actor: Any,
    built: OpenDataFile,
    *,
    organisation: Organisation | None,
    request: HttpRequest | None = None,
    action: str = AuditAction.EXPORT,
) -> None:
    audit_record(
        actor,
        action,
        None,
        request=request,
        organisation_id=organisation.pk if organisation is not None else None,
        detail={
            "export": "open_data_ctdc",
            "scope": organisation.code if organisation is not None else "coalition",
            "k": built.anonymisation.k,
            "records_considered": built.records_considered,
            "records_published": built.records_published,
            "records_suppressed": built.records_suppressed,
            "levels": built.anonymisation.levels,
        },
    )


def coalition_cases() -> QuerySet[Case]:
    return Case.objects.filter(organisation__coalition_member=True, merged_into__isnull=True)  # merged: counted once
