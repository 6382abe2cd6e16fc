"""The map rows of a case are derived from its file, and follow it when it changes (once the workers ran the
queued followers: `follow_changes()` here)."""

from __future__ import annotations

from datetime import date

import h3.api.basic_int as h3

from redalert.cases.models import Case
from redalert.cases.services import save_changes
from redalert.changes.announce import catch_up
from redalert.consent.choices import Decision, Purpose
from redalert.consent.rules import rebuild_current_consents
from redalert.investigation.choices import NOT_KNOWN, TypeOfExploitation
from redalert.maps.facts import FOLLOWER, rebuild_map_facts, sync
from redalert.maps.filters import EXPLOITATION_BITS, exploitation_bits
from redalert.maps.models import CaseMapFact, MapState, RouteFact
from redalert.maps.places import place_info
from redalert.testing import follow_changes, record_consent, write_consent_past_the_services


def test_a_new_case_is_counted_in_its_year_and_town(make_case, org_a, coordinator, places):
    case = make_case(org_a, coordinator)  # last seen 2026-03-01 in Santiago de Querétaro, born 2008-05-14
    assert not CaseMapFact.objects.filter(case=case).exists()  # queued: the workers derive it
    assert catch_up(names={FOLLOWER}) == 1  # one announcement for this follower (others follow it too)
    fact = CaseMapFact.objects.get(case=case)
    assert (fact.organisation_id, fact.year, fact.sex, fact.age) == (org_a.pk, 2026, "female", 17)
    assert fact.place_id == places["qro_city"].pk
    assert fact.exploitation == 0  # not recorded
    assert fact.statistics is False  # no consent to statistics recorded


def test_a_town_has_its_state_and_the_cells_of_its_public_centre(places):
    town = places["qro_city"]
    info = place_info([town.pk])[town.pk]
    assert (info.subdivision_id, info.country_code, info.area) == (places["qro"].pk, "MX", "MX-QUE")
    assert info.cells is not None
    assert info.cells[7] == h3.latlng_to_cell(town.latitude, town.longitude, 7)
    assert info.cells[4] == h3.cell_to_parent(info.cells[7], 4)
    assert set(info.cells) == {2, 3, 4, 5, 6, 7}  # never finer than 7


def test_a_state_has_no_cells_and_a_country_no_state(places):
    infos = place_info([places["tlax"].pk, places["gt"].pk])
    assert infos[places["tlax"].pk].subdivision_id == places["tlax"].pk
    assert infos[places["tlax"].pk].cells is None
    assert infos[places["gt"].pk].subdivision_id is None
    assert infos[places["gt"].pk].area == "GT"


def test_unknown_age_stays_unknown(make_case, org_a, coordinator):
    case = make_case(org_a, coordinator, birth_date=None, estimated_age=None)
    follow_changes()
    fact = CaseMapFact.objects.get(case=case)
    assert fact.age is None


def test_editing_the_place_and_date_last_seen_moves_the_case(make_case, org_a, coordinator, places):
    case = make_case(org_a, coordinator)
    edited = Case.objects.get(pk=case.pk)
    edited.last_seen_place = places["tlax_city"]
    edited.last_seen_on = date(2025, 12, 30)
    save_changes(case, [edited], actor=coordinator)
    follow_changes()
    fact = CaseMapFact.objects.get(case=case)
    assert fact.place_id == places["tlax_city"].pk
    assert fact.year == 2025
    assert fact.age == 17


def test_exploitation_types_become_bits_and_not_known_is_kept_apart(make_case, org_a, coordinator, exploitation):
    case = make_case(org_a, coordinator)
    exploitation(case, coordinator, "SexualExploitation", "ForcedLabour")
    follow_changes()
    bits = CaseMapFact.objects.get(case=case).exploitation
    assert bits == EXPLOITATION_BITS["SexualExploitation"] | EXPLOITATION_BITS["ForcedLabour"]
    exploitation(case, coordinator, NOT_KNOWN)
    follow_changes()
    assert CaseMapFact.objects.get(case=case).exploitation == EXPLOITATION_BITS[NOT_KNOWN]


