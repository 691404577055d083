"""CDC accrochage: which awards are declared, the streamed XML file, its XSD validation.

The Caisse des Dépôts must receive every award within 3 months (formats.md §2). The file is
written element by element (`lxml.etree.xmlfile`) into a temporary file, validated against
the XSD in one streaming pass (`iterparse(schema=...)`), and only then stored with its
batch and lines, in one transaction: an invalid file is never offered.

What is declared (one `passageCertification` per award):
- a signed (frozen) decision in force (not corrected by a signed decision) of the
  certifier, that awards something: a total validation (the title, code = RNCP/RS number
  of the version) or a partial validation with at least one block validated (one passage
  per block, under the block's registry code "RNCP…BCnn": XSD 1.1.2 has no block element
  inside a passage, a block is declared as its own `certification`);
- not in an accepted line, nor in an exported line awaiting the CDC report; a rejected
  line makes the decision declarable again.
`idTechnique` is derived from the decision (`<prefix>-<decision id>`, blocks
`<prefix>-<decision id>-<block registry code>`): the same across re-exports, so a corrected
line replaces the rejected one at the CDC.
A decision whose certification code is unknown (no RNCP number, a block without registry
code) is not declarable: `undeclarable` says why, per holder; nothing is invented.
"""

from __future__ import annotations

import calendar
import copy
import hashlib
import itertools
import os
import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.utils import timezone
from lxml import etree

from acquis.audit.services import record_event
from acquis.candidates import names
from acquis.candidates.enums import AccessMode
from acquis.errors import AcquisError
from acquis.exports.enums import LineStatus
from acquis.exports.models import AccrochageBatch, AccrochageLine
from acquis.juries.models import BlockDecision, Decision
from acquis.organisations import certifier_settings

NS = "urn:cdc:cpf:pc5:schema:1.0.0"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
PARIS = ZoneInfo("Europe/Paris")
DEADLINE_MONTHS = 3  # "dans un délai de 3 mois" after the award (issue 6, §6)
CHUNK = 2000


class AccrochageError(AcquisError):
    """An export that cannot be produced; the message is for the user (French)."""


def q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


# --- which decisions ------------------------------------------------------------------------


def awards(certifier) -> QuerySet:
    """Signed decisions in force that award the title or at least one block."""
    validated_block = BlockDecision.objects.filter(decision=OuterRef("pk"), validated=True)
    corrected = Decision.objects.filter(corrects=OuterRef("pk"), frozen=True)
    return (
        Decision.objects.filter(frozen=True, candidacy__candidate__certifier=certifier)
        .filter(Q(title_awarded=True) | Q(Exists(validated_block)))
        .exclude(Exists(corrected))
    )


def not_declared(certifier, since: date | None = None) -> QuerySet:
    """Awards neither accepted by the CDC nor awaiting its report (rejected ones included)."""
    held = AccrochageLine.objects.filter(
        decision=OuterRef("pk"), status__in=[LineStatus.EXPORTED, LineStatus.ACCEPTED]
    )
    qs = awards(certifier).exclude(Exists(held))
    if since is not None:
        qs = qs.filter(deliberation__date__gte=since)
    return qs


def _unknown_block_code():
    return BlockDecision.objects.filter(
        decision=OuterRef("pk"), validated=True, block__registry_code=""
    )


def _declarable_q() -> Q:
    """A decision not declared that the next file declares: its codes are known."""
    return (Q(title_awarded=True) & ~Q(deliberation__version__registry_number="")) | Q(
        Q(title_awarded=False), ~Exists(_unknown_block_code())
    )


def declarable(certifier, since: date | None = None) -> QuerySet:
    """The decisions the next file declares: not declared and with a known code."""
    return not_declared(certifier, since).filter(_declarable_q())


