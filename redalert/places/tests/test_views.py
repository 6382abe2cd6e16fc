from __future__ import annotations

import pytest
from django.urls import reverse


@pytest.fixture
def client(client_for, make_user, org_a):
    return client_for(make_user(org_a, "coordinator"))


def test_search_returns_json_results(client, places):
    response = client.get(reverse("places:search"), {"q": "queretaro"}, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "results": [
            {"id": places["qro"].pk, "label": "Querétaro, México", "kind": "subdivision", "code": "MX-QUE"},
            {
                "id": places["qro_city"].pk,
                "label": "Santiago de Querétaro, Querétaro, México",
                "kind": "locality",
                "code": "gn:3991164",
            },
        ]
    }


def test_search_filters_by_country_and_kind(client, places):
    url = reverse("places:search")
    assert [r["code"] for r in client.get(url, {"q": "guatemala", "country": "gt"}).json()["results"]] == ["GT"]
    assert client.get(url, {"q": "guatemala", "country": "MX"}).json() == {"results": []}
    results = client.get(url, {"q": "tlaxcala", "kind": "locality"}).json()["results"]
    assert [r["code"] for r in results] == ["gn:3815415"]


def test_short_queries_get_nothing(client, places):
    url = reverse("places:search")
    assert client.get(url, {"q": "q"}).json() == {"results": []}
    assert client.get(url, {"q": "  m "}).json() == {"results": []}
    assert client.get(url).json() == {"results": []}


def test_at_most_ten_results(client, places):
    from redalert.places.models import Place, PlaceKind

    Place.objects.bulk_create(
        Place(kind=PlaceKind.LOCALITY, code=f"gn:{i}", name=f"Santa Rosa {i}", search_name=f"santa rosa {i}",
              country_code="MX", parent=places["mx"])
        for i in range(15)
    )  # fmt: skip
    assert len(client.get(reverse("places:search"), {"q": "santa rosa"}).json()["results"]) == 10


def test_search_needs_a_login(places, db):
    from django.test import Client

    response = Client().get(reverse("places:search"), {"q": "queretaro"})
    assert response.status_code == 302
    assert "results" not in response.content.decode()


def test_search_is_get_only(client, places):
    assert client.post(reverse("places:search"), {"q": "queretaro"}).status_code == 405
