"""The desk's domain rules: urgency first and recorded, not asked is not no, caller data only with her agreement
and encrypted, and what a contact becomes (each audited)."""

from __future__ import annotations

import pytest
from django.db import connection

from redalert.audit.models import AuditEntry
from redalert.hotline import actions
from redalert.hotline.actions import ContactError
from redalert.hotline.choices import Answer
from redalert.hotline.models import Contact
from redalert.lib.crypto import TOKEN_PREFIX
from redalert.matching.models import AdditionalReport
from redalert.tips.models import Tip


def test_open_contact_is_audited_and_keeps_the_conversation(org_a, call_taker):
    contact = actions.open_contact(org_a, by=call_taker, channel="whatsapp", conversation_id=42)
    assert contact.reference.startswith("RBA-L-")
    assert contact.conversation_id == 42 and contact.taken_by == call_taker and contact.is_open
    entry = AuditEntry.objects.filter(object_id=str(contact.pk), object_type="hotline.contact").get()
    assert entry.detail["what"] == "hotline contact"


def test_open_contact_refuses_another_organisations_staff_and_bad_channels(org_a, org_b, make_user, call_taker):
    outsider = make_user(org_b, "call_taker")
    with pytest.raises(ContactError):
        actions.open_contact(org_a, by=outsider, channel="phone")
    with pytest.raises(ContactError):
        actions.open_contact(org_a, by=call_taker, channel="pigeon")
    assert not Contact.objects.exists()


def test_urgency_is_recorded_with_its_time(contact, call_taker):
    actions.record_urgency(contact, "no_danger", by=call_taker)
    contact.refresh_from_db()
    assert contact.urgency == "no_danger" and contact.urgency_at is not None
    with pytest.raises(ContactError):
        actions.record_urgency(contact, "maybe", by=call_taker)


def test_a_contact_cannot_end_before_urgency_was_asked(contact, call_taker):
    with pytest.raises(ContactError):
        actions.close_contact(contact, by=call_taker, outcome="information")
    contact.refresh_from_db()
    assert contact.ended_at is None and contact.outcome == ""


def test_immediate_danger_needs_the_call_to_an_authority_recorded_before_the_end(contact, call_taker):
    actions.record_urgency(contact, "danger", by=call_taker)
    assert contact.danger_unhandled
    with pytest.raises(ContactError):
        actions.close_contact(contact, by=call_taker, outcome="crisis_support")
    with pytest.raises(ContactError):
        actions.record_emergency_call(contact, by=call_taker, authority="   ")
    actions.record_emergency_call(contact, by=call_taker, authority="Policía Estatal, 911")
    contact.refresh_from_db()
    assert contact.emergency_called_at is not None and contact.emergency_called_by == call_taker
    assert contact.emergency_authority == "Policía Estatal, 911" and not contact.danger_unhandled
    actions.close_contact(contact, by=call_taker, outcome="crisis_support")
    contact.refresh_from_db()
    assert contact.ended_at is not None and contact.outcome == "crisis_support"
    whats = set(AuditEntry.objects.filter(object_id=str(contact.pk)).values_list("detail__what", flat=True))
    assert {"hotline urgency", "hotline emergency call", "hotline outcome"} <= whats


def test_an_emergency_call_without_danger_is_refused(contact, call_taker):
    actions.record_urgency(contact, "no_danger", by=call_taker)
    with pytest.raises(ContactError):
        actions.record_emergency_call(contact, by=call_taker, authority="Policía")


def test_not_asked_is_not_no(contact, call_taker):
    actions.save_details(
        contact,
        {"indicators": {"control:PhysicalAbuse": "yes", "control:DebtBondage": "no", "venue:massage": "not_asked"}},
        by=call_taker,
    )
    contact.refresh_from_db()
    assert contact.indicators == {"control:PhysicalAbuse": "yes", "control:DebtBondage": "no"}
    assert contact.answer("control", "PhysicalAbuse") == Answer.YES
    assert contact.answer("control", "DebtBondage") == Answer.NO
    assert contact.answer("venue", "massage") == Answer.NOT_ASKED
    assert contact.answer("recruitment", "AtWork") == Answer.NOT_ASKED


