import re
from collections import Counter
from datetime import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from redalert.accounts.models import Organisation, User
from redalert.accounts.roles import Role
from redalert.audit.models import AuditEntry
from redalert.cases.choices import CaseStatus
from redalert.cases.lifecycle import LOCATED, TRANSITIONS
from redalert.cases.models import Case, CaseCounter, MissingPerson, Note, TimelineEvent, TimelineKind
from redalert.cases.services import IntakeData, open_report
from redalert.consent.choices import Decision, Purpose
from redalert.consent.models import ConsentRecord
from redalert.consent.rules import may_use
from redalert.demo import generate
from redalert.demo.generate import DEMO_PASSWORD, ROLE_USERS
from redalert.lib.text import fold
from redalert.testing import assert_rebuilds_find_nothing, follow_changes

REFERENCE = re.compile(r"^(RAMX|RAGT|RAHN)-(\d{4})-(\d{4})$")


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(places):
    return seed("--cases", "40", "--seed", "7")


def test_creates_the_demo_organisations_and_a_user_for_every_role(seeded):
    orgs = Organisation.objects.filter(is_demo=True)
    assert sorted(orgs.values_list("code", flat=True)) == ["RAGT", "RAHN", "RAMX"]
    assert sorted(orgs.values_list("country", flat=True)) == ["GT", "HN", "MX"]
    first = Organisation.objects.get(code="RAMX")
    for role in Role:
        user = User.objects.get(username=ROLE_USERS[role][0])
        assert user.organisation == first
        assert user.role_set == {role}
        assert user.check_password(DEMO_PASSWORD)
    for code, suffix in (("RAGT", "gt"), ("RAHN", "hn")):
        assert User.objects.get(username=f"coordinadora.{suffix}").role_set == {Role.COORDINATOR}
        assert User.objects.get(username=f"trabajadora.{suffix}").organisation.code == code
    assert DEMO_PASSWORD in seeded


def test_cases_cover_every_status_and_every_organisation(seeded):
    assert Case.objects.count() == 40
    assert set(Case.objects.values_list("status", flat=True)) == set(CaseStatus.values)
    assert set(Case.objects.values_list("organisation__code", flat=True)) == {"RAMX", "RAGT", "RAHN"}


def test_dates_are_consistent_with_the_status(seeded):
    now, today = timezone.now(), timezone.localdate()
    for case in Case.objects.all():
        reported_on = timezone.localtime(case.reported_at).date()
        assert case.last_seen_on <= reported_on
        assert case.reported_at <= case.status_changed_at <= now
        if case.located_on is not None:
            assert case.last_seen_on <= case.located_on <= today
        if case.status in LOCATED or case.status == CaseStatus.FOLLOW_UP:
            assert case.located_on is not None
        if case.status in (CaseStatus.REPORTED, CaseStatus.VERIFICATION, CaseStatus.ACTIVE_SEARCH):
            assert case.located_on is None
        if case.status == CaseStatus.CLOSED:
            assert case.closed_on is not None and case.closure_reason
            assert case.closed_on >= (case.located_on or case.last_seen_on)
        else:
            assert case.closed_on is None and case.closure_reason == ""


def test_timeline_follows_the_lifecycle(seeded):
    for case in Case.objects.all():
        events = list(case.timeline.order_by("at", "id"))
        assert events[0].kind == TimelineKind.REPORTED
        steps = [e.summary_data for e in events if e.kind == TimelineKind.STATUS]
        current = CaseStatus.REPORTED
        for step in steps:
            assert step["from"] == current
            assert step["to"] in TRANSITIONS[current]
            current = step["to"]
        assert current == case.status
        status_events = [e for e in events if e.kind == TimelineKind.STATUS]
        assert (status_events[-1].at if status_events else case.reported_at) == case.status_changed_at
    notes = Note.objects.count()
    assert notes and TimelineEvent.objects.filter(kind=TimelineKind.NOTE, note__isnull=False).count() == notes


def test_consent_is_consistent_with_the_status(seeded):
    for case in Case.objects.all():
        opened = may_use(case, Purpose.OPEN_FILE)
        if case.status == CaseStatus.REPORTED:
            assert not ConsentRecord.objects.filter(case=case).exists()
        elif case.status != CaseStatus.VERIFICATION:
            assert opened, case.reference


