"""The public statistics pages, as an anonymous visitor sees them: tables whose every figure is 0, at least k, or
hidden; a map drawn without JavaScript or a base map; nothing about any one case; each organisation its own."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from lxml import html

from redalert.opendata.public_map import class_breaks, draw_map
from redalert.opendata.tests.conftest import Cases

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
K = 11


def last_year() -> int:
    return timezone.localdate().year - 1


def example(cases: Cases, org: Any) -> None:
    """25 cases worked last year: 15 + 4 located alive (Tlaxcala, minors) + 3 located deceased (men, carried over)
    + 3 carried over, state not recorded (see test_public_stats.example)."""
    year = last_year()
    cases.add(org, 15, reported=date(year, 2, 10))
    cases.add(org, 4, reported=date(year, 3, 1), age=15, place="tlax_city", located=date(year, 5, 1))
    cases.add(org, 3, reported=date(year - 1, 5, 1), sex="male", age=30, located=date(year, 7, 1), alive=False)
    cases.add(org, 3, reported=date(year - 1, 6, 1), age=None, place="gt")


def page(org: Any, **params: Any) -> Any:
    response = Client().get(reverse("public_statistics:organisation", args=[org.code]), params, **EN)
    assert response.status_code == 200
    return response


def having(tag: str, css_class: str) -> str:
    """An XPath step: elements `tag` with the class `css_class`."""
    return f"{tag}[contains(concat(' ', normalize-space(@class), ' '), ' {css_class} ')]"


def text(element: Any) -> str:
    """The text of an element as read aloud: its pieces separated by spaces."""
    return " ".join(" ".join(element.itertext()).split())


def figures(response: Any) -> list[str]:
    """The text of every figure in the page's tables."""
    tree = html.fromstring(response.content)
    return [text(td) for td in tree.xpath(f"//{having('table', 'stats')}//td")]


def test_the_page_is_public_and_every_figure_is_zero_at_least_k_or_hidden(cases: Cases, org_a: Any) -> None:
    example(cases, org_a)
    response = page(org_a)
    shown = figures(response)
    assert shown
    for text in shown:
        number = text.replace(",", "")
        if number.isdigit():
            assert int(number) == 0 or int(number) >= K, text
        else:
            assert text == "x hidden", text
    assert "x hidden" in shown
    content = response.content.decode()
    assert "25" in shown  # the year total is always published
    year = last_year()
    withheld = ", ".join(str(y) for y in range(year - 4, year))  # the year before had 6 cases: not even its count
    assert f"Not published: {withheld} (fewer than {K} cases worked in each of these years" in content
    assert "6" not in shown
    assert "Cases worked and what happened" in content
    assert "Definitions" in content and "Cases worked in" in content  # the yearly report's definitions


def test_the_page_shows_nothing_about_any_one_case(cases: Cases, org_a: Any) -> None:
    example(cases, org_a)
    content = page(org_a).content.decode()
    assert "/cases/" not in content
    for secret in ("Persona 1", "López", "Calle Hidalgo", "Santiago de Querétaro", "RBA-", "+52442"):
        assert secret not in content, secret


def test_the_map_is_drawn_on_the_server_and_its_table_is_always_there(cases: Cases, org_a: Any) -> None:
    example(cases, org_a)
    tree = html.fromstring(page(org_a).content)
    assert not tree.xpath("//script")  # nothing needs JavaScript
    svg = tree.xpath(f"//{having('svg', 'choropleth')}")
    assert len(svg) == 1
    titles = {text(t) for t in svg[0].xpath(".//path/title")}
    assert "Querétaro: 18" in titles
    assert "Tlaxcala: hidden" in titles  # 4 cases
    assert "Aguascalientes: 0" in titles  # every state of the country is drawn; no case is a published zero
    rows = {
        text(r.xpath("th")[0]): text(r.xpath("td")[0]) for r in tree.xpath(f"//{having('table', 'states')}/tbody/tr")
    }
    assert rows["Querétaro"] == "18"
    assert rows["Tlaxcala"] == "x hidden"
    assert rows["State not recorded"] == "x hidden"  # 3 cases known only as in Guatemala
    assert rows[f"Cases worked in {last_year()}"] == "25"


def test_an_organisation_with_too_few_cases_says_so(cases: Cases, org_a: Any) -> None:
    cases.add(org_a, 10, reported=date(last_year(), 2, 10))
    response = page(org_a)
    content = response.content.decode()
    assert "Not enough cases to publish" in content
    assert "fewer than 11 cases with consent to statistics were worked" in content
    assert not figures(response)
    assert "<svg" not in content


def test_an_organisation_with_no_case_at_all_says_the_same(org_a: Any) -> None:
    assert "Not enough cases to publish" in page(org_a).content.decode()


def test_each_organisation_page_shows_only_its_own_figures(cases: Cases, org_a: Any, org_b: Any) -> None:
    example(cases, org_a)
    cases.add(org_b, 13, reported=date(last_year(), 8, 1), place="tlax_city")
    shown_b = figures(page(org_b))
    assert "13" in shown_b and "25" not in shown_b and "38" not in shown_b
    shown_a = figures(page(org_a))
    assert "25" in shown_a and "13" not in shown_a


def test_a_year_can_be_chosen_and_bad_years_fall_back_to_the_last(cases: Cases, org_a: Any) -> None:
    example(cases, org_a)
    cases.add(org_a, 12, reported=date(last_year() - 2, 2, 10))
    older = page(org_a, year=last_year() - 2).content.decode()
    assert f"{last_year() - 2} in detail" in older
    for bad in ("1990", "abc", str(last_year() - 3), "99999999999999999999"):  # no case in last_year() - 3
        assert f"{last_year()} in detail" in page(org_a, year=bad).content.decode()


def test_an_unknown_organisation_is_a_404() -> None:
    assert Client().get(reverse("public_statistics:organisation", args=["NOPE"]), **EN).status_code == 404


def test_the_index_lists_every_organisation(org_a: Any, org_b: Any) -> None:
    response = Client().get(reverse("public_statistics:index"), **EN)
    assert response.status_code == 200
    content = response.content.decode()
    for org in (org_a, org_b):
        assert reverse("public_statistics:organisation", args=[org.code]) in content and org.name in content


def test_only_get_and_head(org_a: Any) -> None:
    url = reverse("public_statistics:organisation", args=[org_a.code])
    assert Client().post(url, **EN).status_code == 405


def test_map_classes_come_from_published_counts_only() -> None:
    assert class_breaks([11, 12, 40, 0], K)[0].low == 11
    assert class_breaks([], K) == []
    drawing = draw_map([("MX-QUE", "Querétaro", "MX", 18), ("MX-TLA", "Tlaxcala", "MX", None)], K)
    assert drawing is not None
    by_code = {s.code: s for s in drawing.shapes}
    assert by_code["MX-TLA"].css_class == "hidden" and by_code["MX-QUE"].css_class.startswith("c")
    assert by_code["MX-AGU"].css_class == "zero"
    assert re.fullmatch(r"(M[\d L-]+Z)+", by_code["MX-QUE"].path)
    assert drawing.width == 1000 and 0 < drawing.height <= 1200
