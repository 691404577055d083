"""Import of the CDC processing report ("accusé de traitement") of an accrochage file.

Accepted formats (formats.md §2.4: the exact XML of the CDC report is not public; we accept
what was seen in a real one and a plain CSV for reports typed or converted by hand):

- XML: a root (any name, any namespace) holding `PassagesOK/idTechnique*` and
  `PassagesKO/passage*{idTechnique, messageErreur}`; element names are matched on their
  local name, case-insensitively (`passagesOK` and `PassagesOK` alike).
- CSV (UTF-8, `;` or `,`): a header line `idTechnique;statut;message`, then one line per
  passage; `statut` is `OK` or `KO` (also `accepte`/`rejete`), `message` optional.

Each idTechnique is matched to the latest line that declared it (a block passage
`<id>-<block code>` to its decision's line). A line is accepted when all its passages are
OK, rejected (with the CDC messages) as soon as one is KO; a rejected decision is declarable
again. Any unknown idTechnique or malformed line: a French error naming the line, nothing
written.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from lxml import etree

from acquis.audit.services import record_event
from acquis.errors import AcquisError
from acquis.exports.enums import LineStatus
from acquis.exports.models import AccrochageLine

OK_WORDS = {"ok", "accepte", "accepté", "accepted"}
KO_WORDS = {"ko", "rejete", "rejeté", "rejected", "erreur"}


class ReportError(AcquisError):
    """The report cannot be imported; the message names every faulty line (French)."""


@dataclass
class Entry:
    line: int
    id_technique: str
    ok: bool
    message: str = ""


@dataclass
class ReportResult:
    accepted: int = 0
    rejected: int = 0
    batches: set[int] = field(default_factory=set)

    def summary(self) -> str:
        return (
            f"Compte rendu importé : {self.accepted} passage(s) accepté(s), {self.rejected} "
            f"rejeté(s) (à corriger puis à déclarer de nouveau)."
        )


def _local(tag) -> str:
    return etree.QName(tag).localname.lower() if isinstance(tag, str) else ""


def parse_xml(data: bytes) -> list[Entry]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise ReportError(f"Compte rendu illisible (XML mal formé) : {error}") from error
    entries: list[Entry] = []
    for elem in root.iter():
        name = _local(elem.tag)
        if name == "passagesok":
            for child in elem:
                if _local(child.tag) == "idtechnique":
                    entries.append(Entry(child.sourceline, (child.text or "").strip(), True))
        elif name == "passagesko":
            for passage in elem:
                if _local(passage.tag) != "passage":
                    continue
                values = {_local(c.tag): (c.text or "").strip() for c in passage}
                entries.append(
                    Entry(
                        passage.sourceline,
                        values.get("idtechnique", ""),
                        False,
                        values.get("messageerreur", ""),
                    )
                )
    if not entries:
        raise ReportError(
            "Compte rendu sans passage : éléments PassagesOK/idTechnique ou "
            "PassagesKO/passage attendus."
        )
    return entries


def parse_csv(text: str) -> list[Entry]:
    dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else ";", delimiters=";,")
    reader = csv.reader(io.StringIO(text), dialect)
    header = [h.strip().lower() for h in next(reader, [])]
    if header[:2] != ["idtechnique", "statut"]:
        raise ReportError("Ligne 1 : en-tête « idTechnique;statut;message » attendu.")
    entries, errors = [], []
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        ident = row[0].strip()
        status = row[1].strip().lower() if len(row) > 1 else ""
        message = row[2].strip() if len(row) > 2 else ""
        if status not in OK_WORDS | KO_WORDS:
            errors.append(f"Ligne {number} : statut « {status} » inconnu (OK ou KO attendu).")
            continue
        entries.append(Entry(number, ident, status in OK_WORDS, message))
    if errors:
        raise ReportError("\n".join(errors))
    if not entries:
        raise ReportError("Compte rendu vide : aucune ligne après l'en-tête.")
    return entries


def parse(data: bytes) -> list[Entry]:
    if data.lstrip()[:1] == b"<":
        return parse_xml(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ReportError("Compte rendu CSV : encodage UTF-8 attendu.") from error
    return parse_csv(text)


def _match(entries: list[Entry]) -> dict[int, list[Entry]]:
    """Entries grouped by the line (pk) they answer; ReportError lists the unknown ones."""
    wanted = {e.id_technique for e in entries} | {e.id_technique.rsplit("-", 1)[0] for e in entries}
    latest: dict[str, int] = {}
    for pk, ident in (
        AccrochageLine.objects.filter(id_technique__in=wanted)
        .order_by("pk")
        .values_list("pk", "id_technique")
        .iterator(chunk_size=5000)
    ):
        latest[ident] = pk
    grouped: dict[int, list[Entry]] = {}
    errors = []
    for entry in entries:
        pk = latest.get(entry.id_technique) or latest.get(entry.id_technique.rsplit("-", 1)[0])
        if not entry.id_technique or pk is None:
            errors.append(
                f"Ligne {entry.line} : idTechnique « {entry.id_technique} » inconnu (aucun "
                "passage déclaré par Acquis ne porte cet identifiant)."
            )
            continue
        grouped.setdefault(pk, []).append(entry)
    if errors:
        raise ReportError("Compte rendu refusé, rien n'a été enregistré.\n" + "\n".join(errors))
    return grouped


@transaction.atomic
def import_report(data: bytes, *, actor=None, filename: str = "") -> ReportResult:
    """Apply a CDC processing report to the declared lines (all or nothing)."""
    grouped = _match(parse(data))
    lines = (
        AccrochageLine.objects.select_for_update().filter(pk__in=grouped).select_related("batch")
    )
    result = ReportResult()
    changed = []
    for line in lines:
        kos = [e for e in grouped[line.pk] if not e.ok]
        line.status = LineStatus.REJECTED if kos else LineStatus.ACCEPTED
        line.message = "\n".join(
            f"{e.id_technique} : {e.message or 'rejeté sans message'}" for e in kos
        )
        result.rejected += bool(kos)
        result.accepted += not kos
        result.batches.add(line.batch_id)
        changed.append(line)
    AccrochageLine.objects.bulk_update(changed, ["status", "message"], batch_size=5000)
    now = timezone.now()
    for line in {line.batch_id: line for line in changed}.values():
        batch = line.batch
        batch.report_imported_at = now
        batch.save(update_fields=["report_imported_at"])
        in_batch = [x for x in changed if x.batch_id == batch.pk]
        record_event(
            "accrochage.report_imported",
            batch,
            actor=actor,
            payload={
                "file": filename,
                "accepted": sum(x.status == LineStatus.ACCEPTED for x in in_batch),
                "rejected": [x.id_technique for x in in_batch if x.status == LineStatus.REJECTED],
            },
        )
    return result


def import_report_file(path: Path, *, actor=None) -> ReportResult:
    if not path.is_file():
        raise ReportError(f"Fichier introuvable : {path}")
    return import_report(path.read_bytes(), actor=actor, filename=path.name)
