from acquis.cli import AcquisCommand
from acquis.demo.common import DEMO_PASSWORD, DEMO_TOTP_KEY
from acquis.demo.core import build_demo
from acquis.security import twofactor


class Command(AcquisCommand):
    help = (
        "Crée (ou complète) les données de démonstration et affiche les identifiants ; "
        "`--code` affiche seulement le code de double authentification du moment."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--code",
            action="store_true",
            help="Code à 6 chiffres actuel des comptes de démonstration (double authentification).",
        )

    def handle(self, *args, code=False, **options):
        if code:
            self.stdout.write(twofactor.current_code(DEMO_TOTP_KEY))
            return
        logins = build_demo()
        self.stdout.write("Données de démonstration prêtes. Identifiants (mot de passe commun) :")
        for login in logins:
            self.stdout.write(f"  {login.role:45} {login.email}")
        self.stdout.write(f"  Mot de passe : {DEMO_PASSWORD}")
        self.stdout.write(
            "  Double authentification (personnel, membres de jury) : clé de démonstration "
            f"{twofactor.base32_secret(DEMO_TOTP_KEY)} à ajouter à une application "
            "d'authentification, ou code du moment : « acquis demo --code »."
        )
