"""The consistency rule of participant counts, and dates: called directly, and through the model's validation."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from redalert.prevention.models import Activity
from redalert.prevention.rules import breakdown_errors, date_errors
from redalert.prevention.tests.helpers import activity


@pytest.fixture(autouse=True)
def english() -> Any:
    with translation.override("en"):
        yield


def test_a_total_without_breakdown_is_allowed() -> None:
    assert breakdown_errors(70, {}) == {}
    assert breakdown_errors(None, {}) == {}


def test_a_partial_breakdown_up_to_the_total_is_allowed() -> None:
    assert breakdown_errors(70, {"women": 40}) == {}
    assert breakdown_errors(70, {"women": 40, "men": 30}) == {}
    assert breakdown_errors(70, {"children": 0, "adults": 70}) == {}


def test_the_breakdown_cannot_exceed_the_total() -> None:
    errors = breakdown_errors(70, {"women": 50, "men": 30})
    assert set(errors) == {"women"}
    assert "add up to 80, more than the 70 participants" in errors["women"]
    assert set(breakdown_errors(10, {"adolescents": 11})) == {"children"}


def test_a_complete_breakdown_must_add_up_to_the_total() -> None:
    errors = breakdown_errors(70, {"women": 40, "men": 20, "sex_other": 0})
    assert "add up to 60, not 70" in errors["women"]
    assert breakdown_errors(70, {"women": 40, "men": 30, "sex_other": 0}) == {}
    complete_age = {"children": 10, "adolescents": 20, "adults": 30, "age_unknown": 5}
    assert "add up to 65, not 70" in breakdown_errors(70, complete_age)["children"]


def test_a_breakdown_needs_a_total() -> None:
    errors = breakdown_errors(None, {"women": 3})
    assert set(errors) == {"participants"}
    assert "needs a total" in errors["participants"]


def test_zero_is_a_count_not_an_absence() -> None:
    # 0 women of 0 participants is consistent; 0 women without a total is a breakdown without a total.
    assert breakdown_errors(0, {"women": 0, "men": 0, "sex_other": 0}) == {}
    assert set(breakdown_errors(None, {"women": 0})) == {"participants"}


def test_dates() -> None:
    today = date(2026, 5, 1)
    assert date_errors(date(2026, 4, 30), date(2026, 5, 3), today) == {}
    assert set(date_errors(date(2026, 5, 2), None, today)) == {"held_on"}
    assert set(date_errors(date(2026, 4, 3), date(2026, 4, 2), today)) == {"ended_on"}


@pytest.mark.django_db
def test_the_model_refuses_inconsistent_counts(org_a: Any) -> None:
    with pytest.raises(ValidationError) as raised:
        activity(org_a, participants=10, women=8, men=8)
    assert "women" in raised.value.message_dict
    assert not Activity.objects.exists()
    saved = activity(org_a, participants=10, women=8)
    assert saved.sex_not_recorded == 2
    assert saved.age_not_recorded == 10
    unknown = activity(org_a, participants=None)
    assert unknown.sex_not_recorded is None


@pytest.mark.django_db
def test_state_and_country_of_an_activity(org_a: Any, places: dict[str, Any]) -> None:
    in_town = activity(org_a, place=places["qro_city"])
    assert in_town.state == places["qro"] and in_town.country_code == "MX"
    in_state = activity(org_a, place=places["tlax"])
    assert in_state.state == places["tlax"]
    national = activity(org_a, place=places["gt"])
    assert national.state is None and national.country_code == "GT"
    nowhere = activity(org_a)
    assert nowhere.state is None and nowhere.country_code == "MX"
