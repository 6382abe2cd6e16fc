"""Issuing a Red Alert: recipients, consent, the transactional outbox, CAP and PDF attachments, delivery."""

from pathlib import Path

import pytest
from django.db import transaction
from lxml import etree

from redalert.alerts.issuing import AlertRefused, issue_alert, proposed_authorities
from redalert.alerts.models import IMMUTABLE, Alert, AlertKind, Delivery, Recipient
from redalert.alerts.permissions import alert_view
from redalert.alerts.recipient_status import recipient_statuses
from redalert.alerts.tests.conftest import set_consent
from redalert.audit.models import AuditEntry
from redalert.cases.models import TimelineEvent
from redalert.outbox.claiming import deliver_due
from redalert.outbox.models import OutboundMessage, Status

pytestmark = pytest.mark.django_db
CAP_NS = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}
XSD = Path(__file__).resolve().parents[4] / "shared" / "standards" / "cap" / "CAP-v1.2.xsd"


def issue(case, by, directory, *names, **kwargs):
    return issue_alert(case, by=by, authorities=[directory[n] for n in names], **kwargs)


def test_recipients_are_proposed_from_the_jurisdiction_and_the_federal_level(alert_case, directory):
    proposed = set(proposed_authorities(alert_case).values_list("name", flat=True))
    assert proposed == {"FGR", "Fiscalía de Querétaro", "Policía de Querétaro"}


def test_issuing_writes_the_alert_recipients_and_outbox_rows_together(alert_case, coordinator, directory):
    result = issue(alert_case, coordinator, directory, "fgr", "qro", "consulate")
    alert = result.alert
    assert alert.number == 1 and alert.kind == AlertKind.ALERT
    assert Recipient.objects.filter(alert=alert).count() == 3
    assert Delivery.objects.filter(recipient__alert=alert).count() == 3
    messages = OutboundMessage.objects.filter(alert_delivery__recipient__alert=alert)
    assert set(messages.values_list("status", flat=True)) == {Status.PENDING}
    assert all(m.gate == f"alerts-consent:{alert_case.pk}" for m in messages)
    assert TimelineEvent.objects.filter(case=alert_case, kind="alert", summary_data__event="issued").exists()
    assert AuditEntry.objects.filter(case_id=alert_case.pk, action="create", object_type="alerts.alert").exists()


def test_a_failure_while_issuing_stores_nothing(alert_case, coordinator, directory, monkeypatch):
    import redalert.alerts.issuing as issuing

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(issuing, "record_on_timeline", boom)
    with pytest.raises(RuntimeError):
        issue(alert_case, coordinator, directory, "fgr", "qro")
    assert not Alert.objects.exists()
    assert not Recipient.objects.exists()
    assert not OutboundMessage.objects.exists()


def test_an_issued_alert_is_immutable(alert_case, coordinator, directory):
    alert = issue(alert_case, coordinator, directory, "fgr").alert
    alert.note = "changed"
    with pytest.raises(PermissionError, match=IMMUTABLE):
        alert.save()
    with pytest.raises(PermissionError):
        alert.delete()
    with pytest.raises(PermissionError):
        Alert.objects.filter(pk=alert.pk).update(note="x")


def test_it_is_refused_without_consent_to_share_with_authorities(case, coordinator, directory):
    from redalert.cases.models import Case

    Case.objects.filter(pk=case.pk).update(status="active_search")
    case.refresh_from_db()
    set_consent(case, coordinator, purpose="publish")  # publishing is not sharing with authorities
    with pytest.raises(AlertRefused, match="no consent recorded"):
        issue(case, coordinator, directory, "fgr")
    set_consent(case, coordinator)
    set_consent(case, coordinator, decision="withdrawn")
    with pytest.raises(AlertRefused, match="withdrawn"):
        issue(case, coordinator, directory, "fgr")
    assert not Alert.objects.exists()
    assert AuditEntry.objects.filter(case_id=case.pk, action="denied").count() == 2


def test_an_authority_without_a_channel_is_refused(alert_case, coordinator, directory):
    with pytest.raises(AlertRefused, match="Policía de Querétaro"):
        issue(alert_case, coordinator, directory, "fgr", "qro_police")
    assert not Alert.objects.exists()


def test_no_authority_is_refused(alert_case, coordinator, directory):
    with pytest.raises(AlertRefused, match="at least one"):
        issue(alert_case, coordinator, directory)


def test_the_alert_view_never_carries_private_fields(alert_case, coordinator):
    view = alert_view(alert_case, language="en")
    text = repr(view)
    assert "Calle Hidalgo" not in text  # the exact place
    assert "+524421234567" not in text  # the reporter's phone
    assert "Rosa" not in text  # the reporter
    assert view.physical_description and view.clothing and view.distinguishing_marks
    assert view.place_label.startswith("Santiago de Querétaro")


