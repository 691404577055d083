from django.db import migrations


class Migration(migrations.Migration):
    # The numbers were copied into numbering.YearlyCounter first.
    dependencies = [
        ("credentials", "0007_duplicata"),
        ("numbering", "0002_copy_certificate_and_minutes_counters"),
    ]

    operations = [migrations.DeleteModel(name="CertificateCounter")]
