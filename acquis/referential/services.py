"""Verbs of the referential: load a file, import RNCP fiches, change a version's state."""

import gc
import multiprocessing
import os
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass

from django.db import reset_queries, transaction
from django.db.models import Max
from django.utils.text import slugify

from acquis.audit.services import record_event, record_events
from acquis.organisations.enums import OrganisationKind
from acquis.organisations.models import Organisation
from acquis.referential import fileformat, rncp
from acquis.referential.enums import VERSION_TRANSITIONS, SourceKind, VersionStatus
from acquis.referential.exceptions import ReferentialError
from acquis.referential.models import (
    Assessment,
    Block,
    Certification,
    CertificationVersion,
    Competency,
    Criterion,
    PreparatoryDeliverable,
)
from acquis.workflow import Workflow


@dataclass(frozen=True)
class LoadResult:
    version: CertificationVersion
    created: bool


def load_referential_file(path, *, actor=None, owner=None) -> LoadResult:
    """Read, check and load a referential file (acquis referential load FILE)."""
    result = fileformat.read_file(path)
    if not result.ok:
        raise ReferentialError(
            "Le référentiel contient des erreurs ; rien n'a été chargé.", result.errors
        )
    return load_document(
        result.document,
        source_kind=SourceKind.FILE,
        source_name=str(path).rsplit("/", 1)[-1],
        actor=actor,
        owner=owner,
    )


def load_referential_upload(upload, *, owner, actor=None) -> LoadResult:
    """Read, check and load an uploaded referential file (staff page), for its certifier."""
    try:
        text = upload.read().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ReferentialError(
            "Le fichier n'est pas encodé en UTF-8 ; rien n'a été chargé.", field="file"
        ) from exc
    result = fileformat.read_text(text)
    if not result.ok:
        raise ReferentialError(
            "Le référentiel contient des erreurs ; rien n'a été chargé.",
            [issue.format((upload.name or "").rsplit("/", 1)[-1]) for issue in result.errors[:50]],
        )
    return load_document(
        result.document,
        source_kind=SourceKind.FILE,
        source_name=(upload.name or "").rsplit("/", 1)[-1],
        actor=actor,
        owner=owner,
    )


@transaction.atomic
def load_document(
    document: dict, *, source_kind: str, source_name: str = "", actor=None, owner=None
) -> LoadResult:
    """Load a normalised document: same content → same version; changed → a new version."""
    digest = fileformat.content_hash(document)
    certification = _certification_for(document, owner=owner, actor=actor)
    existing = certification.versions.filter(content_hash=digest).first()
    if existing is not None:
        return LoadResult(existing, created=False)
    version = _new_version(certification, document, digest, source_kind, source_name)
    materialise([(version, document)])
    record_event(
        "referential.version_loaded",
        version,
        actor=actor,
        to_state=version.status,
        payload={"content_hash": digest, "source": source_kind, "file": source_name},
    )
    return LoadResult(version, created=True)


def _certification_for(document: dict, *, owner=None, actor=None) -> Certification:
    ident = document["certification"]
    number = ident["registry"]["number"]
    certification = Certification.objects.select_for_update().filter(code=ident["code"]).first()
    if certification is None:
        if number and Certification.objects.filter(registry_number=number).exists():
            raise ReferentialError(
                f"Le numéro {number} est déjà celui d'une autre certification "
                f"(certification.registry.number)."
            )
        certification = Certification.objects.create(
            code=ident["code"], title=ident["title"], registry_number=number, owner=owner
        )
        record_event("referential.certification_created", certification, actor=actor)
    elif number and certification.registry_number and certification.registry_number != number:
        raise ReferentialError(
            f"La certification « {certification.code} » porte le numéro "
            f"{certification.registry_number}, pas {number} (certification.registry.number)."
        )
    if owner is not None:
        _give_to(certification, owner, actor=actor)
    return certification