def test_emails_carry_the_bulletin_and_a_restricted_cap_message(alert_case, coordinator, directory, smtp_sink):
    alert = issue(alert_case, coordinator, directory, "fgr", "consulate").alert
    assert deliver_due() == 2
    by_to = {m["To"]: m for m in smtp_sink.messages}
    spanish, english = by_to["fgr@fgr.example"], by_to["consul@us.example"]
    assert "ALERTA ROJA" in spanish["Subject"] or "RED ALERT" in spanish["Subject"]
    assert english["Subject"].strip().startswith("RED ALERT #1")
    body = english.get_body(preferencelist=("plain",)).get_content()
    assert "/alerta/acuse/" in body and alert_case.reference in body
    assert "Calle Hidalgo" not in body and "+524421234567" not in body
    files = {p.get_filename(): p for p in english.iter_attachments()}
    pdf = files[f"bulletin-{alert_case.reference}-en.pdf"]
    assert pdf.get_content().startswith(b"%PDF")
    cap = files[f"red-alert-{alert_case.reference}-1.cap.xml"].get_content()
    cap = cap if isinstance(cap, bytes) else cap.encode()
    root = etree.fromstring(cap)
    assert root.findtext("cap:scope", namespaces=CAP_NS) == "Restricted"
    assert root.findtext("cap:restriction", namespaces=CAP_NS).startswith("Solo para las autoridades destinatarias")
    assert root.findtext("cap:msgType", namespaces=CAP_NS) == "Alert"
    assert root.findtext("cap:identifier", namespaces=CAP_NS) == alert.cap_identifier
    assert [e.text for e in root.findall("cap:info/cap:language", namespaces=CAP_NS)] == ["es", "en"]
    assert root.find("cap:info/cap:web", namespaces=CAP_NS) is None  # the case is not public: no public links
    statuses = {s.recipient.address: s.state for s in recipient_statuses(alert)}
    assert statuses == {"fgr@fgr.example": "sent", "consul@us.example": "sent"}


def test_update_and_cancel_reference_the_original_and_go_to_the_same_recipients(
    alert_case, coordinator, directory, smtp_sink
):
    from redalert.cases.lifecycle import TransitionRequest, transition

    original = issue(alert_case, coordinator, directory, "fgr", "qro").alert
    with pytest.raises(AlertRefused, match="still open"):
        issue(alert_case, coordinator, directory, "fgr")
    update = issue_alert(alert_case, by=coordinator, kind=AlertKind.UPDATE, note="Vista en la central de autobuses.")
    assert update.alert.number == 2 and update.alert.original == original
    with pytest.raises(AlertRefused, match="located"):
        issue_alert(alert_case, by=coordinator, kind=AlertKind.CANCEL)
    transition(alert_case, TransitionRequest(to="located_alive"), coordinator)
    alert_case.refresh_from_db()
    cancel = issue_alert(alert_case, by=coordinator, kind=AlertKind.CANCEL).alert
    for alert in (update.alert, cancel):
        root = etree.fromstring(alert.cap_xml.encode())
        assert root.findtext("cap:references", namespaces=CAP_NS).split(",")[1] == original.cap_identifier
        assert {r.contact_id for r in alert.recipients.all()} == {r.contact_id for r in original.recipients.all()}
    assert etree.fromstring(cancel.cap_xml.encode()).findtext("cap:msgType", namespaces=CAP_NS) == "Cancel"
    deliver_due()
    assert len(smtp_sink.messages) == 6
    cap_name = f"red-alert-{alert_case.reference}-3.cap.xml"
    cancel_mail = [m for m in smtp_sink.messages if cap_name in {p.get_filename() for p in m.iter_attachments()}]
    assert len(cancel_mail) == 2
    assert all(not any(p.get_filename().endswith(".pdf") for p in m.iter_attachments()) for m in cancel_mail)


@pytest.mark.skipif(not XSD.exists(), reason="the CAP 1.2 schema is not present")
def test_the_cap_messages_are_valid_against_the_schema(alert_case, coordinator, directory):
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    alert = issue(alert_case, coordinator, directory, "fgr", "consulate").alert
    update = issue_alert(alert_case, by=coordinator, kind=AlertKind.UPDATE, note="x").alert
    for message in (alert, update):
        doc = etree.fromstring(message.cap_xml.encode())
        assert schema.validate(doc), schema.error_log


def test_withdrawing_consent_withholds_messages_still_queued(alert_case, coordinator, directory, smtp_sink):
    alert = issue(alert_case, coordinator, directory, "fgr", "qro").alert
    set_consent(alert_case, coordinator, decision="withdrawn")
    assert deliver_due() == 2
    assert smtp_sink.messages == []
    assert {s.state for s in recipient_statuses(alert)} == {"withheld"}


def test_a_bad_address_fails_with_the_reason_and_others_are_unaffected(
    alert_case, coordinator, make_authority, directory, rejecting_smtp_sink, webhook_receiver, settings
):
    from django.utils import timezone

    settings.OUTBOX_MAX_ATTEMPTS = 2
    make_authority("Bad", contacts=(("email", "nobody@rejected.invalid"),))
    make_authority("Broken hook", contacts=(("webhook", webhook_receiver.url("/fail")),))
    make_authority("Good hook", contacts=(("webhook", webhook_receiver.url("/hook")),))
    from redalert.alerts.models import Authority

    chosen = list(Authority.objects.filter(name__in=["Bad", "Broken hook", "Good hook", "FGR"]))
    alert = issue_alert(alert_case, by=coordinator, authorities=chosen).alert
    for _round in range(2):
        OutboundMessage.objects.filter(status=Status.PENDING).update(next_attempt_at=timezone.now())
        deliver_due()
    states = {s.recipient.authority.name: s for s in recipient_statuses(alert)}
    assert states["Bad"].state == "failed" and "550" in states["Bad"].reason
    assert states["Broken hook"].state == "failed" and "HTTP 500" in states["Broken hook"].reason
    assert states["Good hook"].state == "sent" and states["FGR"].state == "sent"
    assert [m["To"] for m in rejecting_smtp_sink.messages] == ["fgr@fgr.example"]
    assert len(webhook_receiver.keys()) == 1


def test_issuing_twice_in_one_transaction_rolls_back_together(alert_case, coordinator, directory):
    with pytest.raises(RuntimeError), transaction.atomic():
        issue(alert_case, coordinator, directory, "fgr")
        raise RuntimeError
    assert not Alert.objects.exists() and not OutboundMessage.objects.exists()
