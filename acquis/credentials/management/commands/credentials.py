"""acquis credentials keygen [--certifier SIRET|ID|NAME] [--force] | list [--format json]
| badge NUMBER [--bloc CODE] | issue DELIBERATION_ID [--background]
| reissue --reason TEXT [--dry-run].

`reissue`: the documents and badges issued when blocks carried a validity date ("valable
jusqu'au", `validUntil`) are revoked with the reason and issued again in today's wording
("blocs acquis définitivement"), each audited (revocation.reissue_old_wording).

`badge NUMBER`: NUMBER is either the credential id (`urn:uuid:…`, shown by `list`) or the
number of the certificate issued for the decision (IssuedDocument of kind certificate); with
a certificate number the title's badge is printed, or the badge of block `--bloc CODE`.
"""

import json
import os

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from acquis.cli import AcquisCommand
from acquis.credentials import badges, certifier_keys, revocation
from acquis.credentials.enums import DocumentKind
from acquis.credentials.management.commands._issue import issue
from acquis.credentials.models import IssuedCredential, IssuedDocument
from acquis.errors import AcquisError


class Command(AcquisCommand):
    help = "Justificatifs : clé des badges, liste des documents et badges délivrés, un badge."

    def add_arguments(self, parser: CommandParser):
        sub = parser.add_subparsers(dest="action", required=True, parser_class=CommandParser)
        keygen = sub.add_parser("keygen", help="Crée la clé Ed25519 des badges si elle manque.")
        keygen.add_argument("--force", action="store_true", help="Remplace la clé existante.")
        keygen.add_argument(
            "--certifier",
            help="SIRET, numéro ou nom (« ops-conseil ») du certificateur : crée sa propre clé "
            "(sans cette option : la clé de l'installation).",
        )
        listing = sub.add_parser("list", help="Liste les documents et badges délivrés.")
        listing.add_argument("--format", choices=["text", "json"], default="text")
        badge = sub.add_parser("badge", help="Affiche un badge signé (JSON).")
        badge.add_argument("number", help="Identifiant du badge ou numéro du certificat.")
        badge.add_argument("--bloc", help="Code du bloc (avec un numéro de certificat).")
        issue = sub.add_parser(
            "issue", help="Délivre (ou reprend) les documents d'une délibération signée."
        )
        issue.add_argument("deliberation", type=int, help="Numéro de la délibération.")
        issue.add_argument(
            "--background",
            action="store_true",
            help="Met seulement le lot en file d'attente (traité par « acquis db_worker »).",
        )

        reissue = sub.add_parser(
            "reissue",
            help="Délivre à nouveau les documents et badges qui donnaient une date de "
            "validité aux blocs (les blocs validés sont acquis définitivement).",
        )
        reissue.add_argument(
            "--reason", required=True, help="Motif de la révocation des anciens documents."
        )
        reissue.add_argument(
            "--dry-run", action="store_true", help="Liste seulement ce qui serait remplacé."
        )

    def handle(self, *args, action, **options):
        getattr(self, "do_" + action)(**options)

    def do_issue(self, *, deliberation, background, **_):
        issue(self, deliberation, background=background)

    def do_reissue(self, *, reason, dry_run, **_):
        try:
            report = revocation.reissue_old_wording(reason=reason, actor=None, dry_run=dry_run)
        except revocation.RevocationError as error:
            raise CommandError(str(error)) from error
        verb = "serai(en)t remplacé(s)" if dry_run else "remplacé(s)"
        self.stdout.write(f"{len(report.documents)} document(s) {verb}")
        for old, new in report.documents:
            label = f"{old.get_kind_display()} {old.number}".strip()
            holder = badges.holder_name(old.candidate) if old.candidate else ""
            after = "" if dry_run else f" → {new.get_kind_display()} {new.number}".rstrip()
            self.stdout.write(f"  {label} — {holder}{after}")
        self.stdout.write(f"{len(report.badges)} badge(s) {verb}")
        for old, new in report.badges:
            after = "" if dry_run else f" → {new.credential_id}"
            self.stdout.write(f"  {old.credential_id}{after}")
        for line in report.refused:
            self.stderr.write(f"Refusé : {line}")
        if report.refused:
            raise CommandError(f"{len(report.refused)} remplacement(s) refusé(s).")

    def do_keygen(self, *, force, certifier=None, **_):
        if certifier:
            self._certifier_keygen(certifier, force=force)
            return
        path = settings.ACQUIS_BADGE_KEY_FILE
        if settings.ACQUIS_BADGE_KEY:
            self.stdout.write("Clé fournie par ACQUIS_BADGE_KEY : rien à créer.")
            return
        if path.exists() and not force:
            did = badges.issuer_did()
            self.stdout.write(f"Clé déjà présente ({path}) ; émetteur {did}.")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        key = badges.generate_key()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(badges.key_to_multibase(key) + "\n")
        self.stdout.write(f"Clé créée : {path} ; émetteur {badges.did_key(key.public_key())}.")

    def _certifier_keygen(self, text: str, *, force: bool):
        """The certifier's own badge key in its folder; a replaced key is kept aside as
        retired (it still signs the status lists of the badges it issued)."""
        try:
            certifier = certifier_keys.find_certifier(text)
        except AcquisError as error:
            raise CommandError(str(error)) from error
        path = certifier_keys.badge_key_file(certifier)
        if path.exists() and not force:
            did = badges.issuer_did(certifier=certifier)
            self.stdout.write(f"Clé de {certifier.name} déjà présente ({path}) ; émetteur {did}.")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            stamp = timezone.now().strftime("%Y%m%dT%H%M%S")
            retired = path.with_name(f"badges-ed25519.retiree-{stamp}.key")
            path.rename(retired)
            self.stdout.write(f"Ancienne clé conservée : {retired}.")
        key = badges.generate_key()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(badges.key_to_multibase(key) + "\n")
        did = badges.did_key(key.public_key())
        self.stdout.write(f"Clé de {certifier.name} créée : {path} ; émetteur {did}.")

    def do_list(self, *, format, **_):
        documents = [_document_row(d) for d in _documents()]
        credentials = [_credential_row(c) for c in _credentials()]
        if format == "json":
            payload = {"documents": documents, "credentials": credentials}
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{len(documents)} document(s) délivré(s)")
        for row in documents:
            state = " (révoqué)" if row["revoked_at"] else ""
            self.stdout.write(f"  {row['kind']} {row['number']} — {row['holder']}{state}")
        self.stdout.write(f"{len(credentials)} badge(s) délivré(s)")
        for row in credentials:
            state = " (révoqué)" if row["revoked_at"] else ""
            self.stdout.write(f"  {row['id']} — {row['name']} — {row['holder']}{state}")

    def do_badge(self, *, number, bloc, **_):
        credential = _find_credential(number.strip(), (bloc or "").strip())
        self.stdout.write(json.dumps(credential.document, ensure_ascii=False, indent=2))


