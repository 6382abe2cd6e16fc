"""Unknown is not zero: an empty cell stays "not known"; "no" and "0" are answers."""

from __future__ import annotations

from decimal import Decimal

from redalert.care.models import Service
from redalert.cases.choices import Gender, Sex, YesNoUnknown
from redalert.cases.models import Case
from redalert.consent.choices import Purpose
from redalert.consent.models import ConsentRecord
from redalert.imports.tests.conftest import csv_bytes, row
from redalert.investigation.choices import NOT_KNOWN, TraffickingStatus
from redalert.investigation.models import TraffickingEvent, TraffickingFacts
from redalert.legal.models import Proceeding

ALL_EMPTY = {
    "report_channel": "",
    "given_names": "",
    "sex": "",
    "gender": "",
    "birth_date": "",
    "age_at_disappearance": "",
    "nationalities": "",
    "ethnicity": "",
    "indigenous": "",
    "trafficking_status": "",
    "type_of_exploitation": "",
    "organised_crime": "",
    "recruitment_places": "",
    "legal_representation": "",
    "complaint_filed_on": "",
    "consent_statistics": "",
    "service_1_type": "",
    "service_1_on": "",
    "service_1_cost": "",
    "service_1_currency": "",
}


def test_empty_cells_stay_unknown(run_import):
    job = run_import(csv_bytes([row(**ALL_EMPTY)]))
    assert job.status == "done"
    case = Case.objects.get()
    person = case.person
    assert person.sex == Sex.UNKNOWN
    assert person.gender == Gender.UNKNOWN
    assert person.birth_date is None and person.estimated_age is None and person.age_at_disappearance is None
    assert person.nationalities == []
    assert person.indigenous == YesNoUnknown.UNKNOWN
    assert case.report_channel == ""  # not recorded: the model has no "not known" channel
    assert not TraffickingFacts.objects.exists()  # no facts row: "not recorded"
    assert not TraffickingEvent.objects.exists()
    assert not Proceeding.objects.exists()
    assert not ConsentRecord.objects.exists()  # an unknown consent records nothing (not a refusal)
    assert not Service.objects.exists()


def test_no_and_zero_are_answers(run_import):
    data = csv_bytes(
        [
            row(
                case_reference="A",
                indigenous="no",
                organised_crime="0",
                age_at_disappearance="0",
                service_1_type="medical",
                service_1_on="2019-03-10",
                service_1_cost="0",
                service_1_currency="MXN",
            ),
            row(case_reference="B", organised_crime="no", legal_representation="no", consent_statistics="refused"),
            row(case_reference="C", organised_crime="", trafficking_status="PossibleVictimOfTrafficking"),
            row(
                case_reference="D",
                type_of_exploitation="no se sabe",
                service_1_type="medical",
                service_1_on="2019-03-10",
            ),
        ]
    )
    job = run_import(data)
    assert job.status == "done"
    a, b, c, d = (Case.objects.get(imported__source_reference=ref) for ref in "ABCD")
    assert a.person.indigenous == YesNoUnknown.NO
    assert a.person.estimated_age == 0 and a.person.age_at_disappearance == 0
    assert a.trafficking_facts.organised_crime == YesNoUnknown.NO
    assert Service.objects.get(case=a).cost == Decimal("0.00")
    assert b.trafficking_facts.organised_crime == YesNoUnknown.NO
    assert ConsentRecord.objects.get(case=b, purpose=Purpose.LEGAL_REPRESENTATION).decision == "refused"
    assert ConsentRecord.objects.get(case=b, purpose=Purpose.STATISTICS).decision == "refused"
    # organised crime left empty next to another fact: unknown, not "no"
    assert c.trafficking_facts.organised_crime == YesNoUnknown.UNKNOWN
    assert c.trafficking_facts.trafficking_status == TraffickingStatus.POSSIBLE
    assert c.trafficking_facts.exploitation_types == []  # not recorded
    assert d.trafficking_facts.exploitation_types == [NOT_KNOWN]  # recorded as not known
    assert Service.objects.get(case=d).cost is None  # cost not known, distinct from 0


def test_labels_in_english_and_spanish_are_read_case_and_accent_insensitively(run_import):
    data = csv_bytes(
        [
            row(
                case_reference="A",
                sex="MUJER",
                gender="femenino",
                indigenous="Sí",
                organised_crime="Yes",
                type_of_exploitation="explotacion sexual; Forced Labour",
                report_channel="Familia",
                nationalities="México; gtm",
            ),
        ]
    )
    job = run_import(data)
    assert job.status == "done"
    case = Case.objects.get()
    assert case.person.sex == Sex.FEMALE
    assert case.person.gender == Gender.FEMININE
    assert case.person.indigenous == YesNoUnknown.YES
    assert case.person.nationalities == ["MX", "GT"]
    assert case.report_channel == "family"
    assert case.trafficking_facts.organised_crime == YesNoUnknown.YES
    assert case.trafficking_facts.exploitation_types == ["SexualExploitation", "ForcedLabour"]
