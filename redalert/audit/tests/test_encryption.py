"""Encryption at rest: what reaches the database, and rotating to a new key with `rotate_encryption_keys`."""

from __future__ import annotations

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from redalert.audit.log import verify_chain
from redalert.audit.management.commands.rotate_encryption_keys import ACTOR, encrypted_models
from redalert.audit.models import AuditAction, AuditEntry
from redalert.cases.models import Case, FamilyContact, Note
from redalert.lib import crypto

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()
PHONE = "+524421234567"
ADDRESS = "Calle Morelos 45, Col. Centro, Querétaro"


def stored(model, pk, column):
    """The value in the database, as an attacker with a copy of it would see it."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {connection.ops.quote_name(column)} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def set_stored(model, pk, column, value):
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {connection.ops.quote_name(column)} = %s WHERE id = %s", [value, pk])  # noqa: S608


def rotate_command(*args):
    out = StringIO()
    call_command("rotate_encryption_keys", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def contact(make_case, org_a, coordinator):
    case = make_case(org_a, coordinator)
    return FamilyContact.objects.create(
        case=case, name="Rosa Hernández Cruz", relationship="mother", phone=PHONE, address=ADDRESS, notes="Turno noche"
    )


def test_encrypted_fields_round_trip_through_the_database(contact):
    loaded = FamilyContact.objects.get(pk=contact.pk)
    assert (loaded.phone, loaded.address, loaded.notes, loaded.email) == (PHONE, ADDRESS, "Turno noche", "")
    assert FamilyContact.objects.values_list("phone", flat=True).get(pk=contact.pk) == PHONE
    case = Case.objects.get(pk=contact.case_id)
    assert case.reporter_phone == "+524421234567"
    assert case.last_seen_place_detail == "Calle Hidalgo 12, frente a la tienda"


def test_the_database_holds_tokens_not_the_plaintext(contact):
    for column, plaintext in [("phone", PHONE), ("address", ADDRESS)]:
        raw = stored(FamilyContact, contact.pk, column)
        assert raw.startswith("fernet:")
        assert plaintext not in raw
        assert "Morelos" not in raw and "4421234567" not in raw
    raw_case = stored(Case, contact.case_id, "circumstances")
    assert raw_case.startswith("fernet:") and "escuela" not in raw_case
    assert stored(FamilyContact, contact.pk, "email") == ""  # "nothing recorded" stays visible


def test_the_same_value_encrypts_differently_each_time(contact):
    other = FamilyContact.objects.create(case=contact.case, name="Otra", relationship="sibling", phone=PHONE)
    assert stored(FamilyContact, contact.pk, "phone") != stored(FamilyContact, other.pk, "phone")


def test_crypto_helpers():
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        token = crypto.encrypt("dato")
        assert crypto.is_current(token)
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
        assert not crypto.is_current(token)
        rotated = crypto.rotate(token)
        assert crypto.is_current(rotated) and crypto.decrypt(rotated) == "dato"
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        assert crypto.decrypt(rotated) == "dato"
        with pytest.raises(ImproperlyConfigured):
            crypto.decrypt(token)
        with pytest.raises(ImproperlyConfigured):
            crypto.rotate(token)
        with pytest.raises(ValueError, match="not an encrypted token"):
            crypto.rotate("dato")
    with override_settings(FIELD_ENCRYPTION_KEYS=[]), pytest.raises(ImproperlyConfigured, match="empty"):
        crypto.encrypt("dato")


def test_the_command_finds_every_model_with_encrypted_columns():
    found = {model: [f.attname for f in fields] for model, fields in encrypted_models()}
    assert found[FamilyContact] == ["phone", "email", "address", "notes"]
    assert found[Note] == ["body"]
    assert "reporter_phone" in found[Case]
    assert all(crypto.encrypted_fields(model) for model in found)


def test_rotation_moves_every_value_to_the_new_key(make_case, org_a, coordinator):
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        cases = [make_case(org_a, coordinator) for _ in range(3)]
        contacts = [
            FamilyContact.objects.create(case=c, name="Rosa", relationship="mother", phone=PHONE, address=ADDRESS)
            for c in cases
        ]
    old_tokens = [stored(FamilyContact, c.pk, "phone") for c in contacts]

    # Before rotation the new key alone cannot read what the old key wrote.
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        with pytest.raises(ImproperlyConfigured):
            FamilyContact.objects.get(pk=contacts[0].pk)
        with pytest.raises(ImproperlyConfigured):
            Case.objects.get(pk=cases[0].pk)

    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
        out = rotate_command("--batch-size", "2")
    assert "cases.FamilyContact: 3 rows, re-encrypted 6 values (0 already current" in out
    assert "cases.Case: 3 rows, re-encrypted 9 values" in out  # phone, place detail, circumstances

    new_tokens = [stored(FamilyContact, c.pk, "phone") for c in contacts]
    assert all(t.startswith("fernet:") for t in new_tokens)
    assert not set(old_tokens) & set(new_tokens)
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        for contact in contacts:
            loaded = FamilyContact.objects.get(pk=contact.pk)
            assert (loaded.phone, loaded.address) == (PHONE, ADDRESS)
        for case in cases:
            loaded_case = Case.objects.get(pk=case.pk)
            assert loaded_case.circumstances == "Salió a la escuela y no regresó."
            assert loaded_case.reporter_email == ""

    entry = AuditEntry.objects.filter(actor_label=ACTOR).get()
    assert entry.action == AuditAction.SECURITY and entry.actor_id is None
    assert entry.detail["completed"] is True
    assert entry.detail["models"]["cases.familycontact"]["rotated"] == 6
    assert entry.detail["models"]["cases.case"]["rows_updated"] == 3
    assert PHONE not in str(entry.detail) and OLD_KEY not in str(entry.detail) and NEW_KEY not in str(entry.detail)
    assert verify_chain() == []


def test_rotation_is_idempotent(contact):
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, *settings.FIELD_ENCRYPTION_KEYS]):
        rotate_command()
        after_first = stored(FamilyContact, contact.pk, "address")
        out = rotate_command()
        assert stored(FamilyContact, contact.pk, "address") == after_first
    assert "cases.FamilyContact: 1 rows, re-encrypted 0 values (3 already current" in out
    assert "0 rows updated" in out
    assert AuditEntry.objects.filter(actor_label=ACTOR).count() == 2


def test_a_dry_run_writes_nothing(contact):
    before = stored(FamilyContact, contact.pk, "phone")
    entries = AuditEntry.objects.count()
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, *settings.FIELD_ENCRYPTION_KEYS]):
        out = rotate_command("--dry-run")
    assert "cases.FamilyContact: 1 rows, would re-encrypt 3 values" in out
    assert "(dry run, nothing written)" in out
    assert stored(FamilyContact, contact.pk, "phone") == before
    assert AuditEntry.objects.count() == entries


def test_values_no_key_can_read_are_reported_and_left_alone(contact):
    before = stored(FamilyContact, contact.pk, "phone")
    err = StringIO()
    with (
        override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]),
        pytest.raises(CommandError, match="could not be decrypted") as raised,
    ):
        call_command("rotate_encryption_keys", stdout=StringIO(), stderr=err)
    assert raised.value.returncode == 1
    assert f"cases.familycontact pk={contact.pk} field=phone" in err.getvalue()
    assert PHONE not in err.getvalue()
    assert stored(FamilyContact, contact.pk, "phone") == before
    entry = AuditEntry.objects.filter(actor_label=ACTOR).get()
    assert entry.detail["models"]["cases.familycontact"]["undecryptable"] == 3


def test_unencrypted_leftovers_are_encrypted(contact):
    set_stored(FamilyContact, contact.pk, "notes", "escrito antes del cifrado")
    out = rotate_command()
    assert "1 unencrypted values encrypted" in out
    assert stored(FamilyContact, contact.pk, "notes").startswith("fernet:")
    assert FamilyContact.objects.get(pk=contact.pk).notes == "escrito antes del cifrado"


def test_rotation_refuses_to_run_without_keys(db):
    with override_settings(FIELD_ENCRYPTION_KEYS=[]), pytest.raises(CommandError, match="empty"):
        rotate_command()


def test_an_interrupted_rotation_is_still_audited(contact, monkeypatch):
    def broken(stored):
        raise RuntimeError("disk full")

    monkeypatch.setattr(crypto, "rotate", broken)
    with (
        override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, *settings.FIELD_ENCRYPTION_KEYS]),
        pytest.raises(RuntimeError, match="disk full"),
    ):
        rotate_command()
    entry = AuditEntry.objects.filter(actor_label=ACTOR).get()
    assert entry.detail["completed"] is False
    assert verify_chain() == []
