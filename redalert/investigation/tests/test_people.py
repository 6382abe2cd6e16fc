"""People linked to a case: encrypted values, normalised keyed hashes, and "also appears in" only across cases the
user may see the investigation of."""

from django.db import connection
from django.urls import reverse

from redalert.cases.services import add_team_member
from redalert.investigation.matching import KeyKind, digest, name_key, plate_key
from redalert.investigation.models import LinkedPerson, MatchKey
from redalert.testing import follow_changes


def link(client, case, **fields):
    data = {"person-link": "perpetrator", "person-role_in_process": "RecruiterOrIntermediary", **fields}
    data = {k if k.startswith("person-") else f"person-{k}": v for k, v in data.items()}
    return client.post(reverse("investigation:person_add", args=[case.pk]), data, HTTP_ACCEPT_LANGUAGE="en")


def test_normalisation():
    assert name_key("  José-Luis  GÓMEZ ") == "jose luis gomez"
    assert plate_key("abc-12 3") == "ABC123"
    assert digest(KeyKind.PHONE, "+524421234567") != "+524421234567"


def test_phones_are_stored_in_e164_and_values_encrypted_with_keyed_hashes(client_for, case, investigator):
    response = link(
        client_for(investigator),
        case,
        name="José Luis Gómez",
        aliases="El Güero\nPepe",
        phones="442 555 1234\n+52 (55) 1234 5678",
        plates="QRO-123-A",
        venues="Bar La Estrella",
    )
    assert response.status_code == 302
    person = LinkedPerson.objects.get()
    assert person.phones == "+524425551234\n+525512345678"
    follow_changes()  # the match keys follow through the workers' queue
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, aliases, phones, plates, venues FROM investigation_linkedperson")
        assert all(v.startswith("fernet:") for v in cursor.fetchone())
        cursor.execute("SELECT digest FROM investigation_matchkey")
        stored = {row[0] for row in cursor.fetchall()}
    assert digest(KeyKind.PHONE, "+524425551234") in stored
    assert digest(KeyKind.NAME, "el guero") in stored
    assert digest(KeyKind.PLATE, "QRO123A") in stored
    assert not any("gomez" in value or "5551234" in value for value in stored)


def test_a_bad_phone_or_no_name_is_refused(client_for, case, investigator):
    client = client_for(investigator)
    assert "not a phone number" in link(client, case, name="X", phones="llámame").content.decode()
    assert "Give a name or at least one alias" in link(client, case, name="", aliases="").content.decode()
    assert not LinkedPerson.objects.exists()


def test_also_appears_in_lists_only_cases_whose_investigation_the_user_may_see(
    client_for, make_case, case, investigator, coordinator, org_a, org_b, make_user
):
    client = client_for(investigator)
    link(client, case, name="José Luis Gómez", phones="+524425551234")
    # Same organisation, investigator on the team: listed.
    shared = make_case(org_a, coordinator, given_names="Daniela")
    add_team_member(shared, investigator, actor=coordinator)
    link(client, shared, name="Pepe", aliases="JOSE LUIS GOMEZ")
    # Same organisation, investigator not on the team: not listed.
    hidden = make_case(org_a, coordinator, given_names="Karla")
    link(client_for(coordinator), hidden, name="Otro", phones="442 555 1234")
    # Another organisation with the same phone: never listed, its keys are in another organisation.
    other_coordinator = make_user(org_b, "coordinator")
    foreign = make_case(org_b, other_coordinator, given_names="Lucía")
    link(client_for(other_coordinator), foreign, name="José Luis Gómez", phones="+524425551234")
    follow_changes()

    page = client.get(reverse("investigation:overview", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Also appears in" in page
    assert shared.reference in page
    assert hidden.reference not in page
    assert foreign.reference not in page

    # The coordinator sees every case of the organisation's investigations she is on the team of.
    add_team_member(hidden, coordinator, actor=coordinator)
    add_team_member(case, coordinator, actor=coordinator)
    page = client_for(coordinator).get(reverse("investigation:overview", args=[case.pk])).content.decode()
    assert hidden.reference in page and shared.reference in page and foreign.reference not in page
    assert MatchKey.objects.filter(case=foreign, organisation_id=org_b.pk).exists()


def test_rebuild_match_keys_follows_a_new_secret_key(case, coordinator, settings):
    from django.core.management import call_command

    from redalert.investigation.services import save_linked_person

    save_linked_person(case, LinkedPerson(link="suspect", name="Pepe", phones="+524425551234"), actor=coordinator)
    follow_changes()
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789abcdefghijkl"
    call_command("rebuild_match_keys")
    assert MatchKey.objects.filter(kind=KeyKind.PHONE, digest=digest(KeyKind.PHONE, "+524425551234")).exists()