def test_unknown_indicators_and_answers_are_refused_before_anything_is_written(contact, call_taker):
    with pytest.raises(ContactError):
        actions.save_details(contact, {"indicators": {"control:Telepathy": "yes"}}, by=call_taker)
    with pytest.raises(ContactError):
        actions.save_details(contact, {"indicators": {"control:PhysicalAbuse": "perhaps"}}, by=call_taker)
    contact.refresh_from_db()
    assert contact.indicators == {}


def test_caller_data_is_kept_only_with_her_agreement_and_encrypted(contact, call_taker):
    values = {"caller_agrees_to_contact": False, "caller_name": "Lucía", "caller_phone": "+524421112233"}
    actions.save_details(contact, values, by=call_taker)
    contact.refresh_from_db()
    assert contact.caller_name == "" and contact.caller_phone == ""
    actions.save_details(contact, {**values, "caller_agrees_to_contact": True}, by=call_taker)
    contact.refresh_from_db()
    assert contact.caller_phone == "+524421112233"
    with connection.cursor() as cursor:
        cursor.execute("SELECT caller_phone, caller_name FROM hotline_contact WHERE id = %s", [contact.pk])
        phone, name = cursor.fetchone()
    assert phone.startswith(TOKEN_PREFIX) and "4421112233" not in phone and "Lucía" not in name


def test_a_new_report_is_tied_to_the_contact_once(contact, call_taker, make_case, org_a, coordinator):
    case = make_case(org_a, coordinator)
    actions.link_new_report(contact, case, by=call_taker)
    contact.refresh_from_db()
    assert contact.case == case and contact.outcome == "report_opened" and contact.converted_at is not None
    with pytest.raises(ContactError):
        actions.link_new_report(contact, case, by=call_taker)
    assert AuditEntry.objects.filter(case_id=case.pk, detail__what="hotline report").count() == 1


def test_a_contact_added_to_a_case_is_a_further_report_without_the_callers_data_unless_she_agreed(
    contact, caseworker, case
):
    actions.save_details(
        contact,
        {"summary": "La vio en la central de autobuses.", "caller_name": "Lucía", "caller_agrees_to_contact": False},
        by=caseworker,
    )
    report = actions.add_to_case(contact, case, by=caseworker, score=0.91)
    assert report.reporter_name == "" and report.narrative == "La vio en la central de autobuses."
    assert report.channel == "hotline" and report.case == case
    contact.refresh_from_db()
    assert contact.case == case and AdditionalReport.objects.filter(case=case).count() == 1
    assert AuditEntry.objects.filter(case_id=case.pk, detail__what="hotline further report").exists()


def test_a_tip_from_a_contact_goes_through_receive_tip(contact, caseworker, case):
    tip = actions.add_tip(contact, case, by=caseworker, description="La vieron en Tlaxcala ayer.")
    assert tip.case == case and tip.anonymous and tip.contact_name == ""
    contact.refresh_from_db()
    assert contact.tip == tip and contact.outcome == "tip_added"
    with pytest.raises(ContactError):
        actions.add_tip(contact, case, by=caseworker, description="Otra vez")
    assert Tip.objects.filter(case=case).count() == 1


def test_conversions_refuse_another_organisations_case(contact, caseworker, make_case, org_b, make_user):
    other = make_case(org_b, make_user(org_b, "coordinator"))
    with pytest.raises(ContactError):
        actions.add_tip(contact, other, by=caseworker, description="algo")
    with pytest.raises(ContactError):
        actions.add_to_case(contact, other, by=caseworker)
    contact.refresh_from_db()
    assert contact.case is None and not Tip.objects.exists()


def test_an_empty_tip_is_refused(contact, caseworker, case):
    with pytest.raises(ContactError):
        actions.add_tip(contact, case, by=caseworker, description="  ")


def test_a_report_outcome_needs_the_report(contact, call_taker):
    actions.record_urgency(contact, "no_danger", by=call_taker)
    with pytest.raises(ContactError):
        actions.close_contact(contact, by=call_taker, outcome="report_opened")
    with pytest.raises(ContactError):
        actions.close_contact(contact, by=call_taker, outcome="tip_added")
