"""MissingPerson.organisation_id: the case's organisation, copied, so that the staff name search keeps to the user's
organisation on the person's own row (no join to the case). Added empty, filled from the cases, then required."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    MissingPerson = apps.get_model("cases", "MissingPerson")
    MissingPerson.objects.update(
        organisation_id=Subquery(Case.objects.filter(pk=OuterRef("case_id")).values("organisation_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_alert_timeline")]

    operations = [
        migrations.AddField(
            model_name="missingperson",
            name="organisation_id",
            field=models.BigIntegerField(editable=False, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="missingperson",
            name="organisation_id",
            field=models.BigIntegerField(
                editable=False,
                help_text="The case's organisation, copied on save: the staff name search keeps to it without a join.",
            ),
        ),
    ]