def find_certifier(value: str):
    """The certifier a command names by its SIRET or its slug ("cooperative-numerique-du-sud",
    the slug of its name); a French error naming the known ones otherwise."""
    value = (value or "").strip()
    certifiers = list(Organisation.objects.filter(kind=OrganisationKind.CERTIFIER))
    digits = value.replace(" ", "")
    found = [c for c in certifiers if digits.isdigit() and c.siret == digits] or [
        c for c in certifiers if slugify(c.name) == slugify(value) and slugify(value)
    ]
    if len(found) == 1:
        return found[0]
    known = ", ".join(
        f"{slugify(c.name)}" + (f" ({c.siret})" if c.siret else "") for c in certifiers
    )
    raise ReferentialError(
        f"Certificateur « {value} » introuvable"
        + (" (plusieurs correspondent)" if found else "")
        + f" : indiquez son SIRET ou son identifiant ({known or 'aucun certificateur'}).",
        field="certifier",
    )


def _give_to(certification: Certification, owner, *, actor=None) -> None:
    """A title belongs to one certifier: a title of no owner is given to this one; another
    certifier's title is refused (nothing is loaded)."""
    if certification.owner_id == owner.pk:
        return
    if certification.owner_id is not None:
        raise ReferentialError(
            f"La certification « {certification.code} » appartient à "
            f"{certification.owner.name} : {owner.name} ne peut pas en charger une version.",
            field="certifier",
        )
    certification.owner = owner
    certification.save(update_fields=["owner"])
    record_event(
        "referential.certification_owned",
        certification,
        actor=actor,
        payload={"owner": owner.name, "owner_id": owner.pk},
    )


