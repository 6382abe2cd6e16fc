"""Due-diligence figures on hand-built data: received, acknowledged, median and p90, unanswered."""

from datetime import timedelta

import pytest
from django.utils import timezone

from redalert.alerts.diligence import diligence, median, percentile
from redalert.alerts.issuing import issue_alert
from redalert.alerts.models import Acknowledgement
from redalert.outbox.models import OutboundMessage, Status

pytestmark = pytest.mark.django_db


def test_percentile_is_nearest_rank():
    values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    assert percentile(values, 90) == 9
    assert percentile(values, 100) == 10
    assert percentile([5], 90) == 5
    assert percentile([], 90) is None
    assert median([1, 3, 100]) == 3
    assert median([1, 2, 3, 4]) == 2.5
    assert median([]) is None


def test_figures_per_authority(alert_case, coordinator, directory, make_case, org_a):
    """FGR receives three alerts and acknowledges two (after 2 h and 10 h); Querétaro receives one and is silent;
    the consulate's message was never accepted, so it received nothing."""
    from redalert.alerts.tests.conftest import set_consent
    from redalert.cases.models import Case

    cases = [alert_case]
    for n in range(2):
        other = make_case(org_a, coordinator, given_names=f"Persona {n}")
        Case.objects.filter(pk=other.pk).update(status="active_search")
        other.refresh_from_db()
        set_consent(other, coordinator)
        cases.append(other)
    base = timezone.now() - timedelta(days=5)
    results = [
        issue_alert(cases[0], by=coordinator, authorities=[directory["fgr"], directory["qro"], directory["consulate"]]),
        issue_alert(cases[1], by=coordinator, authorities=[directory["fgr"]]),
        issue_alert(cases[2], by=coordinator, authorities=[directory["fgr"]]),
    ]
    sent = {}
    for n, result in enumerate(results):
        for recipient in result.recipients:
            message = recipient.deliveries.get().message
            if recipient.authority.name == "US Consulate":
                OutboundMessage.objects.filter(pk=message.pk).update(status=Status.FAILED, last_error="550")
                continue
            at = base + timedelta(hours=n)
            OutboundMessage.objects.filter(pk=message.pk).update(status=Status.SENT, sent_at=at)
            sent[(n, recipient.authority.name)] = (recipient, at)
    for n, hours in ((0, 2), (1, 10)):
        recipient, at = sent[(n, "FGR")]
        Acknowledgement.objects.create(recipient=recipient, name="Lic.", at=at + timedelta(hours=hours))

    rows = {r.authority.name: r for r in diligence(org_a.pk, now=base + timedelta(days=2))}
    assert set(rows) == {"FGR", "Fiscalía de Querétaro"}
    fgr, qro = rows["FGR"], rows["Fiscalía de Querétaro"]
    assert (fgr.received, fgr.acknowledged) == (3, 2)
    assert fgr.median_hours == pytest.approx(6.0)
    assert fgr.p90_hours == pytest.approx(10.0)
    assert [u.alert.case_id for u in fgr.unanswered] == [cases[2].pk]
    assert fgr.unanswered[0].waiting == timedelta(days=2) - timedelta(hours=2)
    assert (qro.received, qro.acknowledged, qro.median_hours) == (1, 0, None)
    assert len(qro.unanswered) == 1


def test_another_organisation_sees_nothing(alert_case, coordinator, directory, org_b):
    result = issue_alert(alert_case, by=coordinator, authorities=[directory["fgr"]])
    OutboundMessage.objects.filter(alert_delivery__recipient__alert=result.alert).update(
        status=Status.SENT, sent_at=timezone.now()
    )
    assert diligence(org_b.pk) == []


def test_a_cancelled_alert_is_no_longer_listed_as_unanswered(alert_case, coordinator, directory, org_a):
    """Issue 17: once she is located and the alert cancelled, nothing is awaited from the authorities."""
    from redalert.alerts.models import AlertKind

    result = issue_alert(alert_case, by=coordinator, authorities=[directory["fgr"]])
    OutboundMessage.objects.filter(alert_delivery__recipient__alert=result.alert).update(
        status=Status.SENT, sent_at=timezone.now()
    )
    assert [len(r.unanswered) for r in diligence(org_a.pk)] == [1]
    from redalert.cases.models import Case

    Case.objects.filter(pk=alert_case.pk).update(status="located_alive", located_on=timezone.localdate())
    alert_case.refresh_from_db()
    issue_alert(alert_case, by=coordinator, kind=AlertKind.CANCEL)
    assert diligence(org_a.pk) == []


def test_once_located_the_case_file_offers_to_cancel_the_red_alert(client_for, alert_case, coordinator, directory):
    """Issue 17: the outcome moved her to follow-up; the case file offers the alert's cancellation until it is sent."""
    from django.urls import reverse

    from redalert.alerts.models import AlertKind
    from redalert.cases.models import Case

    issue_alert(alert_case, by=coordinator, authorities=[directory["fgr"]])
    Case.objects.filter(pk=alert_case.pk).update(status="follow_up", located_on=timezone.localdate())
    alert_case.refresh_from_db()
    detail = reverse("cases:detail", args=[alert_case.pk])
    html = client_for(coordinator).get(detail).content.decode()
    assert 'id="alert-after-located"' in html and reverse("alerts:issue", args=[alert_case.pk]) in html
    issue_alert(alert_case, by=coordinator, kind=AlertKind.CANCEL)
    assert 'id="alert-after-located"' not in client_for(coordinator).get(detail).content.decode()
