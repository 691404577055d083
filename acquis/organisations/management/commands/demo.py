from django.core.management.base import BaseCommand

from acquis.demo import DEMO_PASSWORD, build_demo


class Command(BaseCommand):
    help = "Crée (ou complète) les données de démonstration et affiche les identifiants."

    def handle(self, *args, **options):
        logins = build_demo()
        self.stdout.write("Données de démonstration prêtes. Identifiants (mot de passe commun) :")
        for login in logins:
            self.stdout.write(f"  {login.role:45} {login.email}")
        self.stdout.write(f"  Mot de passe : {DEMO_PASSWORD}")
