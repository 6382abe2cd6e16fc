"""The trafficking route (listed as a table, drawn on a map) and the HTCDS facts, where "not known" is an answer."""

from django.urls import reverse

from redalert.investigation.choices import NOT_KNOWN
from redalert.investigation.models import TraffickingEvent, TraffickingFacts


def test_route_is_listed_in_order_and_mapped_with_public_coordinates(client_for, case, investigator, places):
    client = client_for(investigator)
    url = reverse("investigation:event_add", args=[case.pk])
    client.post(url, {"event-event_type": "Transit", "event-on": "2026-03-02", "event-place_1": places["tlax_city"].pk})
    client.post(
        url, {"event-event_type": "Recruitment", "event-on": "2026-02-20", "event-place_1": places["qro_city"].pk}
    )
    client.post(
        url, {"event-event_type": "Exploitation", "event-place_detail": "Casa sin número"}
    )  # place and date unknown
    assert TraffickingEvent.objects.count() == 3
    response = client.get(reverse("investigation:overview", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    table = page[page.index('id="route-table"') :]
    assert table.index("Recruitment") < table.index("Transit") < table.index("Exploitation")
    assert "not known" in table
    points = response.context["route_points"]
    assert [p["lat"] for p in points] == [places["qro_city"].latitude, places["tlax_city"].latitude]
    assert "vendor/leaflet/leaflet.js" in page
    assert 'data-tiles="' in page


def test_facts_keep_not_known_apart_from_not_recorded(client_for, case, investigator):
    client = client_for(investigator)
    url = reverse("investigation:facts", args=[case.pk])
    page = client.get(reverse("investigation:overview", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "not recorded yet" in page
    response = client.post(
        url,
        {
            "trafficking_status": "PossibleVictimOfTrafficking",
            "methods_of_recruitment": ["ThroughOnlineSocialNetworks"],
            "websites_apps": ["Facebook", "WhatsApp"],
            "methods_of_control": [NOT_KNOWN],
            "exploitation_types": ["SexualExploitation", "DebtBondage"],
            "relationship_to_trafficker": "Acquainted",
            "organised_crime": "unknown",
            "notes": "Oferta de trabajo como modelo",
        },
    )
    assert response.status_code == 302
    facts = TraffickingFacts.objects.get(case=case)
    assert facts.methods_of_control == [NOT_KNOWN]
    assert facts.sex_exploitation_types == []  # not recorded
    assert facts.organised_crime == "unknown"
    assert facts.exploitation_types == ["SexualExploitation", "DebtBondage"]
    page = client.get(reverse("investigation:overview", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Through online social networks" in page and "Debt bondage" in page


def test_not_known_cannot_be_ticked_with_other_answers(client_for, case, investigator):
    response = client_for(investigator).post(
        reverse("investigation:facts", args=[case.pk]),
        {
            "trafficking_status": "unknown",
            "methods_of_control": [NOT_KNOWN, "DebtBondage"],
            "relationship_to_trafficker": "unknown",
            "organised_crime": "no",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "cannot be ticked together" in response.content.decode()
    assert not TraffickingFacts.objects.exists()
