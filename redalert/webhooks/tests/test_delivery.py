"""Case events reach a real HTTP receiver: signed, once per event, retried, paused, and nothing personal after a
withdrawal."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date

import pytest

from redalert.consent.choices import Decision, Purpose
from redalert.outbox.models import OutboundMessage, Status
from redalert.testing import make_public, record_consent, start_search
from redalert.webhooks.models import Delivery, EventKind, HeldReason, PauseReason, Scope
from redalert.webhooks.services import resume_subscription
from redalert.webhooks.tests.conftest import drain

pytestmark = pytest.mark.django_db


def verify(secret: str, body: bytes, header: str) -> bool:
    """The receiver's check, exactly as docs/webhooks.md shows it."""
    expected = "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)


def test_events_arrive_signed_with_ids_and_codes_only(subscribe, receiver, make_case, org_a, coordinator):
    created = subscribe()
    case = make_case(org_a, coordinator)
    start_search(case, coordinator)
    drain()
    assert receiver.kinds() == [EventKind.CASE_OPENED, EventKind.STATUS_CHANGED, EventKind.STATUS_CHANGED]
    for request in receiver.requests:
        assert verify(created.secret, request["body"], request["headers"]["X-RedAlert-Signature"])
        assert not verify("another-secret", request["body"], request["headers"]["X-RedAlert-Signature"])
    opened, _to_verification, to_search = receiver.payloads()
    assert opened["case"] == {"id": case.pk, "reference": case.reference}
    assert opened["organisation"] == "RBA" and opened["subscription"] == created.subscription.pk
    assert to_search["data"] == {"from": "verification", "to": "active_search"}
    assert "public" not in to_search
    everything = b"".join(r["body"] for r in receiver.requests).decode()
    for personal in ("María", "López", "Hidalgo", "Rosa", "+52442"):
        assert personal not in everything


def test_only_the_kinds_subscribed_to_and_each_event_once(subscribe, receiver, make_case, org_a, coordinator):
    subscribe(kinds=[EventKind.STATUS_CHANGED])
    case = make_case(org_a, coordinator)
    start_search(case, coordinator)
    drain()
    drain()  # a second round finds nothing new
    assert receiver.kinds() == [EventKind.STATUS_CHANGED, EventKind.STATUS_CHANGED]
    assert Delivery.objects.count() == 2


def test_events_before_the_subscription_are_not_sent(subscribe, receiver, make_case, org_a, coordinator):
    case = make_case(org_a, coordinator)
    drain()
    subscribe()
    record_consent(case, Purpose.OPEN_FILE, coordinator)
    record_consent(case, Purpose.STATISTICS, coordinator, Decision.WITHDRAWN)
    drain()
    assert receiver.kinds() == [EventKind.CONSENT_WITHDRAWN]
    assert receiver.payloads()[0]["data"] == {"purpose": "statistics"}


def test_another_organisations_cases_are_not_sent(subscribe, receiver, make_case, org_b, make_user):
    subscribe()
    other = make_user(org_b, "coordinator")
    make_case(org_b, other)
    drain()
    assert receiver.requests == []


def test_a_500_is_retried_with_the_same_idempotency_key_and_signature(subscribe, receiver, case, coordinator):
    created = subscribe(kinds=[EventKind.STATUS_CHANGED])
    receiver.script = [500]
    start_search(case, coordinator)
    drain(rounds=2)
    keys = [r["headers"]["Idempotency-Key"] for r in receiver.requests]
    first = receiver.requests[0]
    retries = [r for r in receiver.requests if r["headers"]["Idempotency-Key"] == first["headers"]["Idempotency-Key"]]
    assert [r["status"] for r in retries] == [500, 200]
    assert retries[0]["body"] == retries[1]["body"]
    assert retries[0]["headers"]["X-RedAlert-Signature"] == retries[1]["headers"]["X-RedAlert-Signature"]
    assert keys[0].startswith(f"webhooks:{created.subscription.pk}:")
    assert OutboundMessage.objects.filter(status=Status.SENT).count() == 2


def test_repeated_failures_pause_and_resume_sends_what_waited(subscribe, receiver, case, coordinator, admin):
    created = subscribe(kinds=[EventKind.STATUS_CHANGED])
    sub = created.subscription
    receiver.default = 500
    start_search(case, coordinator)
    drain(rounds=4)
    sub.refresh_from_db()
    assert sub.is_paused and sub.pause_reason == PauseReason.FAILURES
    failed_posts = len(receiver.requests)
    assert failed_posts == 3  # the third failure in a row paused it: nothing more was tried
    assert set(Delivery.objects.values_list("held", flat=True)) == {HeldReason.PAUSED}
    drain(rounds=2)
    assert len(receiver.requests) == failed_posts  # paused: nothing sent
    # an event while paused waits too
    record_consent(case, Purpose.STATISTICS, coordinator, Decision.WITHDRAWN)
    sub.kinds = [EventKind.STATUS_CHANGED, EventKind.CONSENT_WITHDRAWN]
    sub.save()
    drain()
    assert len(receiver.requests) == failed_posts
    receiver.default = 200
    assert resume_subscription(sub, actor=admin) >= 2
    drain()
    sub.refresh_from_db()
    assert not sub.is_paused
    assert sorted(receiver.kinds()) == sorted([EventKind.STATUS_CHANGED] * 2 + [EventKind.CONSENT_WITHDRAWN])
    keys_failed = {r["headers"]["Idempotency-Key"] for r in receiver.requests if r["status"] == 500}
    keys_sent = {r["headers"]["Idempotency-Key"] for r in receiver.requests if r["status"] == 200}
    assert keys_failed <= keys_sent  # the same messages, not new ones


