"""Export a loaded version back to the file format, and compare two versions.

The export is rebuilt from the database rows (not from the stored document), so that a
round trip (export, load) proves the rows hold the whole referential.
"""

import io
import json
from dataclasses import dataclass

from django.db.models import Prefetch
from ruamel.yaml import YAML

from acquis.referential import fileformat
from acquis.referential.models import Assessment, Block, CertificationVersion, Competency
from acquis.referential.services import ensure_materialised


def version_document(version: CertificationVersion) -> dict:
    ensure_materialised(version)
    blocks = Block.objects.filter(version=version).prefetch_related(
        Prefetch("competencies", queryset=Competency.objects.prefetch_related("criteria"))
    )
    assessments = Assessment.objects.filter(version=version).prefetch_related(
        Prefetch("competencies", queryset=Competency.objects.select_related("block")),
        "deliverables",
        "own_criteria",
    )
    doc = {"format": fileformat.FORMAT}
    if version.needs_review:
        doc["draft"] = True
    if version.review_notes:
        doc["review_notes"] = list(version.review_notes)
    doc["certification"] = {
        "code": version.certification.code,
        "title": version.title,
        "kind": version.kind or None,
        "level": version.level or None,
        "registry": {
            "kind": version.registry_kind or None,
            "number": version.registry_number or None,
        },
        "certifier": {
            "name": version.certifier_name,
            "siret": version.certifier_siret or None,
            "address": version.certifier_address or None,
        },
    }
    # The registration facts live in the stored document only (printed on the documents).
    registration = version.registration
    if registration:
        certification = doc["certification"]
        certifier = certification.pop("certifier")
        certification["registration"] = registration
        certification["certifier"] = certifier
    if version.targeted_jobs:
        doc["targeted_jobs"] = [dict(job) for job in version.targeted_jobs]
    doc["blocks"] = [_block(b) for b in blocks]
    doc["assessments"] = [_assessment(a) for a in assessments]
    doc["rules"] = version.rules
    return doc


def _block(b: Block) -> dict:
    has_source = b.source_competencies or b.source_evaluation
    return {
        "code": b.code,
        "registry_code": b.registry_code or None,
        "title": b.title,
        "activities": list(b.activities),
        "source_text": (
            {
                "competencies": b.source_competencies or None,
                "evaluation": b.source_evaluation or None,
            }
            if has_source
            else None
        ),
        "competencies": [
            {
                "code": c.code,
                "statement": c.statement,
                "needs_review": c.needs_review,
                "modality": (
                    {"kind": c.modality_kind, "text": c.modality_text} if c.modality_kind else None
                ),
                "criteria": [{"code": x.code, "text": x.text} for x in c.criteria.all()],
            }
            for c in b.competencies.all()
        ],
    }


def _assessment(a: Assessment) -> dict:
    exported = {
        "code": a.code,
        "title": a.title,
        "kind": a.kind,
        "description": a.description or None,
        "duration_minutes": a.duration_minutes,
        "covers": [c.code for c in sorted(a.competencies.all(), key=_competency_order)],
        "deliverables": [
            {"code": d.code, "title": d.title, "description": d.description or None}
            for d in a.deliverables.all()
        ],
        "pathways": list(a.pathways),
        "final": a.final,
        "criteria": [{"code": x.code, "text": x.text} for x in a.own_criteria.all()],
    }
    if a.parts:  # as fileformat.normalise: only when the sitting has timed parts
        exported["parts"] = list(a.parts)
    return exported


def _competency_order(c: Competency):
    return (c.block.position, c.position)


def dump(document: dict, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    yaml = YAML()
    yaml.width = 4096
    yaml.allow_unicode = True
    yaml.default_flow_style = False
    yaml.representer.add_representer(
        type(None), lambda rep, _: rep.represent_scalar("tag:yaml.org,2002:null", "null")
    )
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue()


# --- diff between two versions ---------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    kind: str  # "added" | "removed" | "changed"
    what: str
    before: str = ""
    after: str = ""

    @property
    def kind_label(self) -> str:
        return {"added": "Ajout", "removed": "Suppression", "changed": "Modification"}[self.kind]


def diff_documents(old: dict, new: dict) -> list[Change]:
    changes: list[Change] = []
    _diff_fields(changes, "Identité", old["certification"], new["certification"])
    _diff_items(changes, "Bloc", _index(old["blocks"]), _index(new["blocks"]), ("title",))
    old_comps, new_comps = _competencies(old), _competencies(new)
    _diff_items(changes, "Compétence", old_comps, new_comps, ("statement",))
    _diff_items(changes, "Critère", _criteria(old), _criteria(new), ("text",))
    fields = (
        "title",
        "kind",
        "description",
        "duration_minutes",
        "parts",
        "covers",
        "pathways",
        "final",
    )
    old_assess, new_assess = _index(old["assessments"]), _index(new["assessments"])
    _diff_items(changes, "Épreuve", old_assess, new_assess, fields)
    _diff_fields(changes, "Règles", old["rules"], new["rules"])
    return changes


def _index(items):
    return {item["code"]: item for item in items}


def _competencies(doc):
    return {c["code"]: c for b in doc["blocks"] for c in b["competencies"]}


def _criteria(doc):
    out = {x["code"]: x for c in _competencies(doc).values() for x in c["criteria"]}
    out.update({x["code"]: x for a in doc["assessments"] for x in a["criteria"]})
    return out


def _show(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _diff_items(changes, label, old, new, fields):
    for code in sorted(old.keys() - new.keys()):
        changes.append(Change("removed", f"{label} {code}", _show(old[code].get(fields[0]))))
    for code in sorted(new.keys() - old.keys()):
        changes.append(Change("added", f"{label} {code}", after=_show(new[code].get(fields[0]))))
    for code in sorted(old.keys() & new.keys()):
        for field in fields:
            if old[code].get(field) != new[code].get(field):
                before, after = _show(old[code].get(field)), _show(new[code].get(field))
                changes.append(Change("changed", f"{label} {code} ({field})", before, after))


def _diff_fields(changes, label, old, new, prefix=""):
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if isinstance(a, dict) and isinstance(b, dict):
            _diff_fields(changes, label, a, b, f"{prefix}{key}.")
        elif a != b:
            kind = "added" if a is None else "removed" if b is None else "changed"
            changes.append(Change(kind, f"{label} : {prefix}{key}", _show(a), _show(b)))
