"""The two former counters (certificates, PV) become rows of the one yearly counter: every
(certifier, year) keeps its last number, so no issued number is drawn again and the next
one follows on. The way back copies them into the former tables."""

from django.db import migrations

# (app, former model, kind in YearlyCounter)
FORMER = [
    ("credentials", "CertificateCounter", "certificate"),
    ("juries", "MinutesCounter", "minutes"),
]


def forwards(apps, schema_editor):
    YearlyCounter = apps.get_model("numbering", "YearlyCounter")
    for app, name, kind in FORMER:
        rows = apps.get_model(app, name).objects.values_list("certifier_id", "year", "last")
        YearlyCounter.objects.bulk_create(
            [
                YearlyCounter(certifier_id=certifier_id, kind=kind, year=year, last=last)
                for certifier_id, year, last in rows
            ]
        )


def backwards(apps, schema_editor):
    YearlyCounter = apps.get_model("numbering", "YearlyCounter")
    for app, name, kind in FORMER:
        Former = apps.get_model(app, name)
        rows = YearlyCounter.objects.filter(kind=kind).values_list("certifier_id", "year", "last")
        Former.objects.bulk_create(
            [Former(certifier_id=certifier_id, year=year, last=last) for certifier_id, year, last in rows]
        )
    YearlyCounter.objects.filter(kind__in=[kind for _, _, kind in FORMER]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("numbering", "0001_initial"),
        ("credentials", "0007_duplicata"),
        ("juries", "0005_generic_titles"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