def test_every_type_of_exploitation_has_its_own_bit():
    assert set(TypeOfExploitation.values) | {NOT_KNOWN} == set(EXPLOITATION_BITS)
    assert len(set(EXPLOITATION_BITS.values())) == len(EXPLOITATION_BITS)
    assert exploitation_bits(["SomethingNew"]) == EXPLOITATION_BITS["Other"]
    assert exploitation_bits([]) == 0


def test_a_route_goes_from_the_recruitment_area_to_each_exploitation_area(make_case, org_a, coordinator, route, places):
    case = make_case(org_a, coordinator, last_seen_place=places["gt"])
    route(case, coordinator, "Exploitation", "tlax_city", date(2026, 3, 10))
    route(case, coordinator, "Recruitment", "qro_city", date(2026, 2, 1))
    route(case, coordinator, "Transit", "gt")
    route(case, coordinator, "Exploitation", "gt")
    route(case, coordinator, "Exploitation", None)  # place not known: no leg
    follow_changes()
    legs = set(RouteFact.objects.filter(case=case).values_list("origin", "destination"))
    assert legs == {("MX-QUE", "MX-TLA"), ("MX-QUE", "GT")}


def test_without_a_recruitment_place_the_route_starts_where_she_was_last_seen(make_case, org_a, coordinator, route):
    case = make_case(org_a, coordinator)
    route(case, coordinator, "Recruitment", None)
    follow_changes()
    assert not RouteFact.objects.filter(case=case).exists()  # no exploitation place yet
    route(case, coordinator, "Exploitation", "tlax")
    follow_changes()
    assert list(RouteFact.objects.filter(case=case).values_list("origin", "destination")) == [("MX-QUE", "MX-TLA")]


def test_cases_written_in_bulk_are_picked_up_by_the_next_sync(make_case, org_a, coordinator):
    cases = [make_case(org_a, coordinator) for _ in range(3)]
    follow_changes()
    CaseMapFact.objects.all().delete()  # as if written past the services (seed_demo)
    MapState.objects.update_or_create(pk=1, defaults={"last_case_id": cases[0].pk})
    version = MapState.objects.get().version
    result = sync()
    assert result.cases == 2 and result.version > version
    assert set(CaseMapFact.objects.values_list("case_id", flat=True)) == {c.pk for c in cases[1:]}
    assert sync().cases == 0
    assert rebuild_map_facts() == 1  # the first case, below the watermark
    assert CaseMapFact.objects.count() == 3
    assert rebuild_map_facts() == 0


def test_consent_to_statistics_reaches_the_map_rows_at_the_next_sync(make_case, org_a, coordinator, route):
    case = make_case(org_a, coordinator)
    route(case, coordinator, "Exploitation", "tlax")
    sync()
    record_consent(case, Purpose.STATISTICS, coordinator)
    sync()  # catches up the queued follower before drawing
    assert CaseMapFact.objects.get(case=case).statistics
    assert RouteFact.objects.get(case=case).statistics
    record_consent(case, Purpose.STATISTICS, coordinator, Decision.WITHDRAWN)
    version = MapState.objects.get().version
    assert sync().version > version
    assert not CaseMapFact.objects.get(case=case).statistics
    assert not RouteFact.objects.get(case=case).statistics
    version = MapState.objects.get().version
    again = sync()
    assert again.consents == 0 and again.version == version  # nothing new: no change, same version


def test_consent_recorded_past_the_services_reaches_the_map_rows_at_the_next_sync(make_case, org_a, coordinator):
    case = make_case(org_a, coordinator)
    sync()
    write_consent_past_the_services(case, Purpose.STATISTICS, coordinator)
    rebuild_current_consents([case.pk])  # as a bulk load must
    assert sync().consents == 1
    assert CaseMapFact.objects.get(case=case).statistics


def test_a_deleted_case_leaves_no_map_rows(make_case, org_a, coordinator, route):
    case = make_case(org_a, coordinator)
    route(case, coordinator, "Exploitation", "tlax")
    CaseMapFact.objects.filter(case=case).update(year=1999)
    case.delete()
    assert not CaseMapFact.objects.exists()
    assert not RouteFact.objects.exists()