def test_withdrawals_come_after_grants_and_win(places):
    seed("--cases", "300", "--seed", "3")
    withdrawn = ConsentRecord.objects.filter(decision=Decision.WITHDRAWN)
    assert withdrawn.exists()
    for record in withdrawn:
        grant = ConsentRecord.objects.get(case=record.case, purpose=record.purpose, decision=Decision.GRANTED)
        assert grant.recorded_at < record.recorded_at and grant.decided_on <= record.decided_on
        assert not may_use(record.case, record.purpose)
    assert {Purpose.PUBLISH, Purpose.SHARE_AUTHORITIES, Purpose.STATISTICS} <= set(
        ConsentRecord.objects.filter(decision=Decision.GRANTED).values_list("purpose", flat=True)
    )
    persons = MissingPerson.objects.all()
    # Unknown is not zero: some of every optional field are left "not known".
    assert persons.filter(sex="unknown").exists()
    assert persons.filter(gender="NonSpecifiedUnknown").exists()
    assert persons.filter(indigenous="unknown").exists()
    assert persons.filter(nationalities=[]).exists()
    assert persons.filter(birth_date__isnull=True, estimated_age__isnull=False).exists()
    assert persons.filter(birth_date__isnull=True, estimated_age__isnull=True).exists()
    assert persons.exclude(aliases="").exists()


def test_search_name_is_folded(seeded):
    for person in MissingPerson.objects.all():
        assert person.search_name == fold(f"{person.full_name} {person.aliases}")
        assert person.first_surname


def test_references_are_unique_and_intake_continues_the_numbering(seeded, places):
    references = list(Case.objects.values_list("reference", flat=True))
    assert len(set(references)) == len(references)
    numbers: Counter[tuple[str, str]] = Counter()
    for reference in references:
        match = REFERENCE.match(reference)
        assert match, reference
        numbers[match[1], match[2]] += 1
    for counter in CaseCounter.objects.select_related("organisation"):
        assert counter.last_number == numbers[counter.organisation.code, str(counter.year)]

    org = Organisation.objects.get(code="RAMX")
    coordinator = User.objects.get(username="coordinadora")
    year = timezone.localdate().year
    before = CaseCounter.objects.get(organisation=org, year=year).last_number if numbers["RAMX", str(year)] else 0
    data = IntakeData(
        reported_at=timezone.now(),
        report_channel="family",
        given_names="Nueva",
        last_seen_on=timezone.localdate(),
        last_seen_place=places["qro_city"],
    )
    case = open_report(data, organisation=org, actor=coordinator)
    assert case.reference == f"RAMX-{year}-{before + 1:04d}"
    assert case.reference not in references


def test_references_follow_the_order_of_the_reports(seeded):
    for code in ("RAMX", "RAGT", "RAHN"):
        cases = Case.objects.filter(organisation__code=code).order_by("reported_at")
        assert [c.reference for c in cases] == sorted(c.reference for c in cases)


def test_one_audit_entry_for_the_whole_seeding(seeded):
    entries = AuditEntry.objects.filter(actor_label="system:seed_demo")
    assert entries.count() == 1
    assert AuditEntry.objects.count() == 1
    assert entries.get().detail["cases"] == 40


def test_if_empty_does_nothing_the_second_time(seeded):
    counts = (Case.objects.count(), User.objects.count(), ConsentRecord.objects.count())
    out = seed("--cases", "40", "--if-empty")
    assert "nothing to do" in out
    assert (Case.objects.count(), User.objects.count(), ConsentRecord.objects.count()) == counts


def test_seeding_again_adds_cases_that_continue_the_numbering(seeded):
    seed("--cases", "20", "--seed", "8")
    assert Case.objects.count() == 60
    assert Organisation.objects.filter(is_demo=True).count() == 3
    references = list(Case.objects.values_list("reference", flat=True))
    assert len(set(references)) == 60


def test_refuses_without_localities(db):
    with pytest.raises(CommandError, match=r"Run `manage.py load_places` first"):
        seed("--cases", "5")
    assert not Organisation.objects.exists()


def test_refuses_to_take_over_a_real_organisation(places):
    Organisation.objects.create(name="Real", code="RAMX", country="MX")
    with pytest.raises(CommandError, match="not a demo organisation"):
        seed("--cases", "5")
    assert not Case.objects.exists()


