"""The staff menu's flags: each app registers its own, the context processor only evaluates them."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from redalert.access.context import navigation
from redalert.access.policy import Action, may, may_edit_public_texts
from redalert.accounts.duties import may_see_requests
from redalert.accounts.permissions import may_manage_organisation
from redalert.accounts.roles import Role
from redalert.alerts.permissions import may_manage_directory, may_view_diligence
from redalert.api.permissions import may_manage_api_clients
from redalert.care.permissions import may_use_consultations
from redalert.cases.views import case_nav_context
from redalert.coalition.permissions import may_use_coalition_matching
from redalert.conversations.permissions import may_connect_channels, may_use_inbox
from redalert.duplicates.permissions import may_review_duplicates
from redalert.found.permissions import may_view_register
from redalert.hotline.permissions import may_edit_script, may_see_hotline_statistics, may_use_desk
from redalert.identity.permissions import may_manage_identity_provider
from redalert.imports.permissions import may_import
from redalert.legal.permissions import may_edit_rates, may_see_own_proceedings
from redalert.lib import navigation as registry
from redalert.maps.permissions import may_view_maps
from redalert.opendata.permissions import may_export
from redalert.pfif.permissions import may_review
from redalert.prevention.permissions import may_read_register
from redalert.retention.permissions import may_edit_policy, may_review_requests
from redalert.security.permissions import may_view_security_events
from redalert.shelters.permissions import may_list_facilities
from redalert.statistics.permissions import may_see_coalition_report, may_see_statistics
from redalert.transfers.permissions import may_see_transfers
from redalert.webhooks.permissions import may_manage_webhooks


def _expected(user):
    """What each menu flag means, written out once here (the apps register the same checks)."""
    return {
        "may_create_case": may(user, Action.CREATE),
        "may_manage_members": may_manage_organisation(user),
        "may_decide_access_requests": may_see_requests(user),
        "may_edit_public_texts": may_edit_public_texts(user),
        "may_see_own_proceedings": may_see_own_proceedings(user),
        "may_list_shelters": may_list_facilities(user),
        "may_use_consultations": may_use_consultations(user),
        "may_edit_rates": may_edit_rates(user),
        "may_manage_alert_directory": may_manage_directory(user),
        "may_view_diligence": may_view_diligence(user),
        "may_see_statistics": may_see_statistics(user),
        "may_see_regional": may_see_coalition_report(user),
        "may_view_maps": may_view_maps(user),
        "may_read_prevention": may_read_register(user),
        "may_import": may_import(user),
        "may_export_data": may_export(user),
        "may_view_security_events": may_view_security_events(user),
        "may_edit_retention": may_edit_policy(user),
        "may_review_erasures": may_review_requests(user),
        "may_manage_api_clients": may_manage_api_clients(user),
        "may_manage_identity_provider": may_manage_identity_provider(user),
        "may_manage_webhooks": may_manage_webhooks(user),
        "may_review_duplicates": may_review_duplicates(user),
        "may_use_coalition_matching": may_use_coalition_matching(user),
        "may_view_found_register": may_view_register(user),
        "may_review_pfif": may_review(user),
        "may_use_inbox": may_use_inbox(user),
        "may_connect_channels": may_connect_channels(user),
        "may_use_hotline_desk": may_use_desk(user),
        "may_see_hotline_statistics": may_see_hotline_statistics(user),
        "may_edit_hotline_script": may_edit_script(user),
        "may_see_transfers": may_see_transfers(user),
    }


def _context(user):
    request = RequestFactory().get("/")
    request.user = user
    return navigation(request)


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_every_role_gets_every_flag_from_the_apps_that_own_the_pages(org_a, make_user, role):
    user = make_user(org_a, role)
    assert _context(user) == _expected(user)


def test_every_flag_the_templates_read_is_registered_at_start_up(org_a, make_user):
    assert set(registry.registered()) == set(_expected(make_user(org_a)))


def test_visitors_and_users_without_an_organisation_get_no_flags(db, make_user, org_a):
    assert _context(AnonymousUser()) == {}
    loner = make_user(org_a, "coordinator")
    loner.organisation = None
    assert _context(loner) == {}


def test_a_flag_claimed_by_two_checks_is_refused():
    registry.register("may_view_maps", may_view_maps)  # the same check again: harmless
    with pytest.raises(ValueError, match="may_view_maps"):
        registry.register("may_view_maps", may_export)


def test_the_case_file_offers_other_apps_tabs_through_the_registry(make_case, org_a, coordinator, make_user):
    case = make_case(org_a, coordinator)
    assert {"may_see_care", "may_request_erasure"} <= set(registry.case_tabs_for(coordinator, case))
    assert case_nav_context(coordinator, case)["may_request_erasure"] is True
    analyst = make_user(org_a, "analyst")
    assert case_nav_context(analyst, case)["may_request_erasure"] is False