def undeclarable_reason(decision: Decision) -> str | None:
    """Why this award cannot be declared (French), or None. `decision.unknown_blocks`
    (annotation of `pending_holders`) spares a query for most decisions."""
    version = decision.deliberation.version
    if decision.title_awarded:
        if not version.registry_number:
            return (
                "numéro RNCP/RS de la certification inconnu (à renseigner dans le "
                "référentiel) : la CDC l'exige (certification/code)."
            )
        return None
    if not getattr(decision, "unknown_blocks", True):
        return None
    missing = list(
        BlockDecision.objects.filter(decision=decision, validated=True, block__registry_code="")
        .order_by("block__position")
        .values_list("block__code", flat=True)
    )
    if missing:
        return (
            f"code au répertoire inconnu pour le(s) bloc(s) {', '.join(missing)} (à renseigner "
            "dans le référentiel) : la CDC l'exige (certification/code)."
        )
    return None


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def declaration_deadline(decision: Decision) -> date:
    return add_months(decision.deliberation.date, DEADLINE_MONTHS)


@dataclass(frozen=True)
class Summary:
    """Where the declaration stands, for the staff dashboard and the accrochage page."""

    total: int  # awards not declared yet (rejected ones included)
    overdue: int  # of which the 3-month deadline has passed
    declarable: int  # of which the next file declares (codes known)
    next_deadline: date | None  # the earliest deadline among them

    def __add__(self, other: Summary) -> Summary:
        deadlines = [d for d in (self.next_deadline, other.next_deadline) if d is not None]
        return Summary(
            self.total + other.total,
            self.overdue + other.overdue,
            self.declarable + other.declarable,
            min(deadlines) if deadlines else None,
        )


EMPTY_SUMMARY = Summary(0, 0, 0, None)


def summary(certifiers, *, today: date | None = None) -> Summary:
    """The holders not declared of these certifiers, in a fixed number of queries."""
    today = today or timezone.localdate()
    cutoff = add_months(today, -DEADLINE_MONTHS)  # decided before: deadline passed
    result = EMPTY_SUMMARY
    for certifier in certifiers:
        # One statement per certifier (the staff dashboard shows it on every visit).
        counts = not_declared(certifier).aggregate(
            total=Count("pk"),
            overdue=Count("pk", filter=Q(deliberation__date__lt=cutoff)),
            declarable=Count("pk", filter=_declarable_q()),
            earliest=Min("deliberation__date"),
        )
        earliest = counts["earliest"]
        result += Summary(
            counts["total"],
            counts["overdue"],
            counts["declarable"],
            add_months(earliest, DEADLINE_MONTHS) if earliest else None,
        )
    return result


@dataclass
class Pending:
    """A holder not yet declared, for the staff screen and the CLI."""

    decision: Decision
    deadline: date
    overdue: bool
    reason: str | None  # why it cannot be declared; None: the next file declares it
    rejected_message: str = ""


def pending_holders(
    certifier,
    *,
    today: date | None = None,
    since: date | None = None,
    undeclarable_only: bool = False,
    limit: int | None = None,
) -> list[Pending]:
    """Holders not yet declared, earliest deadline first (`limit`: the first ones only)."""
    today = today or timezone.localdate()
    decisions = not_declared(certifier, since)
    if undeclarable_only:
        decisions = decisions.exclude(pk__in=declarable(certifier, since).values("pk"))
    decisions = (
        decisions.annotate(unknown_blocks=Exists(_unknown_block_code()))
        .select_related("deliberation__version", "candidacy__candidate")
        # The version's normalised document is large: never load it once per holder.
        .defer("deliberation__version__document", "deliberation__version__rules")
        .order_by("deliberation__date", "candidacy__candidate__birth_name", "pk")
    )
    rejected = dict(
        AccrochageLine.objects.filter(
            decision__in=decisions.values("pk"), status=LineStatus.REJECTED
        )
        .order_by("pk")
        .values_list("decision_id", "message")
    )
    rows = []
    for decision in decisions[:limit]:
        deadline = declaration_deadline(decision)
        rows.append(
            Pending(
                decision=decision,
                deadline=deadline,
                overdue=deadline < today,
                reason=undeclarable_reason(decision),
                rejected_message=rejected.get(decision.pk, ""),
            )
        )
    return rows


# --- the passages -----------------------------------------------------------------------------

