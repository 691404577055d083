import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("organisations", "0004_certifier_profile"),
    ]

    operations = [
        migrations.CreateModel(
            name="YearlyCounter",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[("certificate", "certificats et attestations"), ("minutes", "procès-verbaux")],
                        max_length=20,
                        verbose_name="numérotation",
                    ),
                ),
                ("year", models.PositiveSmallIntegerField(verbose_name="année")),
                ("last", models.PositiveIntegerField(default=0, verbose_name="dernier numéro")),
                (
                    "certifier",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.organisation",
                        verbose_name="certificateur",
                    ),
                ),
            ],
            options={
                "verbose_name": "compteur annuel",
                "verbose_name_plural": "compteurs annuels",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("certifier", "kind", "year"),
                        name="unique_yearly_counter",
                        violation_error_message="Ce compteur existe déjà.",
                    )
                ],
            },
        ),
    ]
