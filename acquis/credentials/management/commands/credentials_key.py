"""`acquis credentials_key [--certifier …]`: a self-signed demonstration key for the PDF
signatures, the installation's or one certifier's own (certifier_keys)."""

from django.conf import settings
from django.core.management.base import CommandError

from acquis.cli import AcquisCommand
from acquis.credentials import certifier_keys
from acquis.credentials.signing import create_demo_pair
from acquis.errors import AcquisError
from acquis.organisations import certifier_settings


class Command(AcquisCommand):
    help = (
        "Crée une clé et un certificat auto-signé de démonstration pour signer les PDF "
        "(PAdES), s'ils n'existent pas encore : ceux de l'installation, ou ceux d'un "
        "certificateur (--certifier). En production, installez la clé et le certificat "
        "délivrés au certificateur (ACQUIS_PDF_SIGNING_KEY, ACQUIS_PDF_SIGNING_CERT, ou les "
        "fichiers du dossier du certificateur)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--organisation",
            default="",
            help="Nom de l'organisation inscrit dans le certificat de démonstration.",
        )
        parser.add_argument(
            "--certifier",
            help="SIRET, numéro ou nom (« ops-conseil ») du certificateur : crée sa propre clé "
            "dans son dossier (sans cette option : la clé de l'installation).",
        )

    def handle(self, *args, organisation, certifier=None, **options):
        if certifier:
            try:
                found = certifier_keys.find_certifier(certifier)
            except AcquisError as error:
                raise CommandError(str(error)) from error
            base = certifier_keys.folder(found)
            key, cert = base / certifier_keys.PDF_KEY, base / certifier_keys.PDF_CERT
            organisation = organisation or certifier_settings.display_name(found)
        else:
            key, cert = settings.ACQUIS_PDF_SIGNING_KEY, settings.ACQUIS_PDF_SIGNING_CERT
            organisation = organisation or settings.ACQUIS_CERTIFIER_DISPLAY_NAME or "OPS Conseil"
        if create_demo_pair(key, cert, organisation=organisation):
            self.stdout.write(f"Clé de démonstration créée : {key} ; certificat : {cert}.")
        else:
            self.stdout.write(f"Clé de signature déjà présente : {key}.")
