"""Sign-in throttling across addresses (per account) and across accounts (per address), and unlocking by e-mail."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from redalert.audit.models import AuditAction, AuditEntry
from redalert.outbox.models import OutboundMessage
from redalert.security.models import AccountLock, EventKind, SecurityEvent
from redalert.security.throttle import lock_duration
from redalert.security.unlock import SALT

PASSWORD = "correct horse battery"


def sign_in(username, password, address):
    return Client(REMOTE_ADDR=address).post(reverse("accounts:login"), {"username": username, "password": password})


@pytest.fixture
def member(org_a, make_user):
    user = make_user(org_a, "caseworker", username="ana")
    user.email = "ana@example.org"
    user.save()
    return user


def test_failures_spread_over_addresses_lock_the_account(member):
    # The attack of issue 13: 27 failures from 6 addresses (under axes' limit of 5 per pair), then the right password
    # from a 7th address. It used to sign in.
    for i in range(27):
        sign_in("ana", "wrong", f"10.0.0.{i % 6 + 1}")
    response = sign_in("ana", PASSWORD, "10.0.0.7")
    assert response.status_code == 429
    assert "_auth_user_id" not in response.wsgi_request.session
    lock = AccountLock.objects.get(username="ana")
    assert lock.locked_until > timezone.now() + timedelta(minutes=14)
    assert SecurityEvent.objects.filter(kind=EventKind.ACCOUNT_LOCKED, username="ana").count() >= 1
    assert SecurityEvent.objects.filter(kind=EventKind.LOGIN_FAILED, organisation=member.organisation).exists()
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED, detail__security="login_failed").exists()
    assert AuditEntry.objects.filter(action=AuditAction.SECURITY, detail__security="account_locked").exists()


def test_ten_failures_lock_and_the_lock_doubles(member):
    for i in range(9):
        sign_in("ana", "wrong", f"10.0.1.{i + 1}")
    assert sign_in("ana", PASSWORD, "10.0.1.50").status_code == 302  # nine failures: not yet, and success resets
    assert not AccountLock.objects.filter(username="ana").exists()
    for i in range(10):
        sign_in("ana", "wrong", f"10.0.2.{i + 1}")
    lock = AccountLock.objects.get(username="ana")
    assert lock.lockouts == 1
    # The lock ends; ten more failures lock it for twice as long.
    AccountLock.objects.filter(pk=lock.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    for i in range(10):
        sign_in("ana", "wrong", f"10.0.3.{i + 1}")
    lock.refresh_from_db()
    assert lock.lockouts == 2
    assert lock.locked_until > timezone.now() + timedelta(minutes=29)
    assert lock_duration(1) == timedelta(minutes=15)
    assert lock_duration(3) == timedelta(hours=1)
    assert lock_duration(12) == timedelta(hours=24)


def test_a_name_that_does_not_exist_locks_the_same_way(db):
    for i in range(10):
        sign_in("nadie", "wrong", f"10.0.4.{i + 1}")
    assert sign_in("nadie", "wrong", "10.0.4.99").status_code == 429


def test_failures_over_many_accounts_from_one_address_block_it(org_a, make_user):
    # The attack of issue 13: 32 failures over 8 users from one address went unnoticed.
    for n in range(8):
        make_user(org_a, "caseworker", username=f"user{n}")
    statuses = [sign_in(f"user{i % 8}", "wrong", "192.0.2.9").status_code for i in range(32)]
    assert statuses[:20] == [200] * 20
    assert set(statuses[20:]) == {429}
    # Even the right password of a member who never failed is refused from that address, not from another.
    make_user(org_a, "caseworker", username="fresh")
    assert sign_in("fresh", PASSWORD, "192.0.2.9").status_code == 429
    assert sign_in("fresh", PASSWORD, "192.0.2.10").status_code == 302
    blocked = SecurityEvent.objects.filter(kind=EventKind.ADDRESS_BLOCKED, client_address="192.0.2.9")
    assert blocked.count() == 1  # one event when the block starts, not one row per refused attempt
    # Refused attempts do not extend the block: the failures age out after an hour.
    SecurityEvent.objects.filter(client_address="192.0.2.9").update(at=timezone.now() - timedelta(minutes=61))
    assert sign_in("fresh", PASSWORD, "192.0.2.9").status_code == 302


def lock_ana():
    for i in range(10):
        sign_in("ana", "wrong", f"10.0.5.{i + 1}")
    assert sign_in("ana", PASSWORD, "10.0.5.50").status_code == 429


def unlock_link(message):
    line = next(line for line in message.body.splitlines() if "/security/unlock/" in line)
    return line[line.index("/security/unlock/") :].strip()


def test_the_member_unlocks_her_account_by_e_mail_once(member):
    lock_ana()
    client = Client()
    page = client.post(reverse("security:unlock_request"), {"account": "ana@example.org"})
    assert page.status_code == 200
    message = OutboundMessage.objects.get(to="ana@example.org")
    # Asking again while the same lock holds queues nothing new.
    client.post(reverse("security:unlock_request"), {"account": "ana"})
    assert OutboundMessage.objects.filter(to="ana@example.org").count() == 1
    link = unlock_link(message)
    assert client.get(link).status_code == 200  # a button, so that mail scanners do not use the link up
    assert client.post(link).status_code == 200
    assert sign_in("ana", PASSWORD, "10.0.5.51").status_code == 302
    # Single use.
    assert client.post(link).status_code == 400
    assert SecurityEvent.objects.filter(kind=EventKind.ACCOUNT_UNLOCKED, username="ana").count() == 1


def without_tokens(response):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def test_the_unlock_page_says_the_same_whether_or_not_the_account_exists(member):
    lock_ana()
    client = Client()
    known = client.post(reverse("security:unlock_request"), {"account": "ana"})
    unknown = client.post(reverse("security:unlock_request"), {"account": "nobody-here"})
    assert known.status_code == unknown.status_code == 200
    assert without_tokens(known) == without_tokens(unknown)
    assert OutboundMessage.objects.count() == 1


def test_an_expired_or_forged_unlock_link_is_refused(member, settings):
    from django.core import signing

    lock_ana()
    lock = AccountLock.objects.get(username="ana")
    forged = signing.dumps({"u": "ana", "n": "0" * 32}, salt=SALT)
    assert Client().post(reverse("security:unlock", args=[forged])).status_code == 400
    assert Client().post(reverse("security:unlock", args=["not-a-token"])).status_code == 400
    settings.SECURITY_UNLOCK_LINK_AGE = timedelta(seconds=-1)
    valid_but_old = signing.dumps({"u": "ana", "n": lock.nonce}, salt=SALT)
    assert Client().post(reverse("security:unlock", args=[valid_but_old])).status_code == 400
    assert sign_in("ana", PASSWORD, "10.0.5.52").status_code == 429
