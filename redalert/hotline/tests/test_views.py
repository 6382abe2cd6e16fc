"""The desk's pages: who may use them (another organisation's contact is a 404), urgency and whom to call, bad input
answered with a message and nothing half-saved, a call ending in a new report through the intake."""

from __future__ import annotations

import re

from django.urls import reverse

from redalert.cases.models import Case
from redalert.hotline import actions
from redalert.hotline.models import Contact, ScriptPrompt
from redalert.hotline.tests.conftest import intake_post


def test_only_desk_staff_of_the_organisation_use_the_desk(client_for, call_taker, analyst, org_b, make_user):
    assert client_for(call_taker).get(reverse("hotline:desk")).status_code == 200
    assert client_for(analyst).get(reverse("hotline:desk")).status_code == 404
    response = client_for(call_taker).post(reverse("hotline:desk"), {"channel": "phone"})
    contact = Contact.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("hotline:contact", args=[contact.pk])
    outsider = make_user(org_b, "coordinator", "call_taker")
    assert client_for(outsider).get(reverse("hotline:contact", args=[contact.pk])).status_code == 404
    assert (
        client_for(outsider)
        .post(reverse("hotline:step", args=[contact.pk, "urgency"]), {"u-urgency": "danger"})
        .status_code
        == 404
    )
    contact.refresh_from_db()
    assert contact.urgency == ""


def test_a_call_taker_sees_only_her_contacts_a_coordinator_all(client_for, contact, org_a, make_user, coordinator):
    other_taker = make_user(org_a, "call_taker", username="otra")
    url = reverse("hotline:contact", args=[contact.pk])
    assert client_for(other_taker).get(url).status_code == 404
    assert client_for(coordinator).get(url).status_code == 200