IDENTITY = [
    "candidacy__candidate__birth_name",
    "candidacy__candidate__usage_name",
    "candidacy__candidate__first_name",
    "candidacy__candidate__first_name_2",
    "candidacy__candidate__first_name_3",
    "candidacy__candidate__sex",
    "candidacy__candidate__birth_date",
    "candidacy__candidate__birth_insee_code",
    "candidacy__candidate__birth_city",
    "candidacy__candidate__birth_country",
    "candidacy__access_mode",
    "candidacy__vae_route",
    "candidacy__registered_on",
    "deliberation__date",
    "deadline",
]


def id_technique(decision_id: int, block_code: str = "") -> str:
    base = f"{settings.ACQUIS_ACCROCHAGE_ID_PREFIX}-{decision_id}"
    return f"{base}-{block_code}" if block_code else base


def holder_label(row: dict, prefix: str = "candidacy__candidate__") -> str:
    """The holder named by the one rule of acquis.candidates.names, from a values() row."""
    fields = ("birth_name", "usage_name", "first_name", "sex")
    return names.display_name(SimpleNamespace(**{f: row.get(prefix + f) or "" for f in fields}))


def _title_rows(decisions: QuerySet):
    fields = [
        "pk",
        "deliberation__version__registry_kind",
        "deliberation__version__registry_number",
    ]
    rows = (
        decisions.filter(title_awarded=True)
        .order_by("deliberation__version__registry_number", "pk")
        .values(*fields, *IDENTITY)
    )
    for row in rows.iterator(chunk_size=CHUNK):
        yield (
            row["deliberation__version__registry_kind"] or "RNCP",
            row["deliberation__version__registry_number"],
            row["pk"],
            "",
            {k: row[k] for k in IDENTITY},
            None,  # the title does not expire: dateFinValidite nil
        )


def _block_rows(decisions: QuerySet):
    rows = (
        BlockDecision.objects.filter(
            validated=True,
            # Blocks without the title: a partial validation, or a total validation of a
            # candidacy for some blocks.
            decision__in=decisions.filter(title_awarded=False).values("pk"),
        )
        .order_by("block__registry_code", "decision_id")
        .values(
            "decision_id",
            "block__registry_code",
            "decision__deliberation__version__registry_kind",
            *[f"decision__{k}" for k in IDENTITY],
        )
    )
    for row in rows.iterator(chunk_size=CHUNK):
        data = {k: row[f"decision__{k}"] for k in IDENTITY}
        yield (
            row["decision__deliberation__version__registry_kind"] or "RNCP",
            row["block__registry_code"],
            row["decision_id"],
            row["block__registry_code"],
            data,
            None,  # a validated block is acquired for good: dateFinValidite nil
        )


# --- writing ----------------------------------------------------------------------------------


def _leaf(xf, tag: str, value) -> None:
    """One element; None is written `xsi:nil="true"` (the element is required, unknown)."""
    if value is None:
        with xf.element(q(tag), {f"{{{XSI}}}nil": "true"}):
            pass
        return
    with xf.element(q(tag)):
        xf.write(str(value))


def _optional(xf, tag: str, value) -> None:
    if value not in (None, ""):
        _leaf(xf, tag, value)


def _passage(xf, ident: str, data: dict, valid_until: date | None) -> None:
    c = "candidacy__candidate__"
    xf.write("\n")  # one passage per line: a reader (and our diagnosis) can follow it
    with xf.element(q("passageCertification")):
        _leaf(xf, "idTechnique", ident)
        _leaf(xf, "obtentionCertification", "PAR_ADMISSION")
        _leaf(xf, "donneeCertifiee", "true")
        _leaf(xf, "dateDebutValidite", data["deliberation__date"].isoformat())
        _leaf(xf, "dateFinValidite", valid_until.isoformat() if valid_until else None)
        _leaf(xf, "presenceNiveauLangueEuro", "false")
        _leaf(xf, "presenceNiveauNumeriqueEuro", "false")
        _leaf(xf, "scoring", None)
        _leaf(xf, "mentionValidee", None)
        with xf.element(q("modalitesInscription")):
            mode = data["candidacy__access_mode"] or None
            _leaf(xf, "modaliteAcces", mode)
            if mode == AccessMode.VAE:
                _optional(xf, "voieAccessVAE", data["candidacy__vae_route"])
            registered = data["candidacy__registered_on"]
            _optional(xf, "dateInscription", registered.isoformat() if registered else None)
        with xf.element(q("identificationTitulaire")), xf.element(q("titulaire")):
            _identity(xf, data, c)


