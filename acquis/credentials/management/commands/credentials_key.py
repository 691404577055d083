"""`acquis credentials_key`: a self-signed demonstration key for the PDF signatures."""

from django.conf import settings
from django.core.management.base import BaseCommand

from acquis.credentials.signing import create_demo_pair


class Command(BaseCommand):
    help = (
        "Crée sous var/ une clé et un certificat auto-signé de démonstration pour signer les "
        "PDF (PAdES), s'ils n'existent pas encore. En production, installez la clé du "
        "certificateur (ACQUIS_PDF_SIGNING_KEY, ACQUIS_PDF_SIGNING_CERT)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--organisation",
            default=settings.ACQUIS_CERTIFIER_DISPLAY_NAME or "OPS Conseil",
            help="Nom de l'organisation inscrit dans le certificat de démonstration.",
        )

    def handle(self, *args, organisation, **options):
        key, cert = settings.ACQUIS_PDF_SIGNING_KEY, settings.ACQUIS_PDF_SIGNING_CERT
        if create_demo_pair(key, cert, organisation=organisation):
            self.stdout.write(f"Clé de démonstration créée : {key} ; certificat : {cert}.")
        else:
            self.stdout.write(f"Clé de signature déjà présente : {key}.")
