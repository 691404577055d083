"""A total validation grants the candidacy's scope; the title is recorded apart.

Until now a total validation always awarded the title (a candidacy for some blocks could
not get one): every existing total validation is marked as awarding the title.
"""

from django.conf import settings
from django.db import migrations, models


def mark_existing_titles(apps, schema_editor):
    Decision = apps.get_model("juries", "Decision")
    Decision.objects.filter(kind="total").update(title_awarded=True)


class Migration(migrations.Migration):

    dependencies = [
        ('candidates', '0001_initial'),
        ('juries', '0002_blocks_acquired_for_good'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='decision',
            name='title_awarded',
            field=models.BooleanField(default=False, verbose_name='titre attribué'),
        ),
        migrations.AddConstraint(
            model_name='decision',
            constraint=models.CheckConstraint(condition=models.Q(('title_awarded', False), ('kind', 'total'), _connector='OR'), name='title_only_by_total_validation', violation_error_message='Seule une validation totale attribue le titre.'),
        ),
        migrations.RunPython(mark_existing_titles, migrations.RunPython.noop),
    ]