def _documents():
    return IssuedDocument.objects.select_related("candidate").order_by("issued_at", "pk")


def _credentials():
    return IssuedCredential.objects.select_related(
        "block", "decision__candidacy__candidate"
    ).order_by("issued_at", "pk")


def _iso(moment):
    return moment.isoformat() if moment else None


def _document_row(document: IssuedDocument) -> dict:
    return {
        "kind": document.kind,
        "number": document.number,
        "holder": badges.holder_name(document.candidate) if document.candidate else None,
        "decision": document.decision_id,
        "minutes": document.minutes_id,
        "verification_code": document.verification_code,
        "sha256": document.sha256,
        "signed": document.signed,
        "issued_at": _iso(document.issued_at),
        "revoked_at": _iso(document.revoked_at),
    }


def _credential_row(credential: IssuedCredential) -> dict:
    return {
        "id": credential.credential_id,
        "name": credential.document.get("name", ""),
        "block": credential.block.code if credential.block else None,
        "holder": badges.holder_name(credential.decision.candidacy.candidate),
        "decision": credential.decision_id,
        "status_index": credential.status_index,
        "issued_at": _iso(credential.issued_at),
        "revoked_at": _iso(credential.revoked_at),
    }


def _find_credential(number: str, block_code: str) -> IssuedCredential:
    found = IssuedCredential.objects.filter(credential_id=number).first()
    if found is not None:
        return found
    document = IssuedDocument.objects.filter(
        number=number, kind=DocumentKind.CERTIFICATE, decision__isnull=False
    ).first()
    if document is None:
        raise CommandError(
            f"Aucun badge ni certificat « {number} » : donnez l'identifiant d'un badge "
            "(urn:uuid:…, voir « acquis credentials list ») ou un numéro de certificat."
        )
    credentials = IssuedCredential.objects.filter(decision_id=document.decision_id)
    if block_code:
        found = credentials.filter(block__code=block_code).first()
        missing = f"Aucun badge du bloc {block_code} pour le certificat {number}."
    else:
        found = credentials.filter(block__isnull=True).first()
        missing = f"Aucun badge du titre délivré pour le certificat {number}."
    if found is None:
        raise CommandError(missing)
    return found
