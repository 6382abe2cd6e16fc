from django.utils import translation

from redalert.imports.columns import BY_NAME, help_html


def test_the_codes_kept_in_the_spanish_help_are_shown_as_codes() -> None:
    with translation.override("es"):
        html = str(help_html(BY_NAME["sex"]))
    assert "<code>female</code>" in html and "<code>unknown</code>" in html
    assert "<code>o</code>" not in html  # the Spanish words stay text


def test_english_help_is_plain_escaped_text() -> None:
    with translation.override("en"):
        html = str(help_html(BY_NAME["last_seen_place"]))
    assert "<code>" not in html and "“Santiago de Querétaro" in html
