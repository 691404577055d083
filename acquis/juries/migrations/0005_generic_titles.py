"""PV numbers unique per certifier (each certifier numbers its own PVs), and jury roles
taken from the referential (no fixed choices)."""

import django.db.models.deletion
from django.db import migrations, models


def fill_certifier(apps, schema_editor):
    Minutes = apps.get_model("juries", "Minutes")
    for minutes in Minutes.objects.select_related("deliberation").iterator():
        minutes.certifier_id = minutes.deliberation.certifier_id
        minutes.save(update_fields=["certifier"])


class Migration(migrations.Migration):
    dependencies = [
        ("juries", "0004_postponement"),
        ("organisations", "0003_role_invitation"),
    ]

    operations = [
        migrations.AddField(
            model_name="minutes",
            name="certifier",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="organisations.organisation",
                verbose_name="certificateur",
            ),
        ),
        migrations.RunPython(fill_certifier, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="minutes",
            name="certifier",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="organisations.organisation",
                verbose_name="certificateur",
            ),
        ),
        migrations.AlterField(
            model_name="minutes",
            name="number",
            field=models.CharField(max_length=40, verbose_name="numéro"),
        ),
        migrations.AddConstraint(
            model_name="minutes",
            constraint=models.UniqueConstraint(
                fields=("certifier", "number"),
                name="unique_minutes_number",
                violation_error_message="Ce numéro de procès-verbal existe déjà.",
            ),
        ),
        migrations.AlterField(
            model_name="jurymember",
            name="role",
            field=models.CharField(max_length=40, verbose_name="qualité"),
        ),
    ]