def _identity(xf, data: dict, c: str) -> None:
    """The `titulaire` branch: we hold the civil identity, never a CPF file number
    (`dossierFormation`). Birth place: INSEE code when known, else an empty postal code
    (allowed, nil) with the country's name (formats.md §2, pix generator)."""
    born = data[c + "birth_date"]
    _leaf(xf, "nomNaissance", data[c + "birth_name"])
    _leaf(xf, "nomUsage", data[c + "usage_name"] or None)
    _leaf(xf, "prenom1", data[c + "first_name"])
    _optional(xf, "prenom2", data[c + "first_name_2"])
    _optional(xf, "prenom3", data[c + "first_name_3"])
    _leaf(xf, "anneeNaissance", born.year)
    _leaf(xf, "moisNaissance", born.month)
    _leaf(xf, "jourNaissance", born.day)
    _leaf(xf, "sexe", data[c + "sex"])
    with xf.element(q("codeCommuneNaissance")):
        if data[c + "birth_insee_code"]:
            with xf.element(q("codeInseeNaissance")):
                _leaf(xf, "codeInsee", data[c + "birth_insee_code"])
        else:
            with xf.element(q("codePostalNaissance")):
                _leaf(xf, "codePostal", None)
    _optional(xf, "libelleCommuneNaissance", data[c + "birth_city"])
    _optional(xf, "libellePaysNaissance", data[c + "birth_country"])


@dataclass
class Written:
    """What a written file holds: its passages in order and the decisions it declares."""

    passages: list[tuple[str, str]] = field(default_factory=list)  # (idTechnique, holder)
    decisions: dict[int, str] = field(default_factory=dict)  # decision pk -> idTechnique


def _ids(certifier=None) -> tuple[str, str, str]:
    """(emitter, certifier, contract) CDC identifiers: the certifier's own settings
    (`certifier_settings`), the environment for the installation's first certifier or when
    no certifier is named."""
    if certifier is None:
        certifier_id = settings.ACQUIS_ACCROCHAGE_CERTIFIER_ID
        contract = settings.ACQUIS_ACCROCHAGE_CONTRACT_ID
        emitter = settings.ACQUIS_ACCROCHAGE_EMITTER_ID or certifier_id
        where = "Réglage "
    else:
        own = certifier_settings.settings_for(certifier)
        certifier_id, contract, emitter = own.cdc_client_id, own.cdc_contract_id, own.cdc_emitter_id
        where = f"Réglages de {certifier.name} : "
    for name, value, size in (
        ("ACQUIS_ACCROCHAGE_CERTIFIER_ID (idClient du certificateur)", certifier_id, "8"),
        ("ACQUIS_ACCROCHAGE_EMITTER_ID (idClient de l'émetteur)", emitter, "8"),
    ):
        if len(value) != 8:
            raise AccrochageError(
                f"{where}{name} : {size} caractères attendus (fiche client CDC), « {value} » reçu."
            )
    if not 1 <= len(contract) <= 20:
        raise AccrochageError(
            f"{where}ACQUIS_ACCROCHAGE_CONTRACT_ID (idContrat du certificateur) : "
            "de 1 à 20 caractères attendus."
        )
    return emitter, certifier_id, contract


