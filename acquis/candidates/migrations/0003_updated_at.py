"""updated_at for the machine API's `updated_since` filters; existing rows start from their
creation date when they have one (history kept), else from the migration's time."""

import django.utils.timezone
from django.db import migrations, models


def from_created_at(apps, schema_editor):
    for name in ("Candidate", "Candidacy"):
        model = apps.get_model("candidates", name)
        model.objects.update(updated_at=models.F("created_at"))


class Migration(migrations.Migration):
    dependencies = [("candidates", "0002_memoir_part_checks")]

    operations = [
        migrations.AddField(
            model_name="candidate",
            name="updated_at",
            field=models.DateTimeField(
                auto_now=True, db_index=True, default=django.utils.timezone.now,
                verbose_name="modifié le",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="candidacy",
            name="updated_at",
            field=models.DateTimeField(
                auto_now=True, db_index=True, default=django.utils.timezone.now,
                verbose_name="modifié le",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="workplacement",
            name="updated_at",
            field=models.DateTimeField(
                auto_now=True, db_index=True, default=django.utils.timezone.now,
                verbose_name="modifié le",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(from_created_at, migrations.RunPython.noop),
    ]
