"""One status list per certifier and issuer identity (did:key, did:web).

A verifier requires a badge's status list to be issued by the badge's own issuer (Bitstring
Status List v1.0 §3.2): a single list per certifier, signed by the issuer of the day, failed
for every badge issued before a change of issuer. Each list now records its issuer and the
key of its public URL; each badge records its list.

The list kept from before keeps its URL (/badges/statuts/<certifier id>, written into the
badges already signed) and becomes the list of the issuer of its earliest badge. A badge of
another issuer that already points to it (issued after a change of issuer, before this
version) keeps its index there: its URL is part of its signed content and cannot change. A
list to which no badge points is removed (nothing refers to it).
"""

import django.db.models.deletion
from django.db import migrations, models


def _issuer(document) -> str:
    issuer = document.get("issuer")
    return str(issuer.get("id", "") if isinstance(issuer, dict) else issuer or "")


def assign_issuers(apps, schema_editor):
    StatusList = apps.get_model("credentials", "StatusList")
    IssuedCredential = apps.get_model("credentials", "IssuedCredential")
    for listed in StatusList.objects.all():
        credentials = IssuedCredential.objects.filter(certifier_id=listed.certifier_id)
        first = credentials.order_by("issued_at", "pk").first()
        if first is None:
            listed.delete()
            continue
        listed.issuer = _issuer(first.document)
        listed.key = str(listed.certifier_id)
        listed.save(update_fields=["issuer", "key"])
        credentials.update(status_list=listed)
    if schema_editor.connection.vendor == "postgresql":
        # The rows above fire deferred foreign-key checks; run them now, before the columns
        # are altered in the same transaction.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("credentials", "0003_issuing_batch"),
        ("organisations", "0002_partner_siret_unique"),
    ]

    operations = [
        migrations.AlterField(
            model_name="statuslist",
            name="certifier",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="badge_status_lists",
                to="organisations.organisation",
                verbose_name="certificateur",
            ),
        ),
        migrations.AddField(
            model_name="statuslist",
            name="issuer",
            field=models.CharField(default="", max_length=255, verbose_name="émetteur (DID)"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="statuslist",
            name="key",
            field=models.SlugField(
                db_index=False, max_length=80, null=True, verbose_name="clé de l'adresse publique"
            ),
        ),
        migrations.AddField(
            model_name="issuedcredential",
            name="status_list",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="credentials",
                to="credentials.statuslist",
                verbose_name="liste de statuts",
            ),
        ),
        migrations.RunPython(assign_issuers, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="statuslist",
            name="key",
            field=models.SlugField(
                max_length=80, unique=True, verbose_name="clé de l'adresse publique"
            ),
        ),
        migrations.AlterField(
            model_name="issuedcredential",
            name="status_list",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="credentials",
                to="credentials.statuslist",
                verbose_name="liste de statuts",
            ),
        ),
        migrations.RemoveConstraint(
            model_name="issuedcredential",
            name="unique_credential_status_index",
        ),
        migrations.AddConstraint(
            model_name="issuedcredential",
            constraint=models.UniqueConstraint(
                fields=("status_list", "status_index"),
                name="unique_credential_status_index",
                violation_error_message="Cet index de statut est déjà attribué.",
            ),
        ),
        migrations.AddConstraint(
            model_name="statuslist",
            constraint=models.UniqueConstraint(
                fields=("certifier", "issuer"),
                name="unique_status_list_per_issuer",
                violation_error_message="Ce certificateur a déjà une liste pour cet émetteur.",
            ),
        ),
    ]