def test_same_seed_same_data(places):
    now = timezone.make_aware(datetime(2026, 6, 1, 12, 0))

    def snapshot():
        return [
            (c.reference, c.status, c.reported_at, c.person.full_name, c.person.aliases, c.last_seen_place_id)
            for c in Case.objects.select_related("person").order_by("reference")
        ]

    generate.seed_demo(cases=30, seed=11, now=now)
    first = snapshot()
    Case.objects.all().delete()
    CaseCounter.objects.all().delete()
    generate.seed_demo(cases=30, seed=11, now=now)
    assert snapshot() == first
    Case.objects.all().delete()
    CaseCounter.objects.all().delete()
    generate.seed_demo(cases=30, seed=12, now=now)
    assert snapshot() != first


def test_places_are_weighted_to_the_focus_states(db):
    from redalert.lib.text import fold as f
    from redalert.places.models import Place, PlaceKind

    def add(kind, code, name, country, **extra):
        return Place.objects.create(kind=kind, code=code, name=name, search_name=f(name), country_code=country, **extra)

    mx = add(PlaceKind.COUNTRY, "MX", "México", "MX")
    gt = add(PlaceKind.COUNTRY, "GT", "Guatemala", "GT")
    mic = add(PlaceKind.SUBDIVISION, "MX-MIC", "Michoacán", "MX", parent=mx)
    jal = add(PlaceKind.SUBDIVISION, "MX-JAL", "Jalisco", "MX", parent=mx)
    morelia = add(PlaceKind.LOCALITY, "gn:1", "Morelia", "MX", parent=mx, subdivision=mic, population=700_000)
    add(PlaceKind.LOCALITY, "gn:2", "Guadalajara", "MX", parent=mx, subdivision=jal, population=1_500_000)
    add(PlaceKind.LOCALITY, "gn:3", "Cobán", "GT", parent=gt, population=70_000)
    add(PlaceKind.LOCALITY, "gn:4", "Madrid", "ES", population=3_000_000)  # not a place of the demo
    generate.seed_demo(cases=200, seed=1)
    places = Counter(Case.objects.values_list("last_seen_place__code", flat=True))
    assert "gn:4" not in places
    assert places["gn:1"] > places["gn:2"]
    assert Case.objects.filter(organisation__code="RAMX", last_seen_place=morelia).count() > 60


def test_sensitive_fields_are_encrypted_at_rest_and_read_back(seeded):
    from django.db import connection

    from redalert.cases.models import FamilyContact

    contact = FamilyContact.objects.exclude(phone="").first()
    assert re.fullmatch(r"\+(52555555|50[2345]5555)\d{4}", contact.phone)  # fictional numbers, E.164
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM cases_familycontact WHERE id = %s", [contact.pk])
        assert cursor.fetchone()[0].startswith("fernet:")
    event = TimelineEvent.objects.filter(kind=TimelineKind.STATUS).first()
    assert set(event.summary_data) == {"from", "to", "on", "reason"}
    spoken = [p.languages for p in MissingPerson.objects.exclude(languages=[])]
    assert spoken and all("spa" in languages for languages in spoken)


def test_demo_data_is_refused_where_not_allowed(settings, places):
    from django.core.management import CommandError, call_command

    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="ALLOW_DEMO_DATA"):
        call_command("seed_demo", "--cases", "3")
    with pytest.raises(CommandError, match="ALLOW_DEMO_DATA"):
        call_command("demo_logins")


def test_demo_puts_consenting_cases_on_the_public_site(seeded):
    from redalert.consent.rules import may_use
    from redalert.public.exposure import public_cases
    from redalert.public.models import Publication

    published = Publication.objects.filter(is_public=True, case__organisation__is_demo=True)
    assert published.exists()
    visible = set(public_cases().values_list("pk", flat=True))
    for publication in published.select_related("case"):
        assert may_use(publication.case, "publish")  # only cases whose family consented
        assert publication.case_id in visible


def test_after_the_demo_data_every_rebuild_finds_nothing_to_change(seeded):
    """The seeder writes in bulk past the services and rebuilds the read models itself: nothing is left behind."""
    follow_changes()
    assert_rebuilds_find_nothing()
