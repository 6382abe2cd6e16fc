"""The first reparation rate: the ILO's 2014 world estimate for forced sexual exploitation."""

from datetime import date
from decimal import Decimal

from django.db import migrations

SOURCE = "ILO, Profits and Poverty: The Economics of Forced Labour (2014)"


def add_rate(apps, schema_editor):  # type: ignore[no-untyped-def]
    rate_model = apps.get_model("legal", "ReparationRate")
    rate_model.objects.get_or_create(
        region="world",
        exploitation="SexualExploitation",
        valid_from=date(2014, 5, 20),
        defaults={"annual_profit": Decimal("21800.00"), "currency": "USD", "source": SOURCE},
    )


def remove_rate(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("legal", "ReparationRate").objects.filter(
        region="world", exploitation="SexualExploitation", source=SOURCE, estimates__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("legal", "0001_initial")]

    operations = [migrations.RunPython(add_rate, remove_rate)]
