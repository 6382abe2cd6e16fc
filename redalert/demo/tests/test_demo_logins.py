import re
from io import StringIO

import django_otp
import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_static.models import StaticDevice

from redalert.accounts.models import User
from redalert.demo.generate import DEMO_PASSWORD

CODE = re.compile(r"\b[0-9a-f]{8}\b")


def logins(*args: str) -> str:
    out = StringIO()
    call_command("demo_logins", *args, stdout=out, no_color=True)
    return out.getvalue()


def codes_by_user(output: str) -> dict[str, list[str]]:
    found = {}
    for line in output.splitlines():
        words = line.split()
        codes = CODE.findall(line)
        if words and codes:
            found[words[0]] = codes
    return found


@pytest.fixture
def seeded(places):
    call_command("seed_demo", "--cases", "10", stdout=StringIO())


def test_prints_the_url_the_password_and_codes_that_verify(seeded):
    output = logins("--url", "http://demo.example.org:8000/")
    assert "http://demo.example.org:8000/" in output
    assert DEMO_PASSWORD in output
    assert "http://demo.example.org:8000/accounts/two-factor/setup/" in output
    assert "Second factor" in output and "Segundo factor" in output
    found = codes_by_user(output)
    demo_users = User.objects.filter(organisation__is_demo=True)
    assert set(found) == set(demo_users.values_list("username", flat=True))
    for user in demo_users:
        codes = found[user.username]
        assert len(codes) == 3
        assert django_otp.match_token(user, codes[0]) is not None
        assert django_otp.match_token(user, codes[0]) is None  # single use
    line = next(li for li in output.splitlines() if li.startswith("investigadora "))
    assert "field_investigator" in line and "RAMX" in line


def test_each_run_replaces_the_codes(seeded):
    first = codes_by_user(logins())
    second = codes_by_user(logins())
    user = User.objects.get(username="coordinadora")
    assert django_otp.match_token(user, second["coordinadora"][1]) is not None
    assert django_otp.match_token(user, first["coordinadora"][1]) is None


def test_fresh_codes_work_even_after_failed_attempts(seeded):
    user = User.objects.get(username="trabajadora")
    logins()
    for _ in range(3):
        assert django_otp.match_token(user, "00000000") is None  # throttles the device for a while
    fresh = codes_by_user(logins())["trabajadora"]
    assert django_otp.match_token(user, fresh[0]) is not None


def test_leaves_other_organisations_alone(seeded, org_a, make_user):
    real = make_user(org_a, "coordinator", username="real-coordinator")
    output = logins()
    assert "real-coordinator" not in output
    assert not StaticDevice.objects.filter(user=real).exists()


def test_refuses_without_demo_organisations(org_a, make_user):
    real = make_user(org_a, "coordinator")
    with pytest.raises(CommandError, match="no demo organisations"):
        logins()
    assert not StaticDevice.objects.filter(user=real).exists()


def test_refuses_a_url_that_is_not_http(seeded):
    with pytest.raises(CommandError, match="http"):
        logins("--url", "demo.example.org")