def write_file(path: Path, decisions: QuerySet, *, now=None, certifier=None) -> Written:
    """Stream the flux of these decisions into `path` (not validated here), under the
    certifier's CDC identifiers."""
    emitter, certifier_id, contract = _ids(certifier)
    now = (now or timezone.now()).astimezone(PARIS).replace(microsecond=0)
    written = Written()
    with etree.xmlfile(str(path), encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element(q("flux"), nsmap={"cpf": NS, "xsi": XSI}):
            _leaf(xf, "idFlux", str(uuid.uuid4()))
            _leaf(xf, "horodatage", now.isoformat())  # explicit offset, e.g. +01:00
            with xf.element(q("emetteur")):
                _leaf(xf, "idClient", emitter)
                with xf.element(q("certificateurs")), xf.element(q("certificateur")):
                    _leaf(xf, "idClient", certifier_id)
                    _leaf(xf, "idContrat", contract)
                    with xf.element(q("certifications")):
                        _certifications(xf, decisions, written)
    return written


def _certifications(xf, decisions: QuerySet, written: Written) -> None:
    current = None
    group = None
    for kind, code, decision_id, block, data, valid_until in _all_rows(decisions):
        if code != current:
            if group is not None:
                group.__exit__(None, None, None)
            current = code
            group = _open_group(xf, kind, code)
        ident = id_technique(decision_id, block)
        _passage(xf, ident, data, valid_until)
        written.passages.append((ident, holder_label(data)))
        written.decisions.setdefault(decision_id, id_technique(decision_id))
    if group is not None:
        group.__exit__(None, None, None)


def _all_rows(decisions):
    yield from _title_rows(decisions)
    yield from _block_rows(decisions)


class _open_group:
    """`certification` (type, code) and its open `passageCertifications`."""

    def __init__(self, xf, kind: str, code: str):
        xf.write("\n")
        self._certification = xf.element(q("certification"))
        self._certification.__enter__()
        _leaf(xf, "type", kind)
        _leaf(xf, "code", code)
        _leaf(xf, "natureDeposant", "CERTIFICATEUR")
        self._passages = xf.element(q("passageCertifications"))
        self._passages.__enter__()

    def __exit__(self, *exc):
        self._passages.__exit__(*exc)
        self._certification.__exit__(*exc)


# --- validation -------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _schema(path: str) -> etree.XMLSchema:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.XMLSchema(etree.parse(path, parser))


def schema() -> etree.XMLSchema:
    path = Path(settings.ACQUIS_ACCROCHAGE_XSD)
    if not path.is_file():
        raise AccrochageError(f"Schéma XSD de la CDC introuvable : {path}.")
    return _schema(str(path))


def _parse_events(handle, *, with_schema: bool):
    return etree.iterparse(
        handle,
        events=("end",),
        tag=q("passageCertification"),
        schema=schema() if with_schema else None,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=True,
    )


def validate_file(path: Path, written: Written | None = None) -> None:
    """Validate against the XSD in one streaming pass; AccrochageError names the holder."""
    try:
        with Path(path).open("rb") as handle:
            for _, elem in _parse_events(handle, with_schema=True):
                _forget(elem)
    except etree.XMLSyntaxError as error:
        raise AccrochageError(_diagnose(path, written, error.msg)) from error


def _forget(elem) -> None:
    elem.clear(keep_tail=True)
    while elem.getprevious() is not None:
        del elem.getparent()[0]


def _diagnose(path: Path, written: Written | None, message: str) -> str:
    """Which passage fails: each one is checked alone inside a minimal flux (rare path)."""
    detail = _french(message)
    try:
        with Path(path).open("rb") as handle:
            for index, (_, elem) in enumerate(_parse_events(handle, with_schema=False)):
                if not schema().validate(_alone(elem)):
                    first = schema().error_log[0].message
                    ident = elem.findtext(q("idTechnique")) or "?"
                    holder = written.passages[index][1] if written else "?"
                    return (
                        "Fichier d'accrochage refusé par le schéma XSD de la CDC ; rien n'a "
                        f"été enregistré. Passage n° {index + 1}, titulaire {holder} "
                        f"(idTechnique {ident}) : {_french(first)}"
                    )
                _forget(elem)
    except etree.XMLSyntaxError:
        pass
    return (
        "Fichier d'accrochage refusé par le schéma XSD de la CDC ; rien n'a été enregistré. "
        f"{detail}"
    )


_SKELETON = (
    f'<cpf:flux xmlns:cpf="{NS}"><cpf:idFlux>x</cpf:idFlux>'
    "<cpf:horodatage>2020-01-01T00:00:00+01:00</cpf:horodatage><cpf:emetteur>"
    "<cpf:idClient>AAAAAAAA</cpf:idClient><cpf:certificateurs><cpf:certificateur>"
    "<cpf:idClient>AAAAAAAA</cpf:idClient><cpf:idContrat>x</cpf:idContrat>"
    "<cpf:certifications><cpf:certification><cpf:type>RNCP</cpf:type><cpf:code>x</cpf:code>"
    "<cpf:passageCertifications/></cpf:certification></cpf:certifications>"
    "</cpf:certificateur></cpf:certificateurs></cpf:emetteur></cpf:flux>"
)


def _alone(passage) -> etree._Element:
    root = etree.fromstring(_SKELETON)
    root.find(f".//{q('passageCertifications')}").append(copy.deepcopy(passage))
    return root


def _french(message: str) -> str:
    """libxml2's message with the namespace removed, introduced in French."""
    return "élément non conforme — " + message.replace(f"{{{NS}}}", "cpf:")


# --- the verb ---------------------------------------------------------------------------------


@dataclass
class ExportResult:
    batch: AccrochageBatch | None
    skipped: list[Pending]  # not declarable (unknown code), with the reason


def export_accrochage(certifier, *, actor=None, since: date | None = None) -> ExportResult:
    """Build, validate and record one batch of every declarable award (all or nothing)."""
    _ids(certifier)
    with transaction.atomic():
        type(certifier).objects.select_for_update().filter(pk=certifier.pk).first()
        skipped = pending_holders(certifier, since=since, undeclarable_only=True)
        decisions = declarable(certifier, since)
        if not decisions.exists():
            raise AccrochageError(_nothing_message(skipped, ever_awarded(certifier)))
        fd, name = tempfile.mkstemp(prefix="accrochage-", suffix=".xml")
        os.close(fd)
        path = Path(name)
        try:
            written = write_file(path, decisions, certifier=certifier)
            validate_file(path, written)
            batch = _record(certifier, path, written, actor=actor, since=since)
        finally:
            path.unlink(missing_ok=True)
    return ExportResult(batch=batch, skipped=skipped)


def ever_awarded(certifier) -> bool:
    """Whether this certifier has awarded a title or a block in force (PV signed)."""
    return awards(certifier).exists()


def _nothing_message(skipped: list[Pending], awarded: bool = True) -> str:
    message = "Aucun titulaire à déclarer : toutes les attributions sont déjà déclarées."
    if not awarded:
        message = (
            "Aucun titulaire à déclarer : aucun titre ni bloc n'a encore été attribué "
            "(procès-verbal signé)."
        )
    if skipped:
        message = (
            f"Aucun titulaire déclarable : {len(skipped)} attribution(s) en attente d'un code "
            "de certification (voir la liste des titulaires non déclarés)."
        )
    return message


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _record(certifier, path: Path, written: Written, *, actor, since) -> AccrochageBatch:
    now = timezone.now()
    batch = AccrochageBatch(
        certifier=certifier,
        created_at=now,
        created_by=actor if actor is not None and actor.pk else None,
        since=since,
        sha256=_sha256(path),
        line_count=len(written.passages),
    )
    with path.open("rb") as handle:
        batch.file.save(f"accrochage-{now.astimezone(PARIS):%Y%m%d-%H%M%S}.xml", File(handle))
    items = iter(written.decisions.items())
    while chunk := list(itertools.islice(items, CHUNK)):  # a few model instances at a time
        AccrochageLine.objects.bulk_create(
            [AccrochageLine(batch=batch, decision_id=pk, id_technique=ident) for pk, ident in chunk]
        )
    record_event(
        "accrochage.exported",
        batch,
        actor=actor,
        payload={
            "passages": len(written.passages),
            "decisions": len(written.decisions),
            "sha256": batch.sha256,
            "since": since.isoformat() if since else None,
            "xsd": Path(settings.ACQUIS_ACCROCHAGE_XSD).name,
        },
    )
    return batch
