from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    """These tests read the domain's error messages, which follow the active language: read them in English."""
    with translation.override("en"):
        yield