def test_public_scope_carries_the_public_fields_of_a_published_case(subscribe, receiver, case, coordinator):
    subscribe(kinds=[EventKind.PUBLISHED], scope=Scope.PUBLIC)
    make_public(case, coordinator)
    drain()
    (published,) = receiver.payloads()
    assert published["public"]["name"] == "María Fernanda López Hernández"
    assert published["public"]["url"].endswith(f"/se-busca/{published['public']['public_id']}/")
    assert "Hidalgo" not in receiver.requests[0]["body"].decode()


def test_ids_scope_never_carries_public_fields(subscribe, receiver, case, coordinator):
    subscribe(kinds=[EventKind.PUBLISHED])
    make_public(case, coordinator)
    drain()
    (published,) = receiver.payloads()
    assert "public" not in published and "María" not in receiver.requests[0]["body"].decode()


def test_nothing_personal_is_sent_after_a_withdrawal(subscribe, receiver, case, coordinator):
    """Events queued while the case was public are dropped at send time once consent to publish is withdrawn; the
    withdrawal and the unpublishing are sent, identifiers only."""
    subscribe(scope=Scope.PUBLIC)
    make_public(case, coordinator)
    from redalert.testing import follow_changes

    follow_changes()  # the deliveries are queued, with the public fields, but not sent yet
    assert Delivery.objects.filter(carries_public_fields=True).exists()
    record_consent(case, Purpose.PUBLISH, coordinator, Decision.WITHDRAWN, on=date(2026, 3, 5))
    drain()
    for sent in receiver.payloads(status=None):
        assert "public" not in sent and "María" not in str(sent), sent
    assert set(receiver.kinds()) == {EventKind.CONSENT_WITHDRAWN, EventKind.UNPUBLISHED}
    dropped = Delivery.objects.filter(carries_public_fields=True)
    assert dropped.exists() and set(dropped.values_list("held", flat=True)) == {HeldReason.NOT_ALLOWED}
    assert set(dropped.values_list("message__status", flat=True)) == {Status.WITHHELD}


def test_a_tip_and_an_outcome_are_events(subscribe, receiver, case, coordinator):
    from redalert.investigation.services import OutcomeData, record_outcome
    from redalert.tips.services import TipData, receive_tip

    subscribe(kinds=[EventKind.TIP_RECEIVED, EventKind.OUTCOME_RECORDED])
    start_search(case, coordinator)
    tip = receive_tip(
        case,
        TipData(description="La vi en la central de autobuses", seen_on=date(2026, 3, 3)),
        client="test",
        language="es",
    )
    record_outcome(case, OutcomeData(result="located_alive", on=date(2026, 3, 9), how="family"), actor=coordinator)
    drain()
    tip_event, outcome = receiver.payloads()
    assert tip_event["kind"] == EventKind.TIP_RECEIVED and tip_event["data"] == {"tip": tip.code}
    assert "autobuses" not in receiver.requests[0]["body"].decode()
    assert outcome["kind"] == EventKind.OUTCOME_RECORDED and outcome["data"] == {"result": "located_alive"}


def test_alert_acknowledged_and_escalated_are_events(subscribe, receiver, alert_case, coordinator, directory):
    from datetime import timedelta

    from django.utils import timezone

    from redalert.alerts.acknowledgement import ack_token, acknowledge
    from redalert.alerts.escalation import escalate_due
    from redalert.alerts.issuing import issue_alert

    subscribe(kinds=[EventKind.ALERT_ACKNOWLEDGED, EventKind.ALERT_ESCALATED])
    issued = issue_alert(alert_case, by=coordinator, authorities=[directory["fgr"], directory["qro"]])
    _fgr, qro = issued.recipients
    acknowledge(ack_token(qro), name="Lic. Ruiz")
    escalate_due(timezone.now() + timedelta(hours=25))
    drain()
    by_kind = {p["kind"]: p for p in receiver.payloads()}
    assert by_kind[EventKind.ALERT_ACKNOWLEDGED]["data"] == {"alert": 1, "authority": "Fiscalía de Querétaro"}
    assert by_kind[EventKind.ALERT_ESCALATED]["data"] == {"alert": 1, "authority": "FGR", "after_hours": 24}
    assert "Ruiz" not in b"".join(r["body"] for r in receiver.requests).decode()


def test_narrowing_the_scope_drops_waiting_public_fields_and_a_new_url_takes_the_rest(
    subscribe, receiver, case, coordinator, admin
):
    from redalert.testing import follow_changes
    from redalert.webhooks.services import update_subscription

    sub = subscribe(kinds=[EventKind.PUBLISHED, EventKind.STATUS_CHANGED], scope=Scope.PUBLIC).subscription
    make_public(case, coordinator)
    follow_changes()
    assert Delivery.objects.filter(carries_public_fields=True).count() == 3
    update_subscription(sub, actor=admin, name=sub.name, url=receiver.url("/new"), kinds=sub.kinds, scope=Scope.IDS)
    assert {m.to for m in OutboundMessage.objects.all()} == {receiver.url("/new")}
    drain()
    assert receiver.requests == []  # everything waiting carried public fields: dropped
    assert set(Delivery.objects.values_list("held", flat=True)) == {HeldReason.NOT_ALLOWED}
    record_consent(case, Purpose.STATISTICS, coordinator, Decision.WITHDRAWN)
    sub.kinds = [EventKind.CONSENT_WITHDRAWN]
    sub.save()
    drain()
    assert [r["path"] for r in receiver.requests] == ["/new"]
