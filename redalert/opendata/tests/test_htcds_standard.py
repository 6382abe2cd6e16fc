"""The HTCDS export against the official HTCDS 2.0 field standard (IOM): every field name it writes is an HTCDS 2.0
field or carries the ext_ prefix, and every value it writes in an HTCDS picklist field is one of that picklist's values.

The standard is read from the IOM's own files in shared/standards/htcds/ beside the repository (never copied into
the project): the field names from the data-entry workbook ("HTCDS Excel Spreadsheet v2.0.xlsx", header row, read
with openpyxl) and from the field-standards sheet ("HTCDS Field Standards 2.0.ods", column "Field Name including
Prefix"), the picklist values from the same sheet (column "Value Names (if picklist)"; an .ods is a zip of XML, read
with the standard library). Without the folder the tests are skipped.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from redalert.accounts.models import OrganisationType
from redalert.care.choices import SupportPlanType
from redalert.care.models import Objective
from redalert.cases.choices import CaseStatus, Gender
from redalert.cases.models import Case
from redalert.investigation.choices import (
    MethodOfControl,
    MethodOfRecruitment,
    RelationshipToTrafficker,
    RoleInProcess,
    TraffickingStatus,
    TypeOfExploitation,
    TypeOfSexExploitation,
    WebsiteOrApp,
)
from redalert.investigation.models import LinkedPerson
from redalert.opendata.htcds import ExportPlan, csv_columns, htcds_record, json_record, stream_csv, stream_json
from redalert.opendata.tests.helpers import add_facts, statistics_consent

HTCDS = Path(__file__).resolve().parents[4] / "shared" / "standards" / "htcds"
WORKBOOK = HTCDS / "HTCDS Excel Spreadsheet v2.0.xlsx"
FIELD_STANDARDS = HTCDS / "HTCDS Field Standards 2.0.ods"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not (WORKBOOK.exists() and FIELD_STANDARDS.exists()), reason="the official HTCDS 2.0 files are not present"
    ),
]

TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


def _ods_rows(path: Path) -> Iterator[list[str]]:
    # The IOM's published file in shared/standards, not input from users.
    root = ElementTree.fromstring(zipfile.ZipFile(path).read("content.xml"))  # noqa: S314
    for row in root.iter(f"{{{TABLE}}}table-row"):
        cells: list[str] = []
        for cell in row.findall(f"{{{TABLE}}}table-cell"):
            repeated = min(int(cell.get(f"{{{TABLE}}}number-columns-repeated", "1")), 64)
            lines = ["".join(p.itertext()).strip() for p in cell.findall(f"{{{TEXT}}}p")]
            cells.extend(["\n".join(line for line in lines if line)] * repeated)
        yield cells


@cache
def standard() -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    """(every HTCDS 2.0 field name, {picklist field name: its value names})."""
    import openpyxl

    workbook = openpyxl.load_workbook(WORKBOOK, read_only=True)
    header = next(workbook.worksheets[0].iter_rows(min_row=1, max_row=1, values_only=True))
    names = {str(value).strip() for value in header if value}
    workbook.close()

    picklists: dict[str, frozenset[str]] = {}
    rows = _ods_rows(FIELD_STANDARDS)
    columns = next(rows)
    name_at = columns.index("Field Name including Prefix")
    type_at = columns.index("Field Type")
    values_at = columns.index("Value Names (if picklist)")
    for row in rows:
        if len(row) <= name_at or not row[name_at] or row[name_at] == "N/A":
            continue
        name = row[name_at]
        names.add(name)
        values = row[values_at] if len(row) > values_at else ""
        if "Picklist" in row[type_at] and values and not values.startswith("Use ISO"):
            picklists[name] = frozenset(v.strip() for v in values.split("\n") if v.strip())
    return frozenset(names), picklists


def test_the_standard_is_read() -> None:
    names, picklists = standard()
    assert {"prs_FirstName", "prs_SecondName", "cas_Status", "hte_Type", "spl_Type"} <= names
    assert "BoughtIndividual" in picklists["per_RoleInProcess"]
    assert "Unaquainted" in picklists["vic_RelationshipToTrafficker"]  # sic: the standard's spelling


def _not_standard(names: set[str]) -> set[str]:
    known, _ = standard()
    return {name for name in names if name not in known and not name.startswith("ext_")}


@pytest.fixture
def shared(case: Any, coordinator: Any, places: dict[str, Any]) -> Any:
    add_facts(case, coordinator, places)
    statistics_consent(case, coordinator)
    Objective.objects.create(case=case, area=SupportPlanType.HEALTH, objective="salud", recorded_by=coordinator)
    return case


def test_every_field_name_is_htcds_or_an_extension(shared: Any) -> None:
    """In JSON (records and their events) and in CSV, with and without identifiers."""
    emitted: set[str] = set()
    for identified in (False, True):
        plan = ExportPlan(
            case_ids=[shared.pk],
            identified_ids=frozenset({shared.pk} if identified else set()),
            with_identifiers=identified,
        )
        document = json.loads("".join(stream_json(plan, organisations=["A"])))
        for record in document["records"]:
            emitted |= set(record)
            for value in record.values():
                if isinstance(value, list) and value and isinstance(value[0], dict):
                    for item in value:
                        emitted |= set(item)
        emitted |= set(next(csv.reader(io.StringIO("".join(stream_csv(plan))))))
        emitted |= set(csv_columns(identified))
        emitted |= set(json_record(htcds_record(Case.objects.get(pk=shared.pk), identified=identified), identified))
    assert _not_standard(emitted) == set()


def _picklist_values(record: dict[str, Any], seen: dict[str, set[Any]]) -> None:
    _, picklists = standard()
    for name, value in record.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            for item in value:
                _picklist_values(item, seen)
        elif name in picklists and value is not None:
            seen.setdefault(name, set()).update(value if isinstance(value, list) else [value])


def test_every_picklist_value_is_htcds_or_an_extension(shared: Any, coordinator: Any) -> None:
    """Every value the project can store, through the export: each must be in the field's HTCDS picklist."""
    facts = shared.trafficking_facts
    facts.methods_of_recruitment = list(MethodOfRecruitment.values)
    facts.methods_of_control = list(MethodOfControl.values)
    facts.exploitation_types = list(TypeOfExploitation.values)
    facts.sex_exploitation_types = list(TypeOfSexExploitation.values)
    facts.websites_apps = list(WebsiteOrApp.values)
    facts.save()
    for role in RoleInProcess.values:
        LinkedPerson.objects.create(case=shared, link="suspect", name="x", role_in_process=role, created_by=coordinator)
    for area in SupportPlanType.values:
        Objective.objects.create(case=shared, area=area, objective="o", recorded_by=coordinator)

    seen: dict[str, set[Any]] = {}
    variants = (
        [("trafficking_status", v) for v in TraffickingStatus.values]
        + [("relationship_to_trafficker", v) for v in RelationshipToTrafficker.values]
        + [("gender", v) for v in Gender.values]
        + [("status", v) for v in CaseStatus.values]
        + [("kind", v) for v in OrganisationType.values]
    )
    for what, value in variants:
        if what in ("trafficking_status", "relationship_to_trafficker"):
            setattr(facts, what, value)
            facts.save()
        elif what == "gender":
            shared.person.gender = value
            shared.person.save()
        elif what == "status":
            Case.objects.filter(pk=shared.pk).update(status=value)
        else:
            shared.organisation.kind = value
            shared.organisation.save()
        case = Case.objects.get(pk=shared.pk)
        for identified in (False, True):
            _picklist_values(json_record(htcds_record(case, identified=identified), identified), seen)

    _, picklists = standard()
    outside = {
        name: sorted(v for v in values if v not in picklists[name] and not str(v).startswith("ext_"))
        for name, values in seen.items()
    }
    assert {name: values for name, values in outside.items() if values} == {}
    # Every role the project records (but "not known" and "not applicable") reaches the standard's role names.
    assert {"BoughtIndividual", "SoldIndividual", "TransferredIndividual", "RecruiterOrIntermediary"} <= seen[
        "per_RoleInProcess"
    ]
    assert "Unaquainted" in seen["vic_RelationshipToTrafficker"]
