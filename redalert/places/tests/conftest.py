"""Extra places for the gazetteer's own tests, on top of the shared `places` fixture."""

from __future__ import annotations

from typing import Any

import pytest

from redalert.places.models import Place, PlaceKind
from redalert.places.search import build_search_name


@pytest.fixture
def more_places(places: dict[str, Any]) -> dict[str, Any]:
    """Mexico City (with aliases), Costa Rica with two towns called San José, and Guatemala's department and city."""

    def add(kind: str, code: str, name: str, country: str, aliases: tuple[str, ...] = (), **extra: Any) -> Place:
        return Place.objects.create(
            kind=kind,
            code=code,
            name=name,
            search_name=build_search_name([name, *aliases]),
            country_code=country,
            **extra,
        )

    mx, gt = places["mx"], places["gt"]
    cmx = add(PlaceKind.SUBDIVISION, "MX-CMX", "Ciudad de México", "MX", ("Mexico City",), parent=mx)
    mexico_city = add(
        PlaceKind.LOCALITY, "gn:3530597", "Mexico City", "MX", ("Ciudad de México", "CDMX", "Mexiko-Stadt"),
        parent=mx, subdivision=cmx, population=12294193,
    )  # fmt: skip
    cr = add(PlaceKind.COUNTRY, "CR", "Costa Rica", "CR")
    cr_sj = add(PlaceKind.SUBDIVISION, "CR-SJ", "San José", "CR", parent=cr)
    cr_a = add(PlaceKind.SUBDIVISION, "CR-A", "Alajuela", "CR", parent=cr)
    san_jose = add(PlaceKind.LOCALITY, "gn:3621849", "San José", "CR", parent=cr, subdivision=cr_sj, population=335007)
    san_jose_a = add(PlaceKind.LOCALITY, "gn:3621841", "San José", "CR", parent=cr, subdivision=cr_a, population=20000)
    gt_gu = add(PlaceKind.SUBDIVISION, "GT-01", "Guatemala", "GT", parent=gt)
    gt_city = add(
        PlaceKind.LOCALITY, "gn:3598132", "Guatemala City", "GT", ("Ciudad de Guatemala", "Guatemala"),
        parent=gt, subdivision=gt_gu, population=994938,
    )  # fmt: skip
    return {
        **places,
        "cmx": cmx,
        "mexico_city": mexico_city,
        "cr": cr,
        "cr_sj": cr_sj,
        "san_jose": san_jose,
        "san_jose_a": san_jose_a,
        "gt_gu": gt_gu,
        "gt_city": gt_city,
    }
