"""Template context: what the navigation may offer the current user."""

from typing import Any

from django.http import HttpRequest

from redalert.access.policy import Action, may, may_edit_public_texts, may_manage_organisation


def navigation(request: HttpRequest) -> dict[str, Any]:
    user: Any = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.organisation_id:
        return {}
    from redalert.accounts.roles import Role
    from redalert.alerts.permissions import may_manage_directory, may_view_diligence
    from redalert.care.permissions import may_use_consultations
    from redalert.imports.permissions import may_import
    from redalert.legal.permissions import may_edit_rates
    from redalert.maps.permissions import may_view_maps
    from redalert.opendata.permissions import may_export
    from redalert.prevention.permissions import may_read_register
    from redalert.shelters.permissions import may_list_facilities
    from redalert.statistics.permissions import may_see_coalition_report, may_see_statistics

    return {
        "may_create_case": may(user, Action.CREATE),
        "may_manage_members": may_manage_organisation(user),
        "may_edit_public_texts": may_edit_public_texts(user),
        "may_see_own_proceedings": user.has_role(Role.LAWYER, Role.COORDINATOR),
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
    }
