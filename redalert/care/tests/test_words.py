"""Labels that share an English word with another meaning get their own words in Spanish."""

from __future__ import annotations

from django.utils import translation

from redalert.care.models import Service


def test_the_service_phase_is_not_labelled_date_and_time():
    with translation.override("es"):
        label = str(Service._meta.get_field("phase").verbose_name)
    assert label == "antes o después del rescate"
