"""Verbs of the referential: load a file, import RNCP fiches, change a version's state."""

import os
from contextlib import ExitStack, closing
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max

from acquis.audit.services import record_event, record_events
from acquis.referential import fileformat
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
    return certification


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
    certification, document, digest, source_kind, source_name, number, draft, ident
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
        "needs_review": draft,
        "review_notes": document.get("review_notes", []),
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
            blocks.append(Block(
                version=version, position=bpos, code=b["code"],
                registry_code=b["registry_code"] or "", title=b["title"],
                activities=b["activities"],
                source_competencies=source.get("competencies") or "",
                source_evaluation=source.get("evaluation") or "",
                required_for_title=b["code"] in required,
                obtainable_separately=b["code"] in separate,
            ))  # fmt: skip
    Block.objects.bulk_create(blocks, batch_size=500)
    block_iter = iter(blocks)
    comp_by_code: dict[tuple[int, str], Competency] = {}
    for version, document in pairs:
        for b in document["blocks"]:
            block = next(block_iter)
            for cpos, c in enumerate(b["competencies"], 1):
                modality = c["modality"] or {}
                comp = Competency(
                    block=block, position=cpos, code=c["code"], statement=c["statement"],
                    modality_kind=modality.get("kind", ""), modality_text=modality.get("text", ""),
                    needs_review=c["needs_review"],
                )  # fmt: skip
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
                version=version, position=apos, code=a["code"], title=a["title"], kind=a["kind"],
                description=a["description"] or "", duration_minutes=a["duration_minutes"],
                pathways=a["pathways"], final=a["final"],
            )  # fmt: skip
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
                assessment=assessment, position=i, code=d["code"], title=d["title"],
                description=d["description"] or "",
            )
            for i, d in enumerate(a["deliverables"], 1)
        ]  # fmt: skip
        crits += [
            Criterion(assessment=assessment, position=i, code=x["code"], text=x["text"])
            for i, x in enumerate(a["criteria"], 1)
        ]
    Criterion.objects.bulk_create(crits, batch_size=500)
    through.objects.bulk_create(links, batch_size=500)
    PreparatoryDeliverable.objects.bulk_create(deliverables, batch_size=500)


@transaction.atomic
def transition_version(version: CertificationVersion, to_status: str, *, actor=None):
    """Move a version along VERSION_TRANSITIONS; publishing re-checks the referential."""
    version = CertificationVersion.objects.select_for_update().get(pk=version.pk)
    verb = VERSION_TRANSITIONS.get((version.status, to_status))
    if verb is None:
        raise ReferentialError(
            f"Impossible de passer la version de « {version.get_status_display()} » "
            f"à « {VersionStatus(to_status).label} »."
        )
    if to_status == VersionStatus.PUBLISHED:
        errors, _ = fileformat.consistency({**version.document, "draft": False})
        if errors:
            raise ReferentialError(
                "Ce brouillon ne peut pas être publié en l'état : complétez-le dans un fichier "
                "de référentiel puis chargez-le.",
                errors,
            )
    from_status = version.status
    version.status = to_status
    version.save(update_fields=["status"])
    record_event(
        f"referential.version_{verb}",
        version,
        actor=actor,
        from_state=from_status,
        to_state=to_status,
    )
    return version


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


def import_rncp(source, *, fiche: str | None = None, dry_run: bool = False, actor=None,
                batch_size: int = 500, detail: bool = False) -> RncpReport:  # fmt: skip
    """Create draft versions from France Compétences' XML export, streamed in batches."""
    from acquis.referential import rncp

    report = RncpReport(skipped=[], items=[])
    wanted = fiche.upper() if fiche else None
    with ExitStack() as stack:
        if isinstance(source, str | os.PathLike):
            try:
                source = stack.enter_context(open(source, "rb"))  # noqa: SIM115
            except OSError as exc:
                raise ReferentialError(
                    f"Lecture du fichier impossible : {source} ({exc})."
                ) from exc
        fiches = stack.enter_context(closing(rncp.iter_fiches(source)))
        _read_fiches(fiches, wanted, report, dry_run, detail, actor, batch_size)
    if wanted and report.fiches == 0:
        raise ReferentialError(f"La fiche {fiche} ne figure pas dans ce fichier (--fiche).")
    return report


def _read_fiches(fiches, wanted, report, dry_run, detail, actor, batch_size) -> None:
    from acquis.referential import rncp

    batch: list[dict] = []
    for item in fiches:
        if wanted and item.numero.upper() != wanted:
            continue
        report.fiches += 1
        document, message = rncp.fiche_to_document(item)
        if document is None:
            report.skipped.append({"fiche": item.numero, "message": message})
            continue
        document = fileformat.normalise(document)
        _count(report, document, detail)
        if not dry_run:
            batch.append(document)
            if len(batch) >= batch_size:
                _store_rncp_batch(batch, report, actor)
                batch = []
        if wanted:
            break
    if batch:
        _store_rncp_batch(batch, report, actor)


def _count(report: RncpReport, document: dict, detail: bool) -> None:
    comps = [c for b in document["blocks"] for c in b["competencies"]]
    report.blocks += len(document["blocks"])
    report.competencies += len(comps)
    report.needs_review += sum(c["needs_review"] for c in comps)
    if detail:
        report.items.append({
            "fiche": document["certification"]["registry"]["number"],
            "intitule": document["certification"]["title"],
            "blocs": [
                {"code": b["code"], "intitule": b["title"],
                 "competences": [c["statement"] for c in b["competencies"]]}
                for b in document["blocks"]
            ],
        })  # fmt: skip


@transaction.atomic
def _store_rncp_batch(documents: list[dict], report: RncpReport, actor) -> None:
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
            cert = Certification(code=ident["code"], title=ident["title"][:800],
                                 registry_number=ident["registry"]["number"])  # fmt: skip
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
        fields = _version_fields(certs[code], doc, digest, SourceKind.RNCP, "",
                                 numbers[code], True, doc["certification"])  # fmt: skip
        pairs.append((CertificationVersion(**fields), doc))
    CertificationVersion.objects.bulk_create([v for v, _ in pairs], batch_size=500)
    materialise(pairs)
    record_events(
        [{"verb": "referential.version_imported_rncp", "obj": v, "to_state": v.status,
          "payload": {"content_hash": v.content_hash}} for v, _ in pairs],
        actor=actor,
    )  # fmt: skip
    report.created += len(pairs)
