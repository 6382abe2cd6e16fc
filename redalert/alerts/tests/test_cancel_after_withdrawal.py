"""After consent to share with authorities is withdrawn, the team can still ask authorities to stop circulating an
open alert: a Cancel with the case reference only, which no consent gate holds back."""

from pathlib import Path

import pytest
from lxml import etree

from redalert.alerts.issuing import AlertRefused, issue_alert
from redalert.alerts.models import AlertKind
from redalert.alerts.tests.conftest import set_consent
from redalert.outbox.claiming import deliver_due

pytestmark = pytest.mark.django_db
XSD = Path(__file__).resolve().parents[4] / "shared" / "standards" / "cap" / "CAP-v1.2.xsd"
PERSONAL = ("María", "López", "Hernández", "Lunar", "Uniforme", "Querétaro", "+52")


def test_a_cancel_goes_out_after_the_withdrawal_and_carries_nothing_personal(
    alert_case, coordinator, directory, smtp_sink
):
    original = issue_alert(alert_case, by=coordinator, authorities=[directory["fgr"], directory["qro"]]).alert
    deliver_due()
    set_consent(alert_case, coordinator, decision="withdrawn")
    with pytest.raises(AlertRefused):
        issue_alert(alert_case, by=coordinator, kind=AlertKind.UPDATE, note="nueva foto")

    cancel = issue_alert(alert_case, by=coordinator, kind=AlertKind.CANCEL, note="María fue vista en…").alert

    assert cancel.kind == AlertKind.CANCEL and cancel.original == original and cancel.note == ""
    cap = etree.fromstring(cancel.cap_xml.encode())
    ns = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}
    assert cap.findtext("cap:msgType", namespaces=ns) == "Cancel"
    assert original.cap_identifier in cap.findtext("cap:references", namespaces=ns)
    assert cap.find("cap:info", namespaces=ns) is None
    before = len(smtp_sink.messages)
    assert deliver_due() == 2  # not withheld by the consent gate
    sent = smtp_sink.messages[before:]
    assert len(sent) == 2
    for message in sent:
        text = message.as_string()
        assert alert_case.reference in text
        assert not any(word in text for word in PERSONAL), text
        assert not any(part.get_filename("").endswith(".pdf") for part in message.walk())  # no bulletin


@pytest.mark.skipif(not XSD.exists(), reason="the CAP 1.2 schema is not present")
def test_the_cancel_is_valid_cap(alert_case, coordinator, directory):
    issue_alert(alert_case, by=coordinator, authorities=[directory["fgr"]])
    set_consent(alert_case, coordinator, decision="withdrawn")
    cancel = issue_alert(alert_case, by=coordinator, kind=AlertKind.CANCEL).alert
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    assert schema.validate(etree.fromstring(cancel.cap_xml.encode())), schema.error_log


def test_without_consent_and_without_an_open_alert_nothing_can_be_sent(alert_case, coordinator, directory):
    set_consent(alert_case, coordinator, decision="withdrawn")
    with pytest.raises(AlertRefused):
        issue_alert(alert_case, by=coordinator, kind=AlertKind.CANCEL)
    with pytest.raises(AlertRefused):
        issue_alert(alert_case, by=coordinator, authorities=[directory["fgr"]])


def test_the_alert_page_offers_the_cancel_after_the_withdrawal(alert_case, coordinator, directory, client_for):
    issue_alert(alert_case, by=coordinator, authorities=[directory["fgr"]])
    set_consent(alert_case, coordinator, decision="withdrawn")
    client = client_for(coordinator)
    page = client.get(f"/cases/{alert_case.pk}/alerts/").content.decode()
    assert f"/cases/{alert_case.pk}/alerts/issue/" in page
    form = client.get(f"/cases/{alert_case.pk}/alerts/issue/").content.decode()
    assert 'value="cancel"' in form and 'value="update"' not in form
    response = client.post(f"/cases/{alert_case.pk}/alerts/issue/", {"kind": "cancel", "note": ""})
    assert response.status_code == 302
