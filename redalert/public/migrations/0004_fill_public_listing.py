"""Fill the public listing from the cases public now (the rule of redalert.public.exposure.public_cases()).

Written against the historical models so that it keeps working when the models change; afterwards the listing is
kept in step by redalert.public.listing, and `manage.py rebuild_public_listing` recomputes it with the current code.
"""

import secrets

from django.db import migrations
from django.db.models import Q

from redalert.lib.text import fold


def fill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    PublicListing = apps.get_model("public", "PublicListing")
    public = Case.objects.filter(
        Q(status="active_search") | Q(located_on__isnull=False),
        publication__is_public=True,
        current_consents__purpose="publish",
        current_consents__decision="granted",
    ).values_list(
        "pk",
        "organisation_id",
        "status",
        "publication__published_at",
        "publication__show_age",
        "person__age_at_disappearance",
        "last_seen_on",
        "person__given_names",
        "person__first_surname",
        "person__second_surname",
        "last_seen_place__country_code",
        "last_seen_place__kind",
        "last_seen_place__code",
        "last_seen_place__subdivision__code",
    )
    version = secrets.token_hex(16)
    rows = [
        PublicListing(
            case_id=pk,
            organisation_id=org,
            kind="missing" if status == "active_search" else "located",
            published_at=published_at,
            name=fold(" ".join(n for n in names if n)),
            country_code=country or "",
            state_code=(code if place_kind == "subdivision" else subdivision) or "",
            age=age if show_age else None,
            last_seen_on=last_seen_on,
            version=version,
        )
        for pk, org, status, published_at, show_age, age, last_seen_on, *rest in public.iterator(chunk_size=2000)
        for names, (country, place_kind, code, subdivision) in [(rest[:3], rest[3:])]
    ]
    PublicListing.objects.bulk_create(rows, batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("public", "0003_public_listing_and_version"),
        ("consent", "0004_current_consent"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
