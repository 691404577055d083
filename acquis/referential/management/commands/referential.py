"""acquis referential validate|load|list|export|import-rncp."""

import json
import sys

from django.core.management.base import CommandError, CommandParser

from acquis.cli import AcquisCommand
from acquis.referential import export, fileformat, services
from acquis.referential.exceptions import ReferentialError
from acquis.referential.models import Certification


class Command(AcquisCommand):
    help = "Référentiels de certification : valider, charger, lister, exporter, importer du RNCP."

    def add_arguments(self, parser: CommandParser):
        sub = parser.add_subparsers(dest="action", required=True, parser_class=CommandParser)
        p = sub.add_parser("validate", help="Vérifie un fichier de référentiel sans le charger.")
        p.add_argument("file")
        p = sub.add_parser("load", help="Charge un fichier (nouvelle version s'il a changé).")
        p.add_argument("file")
        p.add_argument(
            "--certifier",
            help="SIRET ou identifiant du certificateur à qui le titre appartient "
            "(refusé si le titre est à un autre certificateur).",
        )
        p = sub.add_parser("list", help="Liste les certifications chargées et leurs versions.")
        p.add_argument("--format", choices=["text", "json"], default="text")
        p = sub.add_parser("export", help="Exporte une version chargée sur la sortie standard.")
        p.add_argument("code")
        p.add_argument("--version", dest="number", type=int)
        p.add_argument("--format", choices=["json", "yaml"], default="yaml")
        p = sub.add_parser("import-rncp", help="Importe des fiches de l'export XML RNCP (V4.1).")
        p.add_argument("file")
        p.add_argument("--fiche", help="Numéro de la seule fiche à importer, ex. RNCP36612.")
        p.add_argument("--dry-run", action="store_true", help="N'écrit rien ; montre le résultat.")
        p.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, action, **options):
        handler = getattr(self, "do_" + action.replace("-", "_"))
        try:
            handler(**options)
        except ReferentialError as exc:
            for issue in exc.problems:
                self.stderr.write(issue.format(options.get("file", "")))
            raise CommandError(str(exc)) from exc

    def do_validate(self, *, file, **_):
        result = fileformat.read_file(file)
        for issue in result.warnings:
            self.stderr.write("avertissement : " + issue.format(file))
        if not result.ok:
            for issue in result.errors:
                self.stderr.write(issue.format(file))
            raise CommandError(f"{len(result.errors)} erreur(s) dans {file}.")
        doc = result.document
        comps = [c for b in doc["blocks"] for c in b["competencies"]]
        criteria = sum(len(c["criteria"]) for c in comps)
        self.stdout.write(
            f"{file} : référentiel valide — {len(doc['blocks'])} blocs, {len(comps)} compétences, "
            f"{criteria} critères, {len(doc['assessments'])} épreuves."
        )

    def do_load(self, *, file, certifier=None, **_):
        owner = services.find_certifier(certifier) if certifier else None
        result = services.load_referential_file(file, owner=owner)
        version = result.version
        owner = version.certification.owner
        if owner is not None:
            self.stdout.write(f"Titre de {owner.name}.")
        if result.created:
            self.stdout.write(
                f"Version {version.number} de « {version.certification.code} » chargée "
                f"({version.get_status_display().lower()})."
            )
        else:
            self.stdout.write(
                f"Déjà chargé : identique à la version {version.number} de "
                f"« {version.certification.code} » ; rien n'a changé."
            )

    def do_list(self, *, format, **_):
        rows = []
        certifications = Certification.objects.select_related("owner").prefetch_related("versions")
        for cert in certifications.order_by("code"):
            rows.append({
                "code": cert.code,
                "title": cert.title,
                "registry_number": cert.registry_number,
                "certifier": cert.owner.name if cert.owner else None,
                "versions": [
                    {"number": v.number, "status": v.status, "created_at": v.created_at.isoformat(),
                     "content_hash": v.content_hash}
                    for v in cert.versions.all()
                ],
            })  # fmt: skip
        if format == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        if not rows:
            self.stdout.write("Aucune certification chargée.")
        for row in rows:
            versions = ", ".join(f"v{v['number']} ({v['status']})" for v in row["versions"])
            number = f" [{row['registry_number']}]" if row["registry_number"] else ""
            owner = row["certifier"] or "sans certificateur"
            self.stdout.write(f"{row['code']}{number} — {row['title']} ({owner}) — {versions}")

    def do_export(self, *, code, number, format, **_):
        cert = Certification.objects.filter(code=code).first()
        if cert is None:
            raise CommandError(f"Aucune certification de code « {code} ».")
        versions = cert.versions.all()
        version = (
            versions.filter(number=number).first()
            if number
            else versions.order_by("-number").first()
        )
        if version is None:
            raise CommandError(f"La certification « {code} » n'a pas de version {number}.")
        self.stdout.write(export.dump(export.version_document(version), format), ending="")

    def do_import_rncp(self, *, file, fiche, dry_run, format, **_):
        if file == "-":
            file = sys.stdin.buffer
        report = services.import_rncp(
            file,
            fiche=fiche,
            dry_run=dry_run,
            detail=dry_run and format == "json",
            parallel=not dry_run and file is not sys.stdin.buffer,
        )
        if format == "json":
            data = report.as_dict()
            data["simulation"] = dry_run
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        for skipped in report.skipped:
            self.stderr.write(skipped["message"])
        verb = "seraient créées" if dry_run else "créées"
        self.stdout.write(
            f"{report.fiches} fiche(s) lue(s) ; versions brouillon {verb} : "
            f"{report.fiches - len(report.skipped) if dry_run else report.created} ; "
            f"inchangées : {report.unchanged} ; ignorées : {len(report.skipped)} ; "
            f"{report.blocks} blocs, {report.competencies} compétences "
            f"dont {report.needs_review} à relire."
        )
