"""updated_at for the machine API's `updated_since` filters; sessions and slots have no
creation date: existing rows start from the migration's time."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0005_juror_training_trainer_and_attendance")]

    operations = [
        migrations.AddField(
            model_name="evaluationsession",
            name="updated_at",
            field=models.DateTimeField(
                auto_now=True, db_index=True, default=django.utils.timezone.now,
                verbose_name="modifié le",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="slot",
            name="updated_at",
            field=models.DateTimeField(
                auto_now=True, db_index=True, default=django.utils.timezone.now,
                verbose_name="modifié le",
            ),
            preserve_default=False,
        ),
    ]
