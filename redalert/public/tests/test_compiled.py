"""Compiled querysets give the rows the ORM gives, for any values."""

from __future__ import annotations

from typing import Any

from redalert.public import compiled
from redalert.public.exposure import missing_cases, public_cases
from redalert.testing import make_public


def test_compiled_queries_match_the_orm(make_case, org_a, coordinator):
    cases = [make_case(org_a, coordinator, given_names=name) for name in ("Ana", "Lucía", "Rosa")]
    for case in cases[:2]:
        make_public(case, coordinator)

    def build(*ids: Any) -> Any:
        return missing_cases().filter(pk__in=ids).order_by("pk").values_list("pk", "public_listing__version")

    for ids in ([cases[0].pk], [c.pk for c in cases], [cases[2].pk, cases[1].pk], [cases[0].pk, cases[0].pk]):
        assert compiled.run("test-missing", build, ids) == [tuple(row) for row in build(*ids)]

    def by_public_id(public_id: str) -> Any:
        return public_cases().filter(publication__public_id=public_id).values_list("pk")

    assert compiled.run("test-page", by_public_id, [cases[1].publication.public_id]) == [(cases[1].pk,)]
    assert compiled.run("test-page", by_public_id, ["nosuchcase"]) == []