def test_immediate_danger_shows_whom_to_call_and_records_the_call(client_for, call_taker, contact, directory, places):
    Contact.objects.filter(pk=contact.pk).update(place=places["qro_city"])
    client = client_for(call_taker)
    response = client.post(reverse("hotline:step", args=[contact.pk, "urgency"]), {"u-urgency": "danger"})
    assert response.status_code == 302
    page = client.get(reverse("hotline:contact", args=[contact.pk])).content.decode()
    assert "Policía Estatal de Querétaro" in page and "Fiscalía Especial FEVIMTRA" in page
    assert "Fiscalía de Tlaxcala" not in page  # another state's authority
    assert page.index("Policía Estatal") < page.index("FEVIMTRA")  # the police first
    response = client.post(
        reverse("hotline:step", args=[contact.pk, "close"]), {"c-outcome": "crisis_support"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "Someone is in immediate danger: record the call to the authority first."
    ]
    contact.refresh_from_db()
    assert contact.ended_at is None
    client.post(
        reverse("hotline:step", args=[contact.pk, "emergency"]), {"e-authority": "Policía Estatal de Querétaro"}
    )
    contact.refresh_from_db()
    assert contact.emergency_called_at is not None and contact.emergency_authority == "Policía Estatal de Querétaro"


def test_bad_input_is_refused_with_a_message_and_nothing_saved(client_for, call_taker, contact):
    client = client_for(call_taker)
    url = reverse("hotline:step", args=[contact.pk, "details"])
    response = client.post(url, {"d-victims": "2", "d-victims_female": "3", "d-caller_name": "Lucía"})
    assert response.status_code == 400
    errors = response.context["details_form"].errors
    assert set(errors) == {"victims_female", "__all__"}  # more women than victims; caller data without agreement
    contact.refresh_from_db()
    assert contact.victims is None and contact.caller_name == ""
    assert client.post(reverse("hotline:step", args=[contact.pk, "urgency"]), {"u-urgency": "??"}).status_code == 400
    assert client.post(reverse("hotline:step", args=[contact.pk, "nonsense"]), {}).status_code == 404
    response = client.post(reverse("hotline:step", args=[contact.pk, "indicators"]), {"i-control:PhysicalAbuse": "x"})
    assert response.status_code == 400
    contact.refresh_from_db()
    assert contact.indicators == {}


def test_indicators_keep_not_asked_apart_from_no(client_for, call_taker, contact):
    client = client_for(call_taker)
    page = client.get(reverse("hotline:contact", args=[contact.pk])).content.decode()
    checked_not_asked = re.findall(r'<input[^>]*value="not_asked"[^>]*checked', page)
    assert len(checked_not_asked) > 40  # every item starts as "not asked"
    response = client.post(
        reverse("hotline:step", args=[contact.pk, "indicators"]),
        {"i-control:PhysicalAbuse": "yes", "i-control:DebtBondage": "no", "i-venue:massage": "not_asked"},
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.indicators == {"control:PhysicalAbuse": "yes", "control:DebtBondage": "no"}


def test_callers_data_is_shown_only_to_who_took_the_call_and_coordinators(
    client_for, call_taker, caseworker, coordinator, contact
):
    actions.save_details(contact, {"caller_agrees_to_contact": True, "caller_phone": "+524420009999"}, by=call_taker)
    url = reverse("hotline:contact", args=[contact.pk])
    assert "+524420009999" in client_for(call_taker).get(url).content.decode()
    assert "+524420009999" in client_for(coordinator).get(url).content.decode()
    assert "+524420009999" not in client_for(caseworker).get(url).content.decode()


def test_a_call_ends_in_a_new_report_through_the_intake(client_for, call_taker, contact, places):
    client = client_for(call_taker)
    client.post(reverse("hotline:step", args=[contact.pk, "urgency"]), {"u-urgency": "no_danger"})
    url = reverse("hotline:report", args=[contact.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'value="hotline" selected' in page.content.decode()
    response = client.post(url, intake_post(places, **{"person-given_names": ""}))
    assert response.status_code == 200 and not Case.objects.exists()  # bad input: nothing saved
    response = client.post(url, intake_post(places))
    assert response.status_code == 302 and response["Location"] == reverse("hotline:contact", args=[contact.pk])
    case = Case.objects.get()
    contact.refresh_from_db()
    assert contact.case == case and contact.outcome == "report_opened" and contact.urgency == "no_danger"
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404  # a call-taker opens no case file
    response = client.post(reverse("hotline:step", args=[contact.pk, "close"]), {"c-outcome": "report_opened"})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.ended_at is not None


def test_a_tip_needs_a_case_the_member_may_open(client_for, caseworker, call_taker, contact, case):
    url = reverse("hotline:tip", args=[contact.pk])
    assert client_for(call_taker).get(url).status_code == 404  # she opens no case
    client = client_for(caseworker)
    response = client.post(url, {"reference": "NOPE-1", "description": "La vieron ayer."})
    assert response.status_code == 400
    response = client.post(url, {"reference": case.reference.lower(), "description": "La vieron ayer."})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.tip is not None and contact.tip.case == case


def test_a_contact_added_to_an_existing_case_uses_the_matching_candidates(client_for, coordinator, contact, case):
    client = client_for(coordinator)
    url = reverse("hotline:further", args=[contact.pk])
    page = client.get(url, {"given_names": "María Fernanda", "first_surname": "López"}).content.decode()
    assert case.reference in page
    response = client.post(url, {"case": case.pk, "score": "0.9"})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.case == case
    assert client.post(url, {"case": "abc"}).status_code == 404


def test_the_script_is_edited_by_an_administrator_and_shown_on_the_desk(client_for, administrator, call_taker, contact):
    assert client_for(call_taker).get(reverse("hotline:script")).status_code == 404
    client = client_for(administrator)
    data = {
        "p-TOTAL_FORMS": "1",
        "p-INITIAL_FORMS": "0",
        "p-0-position": "1",
        "p-0-text": "Pregunte primero si está en un lugar seguro para hablar.",
        "p-0-is_active": "on",
    }
    assert client.post(reverse("hotline:script"), data).status_code == 302
    assert ScriptPrompt.objects.get().organisation == administrator.organisation
    page = client_for(call_taker).get(reverse("hotline:contact", args=[contact.pk])).content.decode()
    assert "lugar seguro para hablar" in page


def test_the_desk_speaks_spanish(client_for, call_taker, contact):
    client = client_for(call_taker)
    client.cookies["django_language"] = "es"
    page = client.get(reverse("hotline:contact", args=[contact.pk]), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Urgencia" in page and "No preguntado" in page


def test_a_call_taker_lands_on_the_desk(client_for, call_taker):
    client = client_for(call_taker)
    response = client.get(reverse("accounts:home"))
    assert response.status_code == 302 and response["Location"] == reverse("hotline:desk")
    assert client.get(response["Location"]).status_code == 200
