"""Erasure and retention reach the hotline: a case's contacts lose what they say about people when its identity is
erased, contacts linked to no case lose it after the organisation's period; the skeleton stays; both are audited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

from redalert.audit.models import AuditEntry
from redalert.hotline import actions
from redalert.hotline.models import Contact
from redalert.matching.models import AdditionalReport
from redalert.retention.erasure import erase_case_identity
from redalert.retention.jobs import apply_for
from redalert.retention.models import RetentionPolicy
from redalert.retention.registry import case_erasers, expiry_rules

PERSONAL = ("summary", "caller_name", "caller_phone", "caller_email")


def raw(table: str, pk: int, columns: tuple[str, ...]) -> dict[str, str]:
    """The stored column values (ciphertext for encrypted fields), read past the ORM."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE id = %s", [pk])  # noqa: S608 (test names)
        return dict(zip(columns, cursor.fetchone(), strict=True))


def taken(org: Any, by: Any, who: str, **extra: Any) -> Contact:
    """A phone contact where the caller told her story and agreed to be contacted back."""
    contact = actions.open_contact(org, by=by, channel="phone")
    actions.record_urgency(contact, "no_danger", by=by)
    values = {
        "summary": f"{who} vio a la joven en la central de autobuses",
        "caller_agrees_to_contact": True,
        "caller_name": who,
        "caller_phone": "+524421112233",
        "caller_email": "llamante@example.org",
        "caller_relation": "family",
        "victims": 1,
        "victims_female": 1,
        "indicators": {"control:FalsePromises": "yes"},
        **extra,
    }
    actions.save_details(contact, values, by=by)
    contact.refresh_from_db()
    return contact


def is_blank(contact: Contact) -> bool:
    stored = raw("hotline_contact", contact.pk, PERSONAL)
    return all(value == "" for value in stored.values())


def test_the_hotline_registers_its_steps() -> None:
    assert "hotline_contacts" in case_erasers()
    assert "hotline_contacts_anonymised" in {rule.name for rule in expiry_rules()}


def test_erasing_a_case_blanks_its_contacts_and_nothing_of_another_case(
    org_a: Any, caseworker: Any, coordinator: Any, make_case: Any
) -> None:
    case = make_case(org_a, coordinator)
    other = make_case(org_a, coordinator, given_names="Ana")
    further = taken(org_a, caseworker, "Lucía Llamante")
    report = actions.add_to_case(further, case, by=caseworker)
    as_tip = taken(org_a, caseworker, "Marta Testigo")
    actions.add_tip(as_tip, case, by=caseworker, description="La vieron en Tlaxcala")
    kept = taken(org_a, caseworker, "Elena Otra")
    actions.add_to_case(kept, other, by=caseworker)
    unlinked = taken(org_a, caseworker, "Sara Sola")
    assert not is_blank(further)
    assert raw("hotline_contact", further.pk, ("caller_phone",))["caller_phone"].startswith("fernet:")

    assert erase_case_identity(case, coordinator) is True

    for contact in (further, as_tip):
        assert is_blank(contact)
        contact.refresh_from_db()
        assert not contact.caller_agrees_to_contact
        # The skeleton the statistics and the audit need stays.
        assert contact.case == case and contact.channel == "phone" and contact.caller_relation == "family"
        assert contact.victims == 1 and contact.indicators == {"control:FalsePromises": "yes"}
        assert contact.reference and contact.started_at and contact.urgency == "no_danger"
    stored = raw("matching_additionalreport", report.pk, ("reporter_name", "reporter_phone", "narrative"))
    assert stored == {"reporter_name": "", "reporter_phone": "", "narrative": ""}
    assert AdditionalReport.objects.get(pk=report.pk).channel == "hotline"
    for contact in (kept, unlinked):
        assert not is_blank(contact)
        contact.refresh_from_db()
        assert contact.caller_name in ("Elena Otra", "Sara Sola") and contact.caller_phone == "+524421112233"
    assert AdditionalReport.objects.get(case=other).reporter_name == "Elena Otra"

    entry = AuditEntry.objects.filter(case_id=case.pk, detail__erased="identity").get()
    assert entry.detail["sections"]["hotline_contacts"] == 2
    assert "Lucía" not in str(entry.detail) and "4421112233" not in str(entry.detail)


def test_the_daily_job_anonymises_expired_unlinked_contacts_only(
    org_a: Any, org_b: Any, caseworker: Any, coordinator: Any, make_case: Any, make_user: Any
) -> None:
    today = timezone.localdate()
    old = taken(org_a, caseworker, "Vieja Sinliga")
    actions.close_contact(old, by=caseworker, outcome="information")
    never_ended = taken(org_a, caseworker, "Abierta Antigua")
    recent = taken(org_a, caseworker, "Reciente Sinliga")
    ended_lately = taken(org_a, caseworker, "Terminó Hace Poco")
    linked = taken(org_a, caseworker, "Ligada Antigua")
    actions.add_to_case(linked, make_case(org_a, coordinator), by=caseworker)
    other_org = taken(org_b, make_user(org_b, "call_taker"), "Otra Organización")
    long_ago = timezone.now() - timedelta(days=400)
    Contact.objects.filter(pk__in=[old.pk, never_ended.pk, linked.pk, other_org.pk, ended_lately.pk]).update(
        started_at=long_ago
    )
    Contact.objects.filter(pk=old.pk).update(ended_at=long_ago + timedelta(minutes=20))
    Contact.objects.filter(pk=ended_lately.pk).update(ended_at=timezone.now() - timedelta(days=10))
    RetentionPolicy.objects.create(organisation=org_b, unlinked_contact_days=5000)

    result = apply_for(org_a, today)

    assert result.counts["hotline_contacts_anonymised"] == 2
    assert is_blank(old) and is_blank(never_ended)
    assert not any(is_blank(c) for c in (recent, ended_lately, linked))
    old.refresh_from_db()
    assert old.outcome == "information" and old.victims_female == 1 and old.ended_at is not None
    entry = AuditEntry.objects.filter(detail__has_key="retention", organisation_id=org_a.pk).get()
    assert entry.detail["retention"]["hotline_contacts_anonymised"] == 2

    assert apply_for(org_b, today).counts["hotline_contacts_anonymised"] == 0  # its period is longer
    assert not is_blank(other_org)
    again = apply_for(org_a, today)
    assert again.counts["hotline_contacts_anonymised"] == 0
    assert AuditEntry.objects.filter(detail__has_key="retention", organisation_id=org_a.pk).count() == 1
