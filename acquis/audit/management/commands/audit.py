from django.core.management.base import BaseCommand, CommandError

from acquis.audit.services import verify_chain


class Command(BaseCommand):
    help = "Journal d'audit : `acquis audit verify` vérifie la chaîne d'empreintes."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Vérifie la chaîne d'empreintes du journal d'audit.")

    def handle(self, *args, action, **options):
        report = verify_chain()
        if not report.ok:
            event = report.broken_at
            raise CommandError(
                f"Chaîne rompue à l'événement n° {event.pk} ({event.verb}, "
                f"{event.created_at:%d/%m/%Y %H:%M}) : {report.reason}. "
                f"{report.checked} événement(s) vérifié(s) avant lui."
            )
        self.stdout.write(f"Chaîne d'audit intègre : {report.checked} événement(s) vérifié(s).")