def _new_version(certification, document, digest, source_kind, source_name, number=None):
    ident = document["certification"]
    if number is None:
        number = (certification.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    draft = document.get("draft", False)
    return CertificationVersion.objects.create(
        **_version_fields(
            certification, document, digest, source_kind, source_name, number, draft, ident
        )
    )


def _version_fields(
    certification,
    document,
    digest,
    source_kind,
    source_name,
    number,
    draft,
    ident,
    materialised=True,
):
    registry, certifier = ident["registry"], ident["certifier"]
    return {
        "certification": certification,
        "number": number,
        "status": VersionStatus.DRAFT if draft else VersionStatus.PUBLISHED,
        "content_hash": digest,
        "document": document,
        "source_kind": source_kind,
        "source_name": source_name[:255],
        "title": ident["title"],
        "kind": ident["kind"] or "",
        "level": ident["level"] or "",
        "registry_kind": registry["kind"] or "",
        "registry_number": registry["number"] or "",
        "certifier_name": certifier["name"][:255],
        "certifier_siret": certifier["siret"] or "",
        "certifier_address": certifier["address"] or "",
        "rules": document["rules"],
        "targeted_jobs": document.get("targeted_jobs", []),
        "needs_review": draft,
        "review_notes": document.get("review_notes", []),
        "materialised": materialised,
    }


def materialise(pairs: list[tuple[CertificationVersion, dict]]) -> None:
    """Create the rows of new versions, a handful of bulk inserts for any number of them."""
    blocks, comps, crits, assessments, deliverables, links = [], [], [], [], [], []
    for version, document in pairs:
        rules = document["rules"]
        required = set(rules.get("title_requires_blocks", []))
        separate = set(rules.get("blocks_obtainable_separately", []))
        for bpos, b in enumerate(document["blocks"], 1):
            source = b["source_text"] or {}
            blocks.append(
                Block(
                    version=version,
                    position=bpos,
                    code=b["code"],
                    registry_code=b["registry_code"] or "",
                    title=b["title"],
                    activities=b["activities"],
                    source_competencies=source.get("competencies") or "",
                    source_evaluation=source.get("evaluation") or "",
                    required_for_title=b["code"] in required,
                    obtainable_separately=b["code"] in separate,
                )
            )
    Block.objects.bulk_create(blocks, batch_size=500)
    block_iter = iter(blocks)
    comp_by_code: dict[tuple[int, str], Competency] = {}
    for version, document in pairs:
        for b in document["blocks"]:
            block = next(block_iter)
            for cpos, c in enumerate(b["competencies"], 1):
                modality = c["modality"] or {}
                comp = Competency(
                    block=block,
                    position=cpos,
                    code=c["code"],
                    statement=c["statement"],
                    modality_kind=modality.get("kind", ""),
                    modality_text=modality.get("text", ""),
                    needs_review=c["needs_review"],
                )
                comps.append((comp, c["criteria"]))
                comp_by_code[(version.pk, c["code"])] = comp
    Competency.objects.bulk_create([c for c, _ in comps], batch_size=500)
    for comp, criteria in comps:
        crits += [
            Criterion(competency=comp, position=i, code=x["code"], text=x["text"])
            for i, x in enumerate(criteria, 1)
        ]
    for version, document in pairs:
        for apos, a in enumerate(document["assessments"], 1):
            assessment = Assessment(
                version=version,
                position=apos,
                code=a["code"],
                title=a["title"],
                kind=a["kind"],
                description=a["description"] or "",
                duration_minutes=a["duration_minutes"],
                pathways=a["pathways"],
                final=a["final"],
                parts=a.get("parts") or [],
            )
            assessments.append((version, assessment, a))
    Assessment.objects.bulk_create([a for _, a, _ in assessments], batch_size=500)
    through = Assessment.competencies.through
    for version, assessment, a in assessments:
        links += [
            through(assessment=assessment, competency=comp_by_code[(version.pk, code)])
            for code in a["covers"]
        ]
        deliverables += [
            PreparatoryDeliverable(
                assessment=assessment,
                position=i,
                code=d["code"],
                title=d["title"],
                description=d["description"] or "",
            )
            for i, d in enumerate(a["deliverables"], 1)
        ]
        crits += [
            Criterion(assessment=assessment, position=i, code=x["code"], text=x["text"])
            for i, x in enumerate(a["criteria"], 1)
        ]
    Criterion.objects.bulk_create(crits, batch_size=500)
    through.objects.bulk_create(links, batch_size=500)
    PreparatoryDeliverable.objects.bulk_create(deliverables, batch_size=500)


@transaction.atomic
def ensure_materialised(version: CertificationVersion) -> CertificationVersion:
    """Create the rows of a draft stored as a document only (bulk RNCP import)."""
    if version.materialised:
        return version
    locked = CertificationVersion.objects.select_for_update().get(pk=version.pk)
    if not locked.materialised:
        materialise([(locked, locked.document)])
        locked.materialised = True
        locked.save(update_fields=["materialised"])
    version.materialised = True
    return version


VERSION_WORKFLOW = Workflow(
    "referential.version_",
    VERSION_TRANSITIONS,
    ReferentialError,
    refusal=lambda version, to_status: (
        f"Impossible de passer la version de « {version.get_status_display()} » "
        f"à « {VersionStatus(to_status).label} »."
    ),
)


@transaction.atomic
def transition_version(version: CertificationVersion, to_status: str, *, actor=None):
    """Move a version along VERSION_TRANSITIONS; publishing re-checks the referential."""
    version = VERSION_WORKFLOW.lock(version)
    if VERSION_WORKFLOW.verb(version, to_status) is None:
        raise ReferentialError(VERSION_WORKFLOW.refusal(version, to_status))
    if to_status == VersionStatus.PUBLISHED:
        errors, _ = fileformat.consistency({**version.document, "draft": False})
        if errors:
            raise ReferentialError(
                "Ce brouillon ne peut pas être publié en l'état : complétez-le dans un fichier "
                "de référentiel puis chargez-le.",
                errors,
            )
    ensure_materialised(version)
    return VERSION_WORKFLOW.apply(version, to_status, actor=actor)


# --- RNCP import -------------------------------------------------------------------------


@dataclass
class RncpReport:
    fiches: int = 0
    created: int = 0
    unchanged: int = 0
    blocks: int = 0
    competencies: int = 0
    needs_review: int = 0
    skipped: list | None = None
    items: list | None = None

    def as_dict(self) -> dict:
        return {
            "fiches": self.fiches,
            "versions_creees": self.created,
            "versions_inchangees": self.unchanged,
            "blocs": self.blocks,
            "competences": self.competencies,
            "competences_a_relire": self.needs_review,
            "ignorees": self.skipped or [],
            "fiches_detail": self.items or [],
        }


def import_rncp(
    source,
    *,
    fiche: str | None = None,
    dry_run: bool = False,
    actor=None,
    batch_size: int = 500,
    detail: bool = False,
    parallel: bool = False,
) -> RncpReport:
    """Create draft versions from France Compétences' XML export, streamed in batches.

    With `parallel`, a second process reads and splits the fiches while this one writes
    (two cores: the wall time is the longer of the two, not their sum; bench/README.md).
    """
    report = RncpReport(skipped=[], items=[])
    wanted = fiche.upper() if fiche else None
    path = os.fspath(source) if isinstance(source, str | os.PathLike) else None
    if path is not None and not os.path.isfile(path):
        raise ReferentialError(f"Lecture du fichier impossible : {path} (fichier introuvable).")
    if parallel and path is not None and not wanted:
        results = _parse_in_child(path)
    else:
        results = _parse(path if path is not None else source, wanted)
    # One transaction: a file that turns out malformed at its last fiche writes nothing.
    with _fewer_gc_passes(), closing(results), transaction.atomic():
        _consume(results, wanted, report, dry_run, detail, actor, batch_size)
    if wanted and report.fiches == 0:
        raise ReferentialError(f"La fiche {fiche} ne figure pas dans ce fichier (--fiche).")
    return report


@contextmanager
def _fewer_gc_passes():
    """Collect cycles less often while importing: the drafts hold no cycles (freed by their
    reference counts), but the hundreds of thousands of dicts and lists built, unpickled and
    dropped trigger the cyclic collector again and again, each full pass walking every object
    of Django. Measured: unpickling the parsed chunks took 3 x longer with the default
    thresholds (bench/README.md). The forked parsing process inherits the setting.
    """
    thresholds = gc.get_threshold()
    # What is alive now (Django, the modules) is not walked again; a process that froze its
    # objects itself (a server after its start) is left as it was.
    freeze = gc.get_freeze_count() == 0
    if freeze:
        gc.freeze()
    gc.set_threshold(max(thresholds[0], 50_000), *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        if freeze:
            gc.unfreeze()


def _parse(source, wanted=None):
    """(document, None) or (None, skip) per fiche, read and split; no database here.

    The documents are not normalised yet: `_consume` does it, only for what it stores (a dry
    run counts blocks and competencies, the same before and after), and in the writing
    process when parsing runs in a child: the child is the longer of the two (bench/README.md).
    """
    with ExitStack() as stack:
        if isinstance(source, str):
            source = stack.enter_context(open(source, "rb"))  # noqa: SIM115
        for item in stack.enter_context(closing(rncp.iter_fiches(source))):
            if wanted and (item.numero or "").upper() != wanted:
                continue
            document, message = rncp.fiche_to_document(item)
            if document is None:
                yield None, {"fiche": item.numero, "message": message}
            else:
                yield document, None
            if wanted:
                return


def _parse_worker(path: str, queue, chunk: int = 200) -> None:
    """Child process: parse and send chunks; an error travels as a message."""
    try:
        buffer = []
        for result in _parse(path):
            buffer.append(result)
            if len(buffer) >= chunk:
                queue.put(("items", buffer))
                buffer = []
        queue.put(("items", buffer))
        queue.put(("done", None))
    except ReferentialError as exc:
        queue.put(("error", str(exc)))


def _parse_in_child(path: str):
    context = multiprocessing.get_context("fork")
    queue = context.Queue(maxsize=8)  # bounded: memory stays flat whatever the file size
    worker = context.Process(target=_parse_worker, args=(path, queue), daemon=True)
    worker.start()
    try:
        while True:
            kind, payload = queue.get()
            if kind == "error":
                raise ReferentialError(payload)
            if kind == "done":
                return
            yield from payload
    finally:
        if worker.is_alive():
            worker.terminate()
        worker.join()


def _consume(results, wanted, report, dry_run, detail, actor, batch_size) -> None:
    batch: list[dict] = []
    for document, skipped in results:
        report.fiches += 1
        if document is None:
            report.skipped.append(skipped)
            continue
        _count(report, document, detail)
        if not dry_run:
            batch.append(fileformat.normalise(document))
            if len(batch) >= batch_size:
                _store_rncp_batch(batch, report, actor, materialise_now=False)
                batch = []
    if batch:
        # One fiche (--fiche) is worth its rows at once; a whole export is not (see below).
        _store_rncp_batch(batch, report, actor, materialise_now=bool(wanted))


def _count(report: RncpReport, document: dict, detail: bool) -> None:
    comps = [c for b in document["blocks"] for c in b["competencies"]]
    report.blocks += len(document["blocks"])
    report.competencies += len(comps)
    report.needs_review += sum(c["needs_review"] for c in comps)
    if detail:
        report.items.append(
            {
                "fiche": document["certification"]["registry"]["number"],
                "intitule": document["certification"]["title"],
                "blocs": [
                    {
                        "code": b["code"],
                        "intitule": b["title"],
                        "competences": [c["statement"] for c in b["competencies"]],
                    }
                    for b in document["blocks"]
                ],
            }
        )


def _store_rncp_batch(documents: list[dict], report: RncpReport, actor, *, materialise_now) -> None:
    """Store a batch of drafts. A whole export (~30,000 fiches, ~800,000 competencies) keeps
    each draft as its normalised document only: writing every row costs several times the
    parse (bench/README.md); the rows are created when a draft is opened (ensure_materialised).
    """
    codes = [d["certification"]["code"] for d in documents]
    certs = {c.code: c for c in Certification.objects.filter(code__in=codes)}
    known = set(
        CertificationVersion.objects.filter(certification__code__in=codes).values_list(
            "certification__code", "content_hash"
        )
    )
    numbers = dict(
        CertificationVersion.objects.filter(certification__code__in=codes)
        .values("certification__code")
        .annotate(n=Max("number"))
        .values_list("certification__code", "n")
    )
    new_certs = []
    for doc in documents:
        ident = doc["certification"]
        if ident["code"] not in certs:
            cert = Certification(
                code=ident["code"],
                title=ident["title"][:800],
                registry_number=ident["registry"]["number"],
            )
            certs[ident["code"]] = cert
            new_certs.append(cert)
    Certification.objects.bulk_create(new_certs, batch_size=500)
    pairs, seen = [], set()
    for doc in documents:
        code, digest = doc["certification"]["code"], fileformat.content_hash(doc)
        if (code, digest) in known or (code, digest) in seen:
            report.unchanged += 1
            continue
        seen.add((code, digest))
        numbers[code] = numbers.get(code, 0) + 1
        fields = _version_fields(
            certs[code],
            doc,
            digest,
            SourceKind.RNCP,
            "",
            numbers[code],
            True,
            doc["certification"],
            materialise_now,
        )
        pairs.append((CertificationVersion(**fields), doc))
    CertificationVersion.objects.bulk_create([v for v, _ in pairs], batch_size=500)
    if materialise_now:
        materialise(pairs)
    record_events(
        [
            {
                "verb": "referential.version_imported_rncp",
                "obj": v,
                "to_state": v.status,
                "payload": {"content_hash": v.content_hash},
            }
            for v, _ in pairs
        ],
        actor=actor,
    )
    report.created += len(pairs)
    reset_queries()  # with DEBUG on, Django would keep every batch's SQL in memory
