from __future__ import annotations

import pytest
from django.utils import translation

from redalert.places.names import country_name, uninvert


@pytest.mark.parametrize(
    ("code", "language", "name"),
    [
        ("MX", "es", "México"),
        ("MX", "en", "Mexico"),
        ("MX", "pt", "México"),
        ("BR", "es", "Brasil"),
        ("BR", "pt", "Brasil"),
        ("BR", "pt-br", "Brasil"),
        ("BR", "en", "Brazil"),
        ("BO", "es", "Bolivia"),  # the common name, not "Bolivia, Estado plurinacional de"
        ("US", "es", "Estados Unidos"),
        ("KR", "es", "Corea del Sur"),
        ("CD", "es", "República Democrática del Congo"),  # not ISO's "Congo, República Democrática del"
        ("gt", "es", "Guatemala"),
        ("XK", "es", "Kosovo"),
        ("ZZ", "es", "ZZ"),
        ("DZ", "es", "Argelia"),  # iso-codes leaves it in English
        ("DZ", "pt", "Argélia"),
        ("BJ", "pt", "Benim"),
    ],
)
def test_country_name(code, language, name):
    assert country_name(code, language) == name


def test_country_name_follows_the_active_language():
    with translation.override("pt"):
        assert country_name("DE") == "Alemanha"
    with translation.override("es"):
        assert country_name("DE") == "Alemania"


def test_uninvert():
    assert uninvert("Madrid, Comunidad de") == "Comunidad de Madrid"
    assert uninvert("Valenciana, Comunidad") == "Comunidad Valenciana"
    assert uninvert("San Andrés, Providencia y Santa Catalina") == "San Andrés, Providencia y Santa Catalina"
    assert uninvert("Islas Vírgenes, Británicas") == "Islas Vírgenes, Británicas"


def test_label_uses_the_active_language_for_the_country(places):
    with translation.override("es"):
        assert places["qro_city"].label == "Santiago de Querétaro, Querétaro, México"
        assert places["qro"].label == "Querétaro, México"
        assert places["mx"].label == "México"
        assert str(places["gt"]) == "Guatemala"
    with translation.override("en"):
        assert places["qro_city"].label == "Santiago de Querétaro, Querétaro, Mexico"
        assert places["mx"].label == "Mexico"
