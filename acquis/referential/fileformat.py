"""The referential file format (acquis-referential/1): read, check, normalise.

A file is YAML (JSON is valid YAML too). Reading keeps line numbers so that every error
names the file, the path inside the document and the line (docs/referential-format.md).
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import jsonschema
from ruamel.yaml import YAML
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError

FORMAT = "acquis-referential/1"
SCHEMA_PATH = Path(__file__).parent / "schema" / "referential.schema.json"
DECISION_CODES = ("total", "partial", "refused")


@dataclass(frozen=True)
class Issue:
    path: str
    message: str
    line: int | None = None  # 1-based

    def format(self, filename: str = "") -> str:
        where = filename or "<document>"
        if self.line is not None:
            where += f":{self.line}"
        location = f" ({self.path})" if self.path else ""
        return f"{where}{location} : {self.message}"


@dataclass
class ParseResult:
    document: dict | None
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and self.document is not None


@cache
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def read_file(path: str | Path) -> ParseResult:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ParseResult(None, [Issue("", f"fichier introuvable : {path}")])
    except UnicodeDecodeError:
        return ParseResult(None, [Issue("", "le fichier n'est pas encodé en UTF-8")])
    return read_text(text)


def read_text(text: str) -> ParseResult:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        tree = yaml.load(text)
    except DuplicateKeyError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        return ParseResult(None, [Issue("", "clé en double dans le même objet", line)])
    except MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        return ParseResult(None, [Issue("", f"YAML illisible : {exc.problem}", line)])
    if not isinstance(tree, dict):
        return ParseResult(None, [Issue("", "le document doit être un objet (clé: valeur)", 1)])
    return check_document(tree)


def check_document(tree) -> ParseResult:
    """Schema, then consistency; `tree` may carry ruamel line information."""
    plain = json.loads(json.dumps(tree, default=str))
    validator = jsonschema.Draft202012Validator(schema())
    errors = [
        Issue(_path(list(error.absolute_path)), _french(error), _line(tree, _located(error)))
        for error in sorted(validator.iter_errors(plain), key=lambda e: list(map(str, e.path)))
    ]
    if errors:
        return ParseResult(None, errors)
    document = normalise(plain)
    errors, warnings = consistency(document, tree)
    return ParseResult(None if errors else document, errors, warnings)


def normalise(doc: dict) -> dict:
    """Fill every optional key with its default, in the documented order.

    The normalised document is what is stored, hashed and exported: exporting a loaded
    version and loading the export again yields the same content hash (round trip).
    """
    cert = doc["certification"]
    registry = cert.get("registry") or {}
    certifier = cert["certifier"]
    out = {"format": FORMAT}
    if doc.get("draft"):
        out["draft"] = True
    if doc.get("review_notes"):
        out["review_notes"] = list(doc["review_notes"])
    out["certification"] = {
        "code": cert["code"],
        "title": cert["title"],
        "kind": cert.get("kind"),
        "level": cert.get("level"),
        "registry": {"kind": registry.get("kind"), "number": registry.get("number")},
        "certifier": {
            "name": certifier["name"],
            "siret": certifier.get("siret"),
            "address": certifier.get("address"),
        },
    }
    # Only when given: files without these facts keep their documents (and hashes).
    registration = cert.get("registration") or {}
    if any(value is not None for value in registration.values()):
        out["certification"]["registration"] = {
            "nsf": registration.get("nsf"),
            "decision_date": registration.get("decision_date"),
            "duration_years": registration.get("duration_years"),
        }
    # Only when given: files without targeted jobs keep their documents (and hashes).
    if doc.get("targeted_jobs"):
        out["targeted_jobs"] = [
            {"title": job["title"], "rome": job.get("rome")} for job in doc["targeted_jobs"]
        ]
    out["blocks"] = [_block(b) for b in doc["blocks"]]
    order = {
        c["code"]: i for i, c in enumerate(c for b in out["blocks"] for c in b["competencies"])
    }
    out["assessments"] = [_assessment(a, order) for a in doc.get("assessments") or []]
    out["rules"] = doc.get("rules") or {}
    return out


def _block(b: dict) -> dict:
    source = b.get("source_text")
    return {
        "code": b["code"],
        "registry_code": b.get("registry_code"),
        "title": b["title"],
        "activities": list(b.get("activities") or []),
        "source_text": (
            {"competencies": source.get("competencies"), "evaluation": source.get("evaluation")}
            if source
            else None
        ),
        "competencies": [
            {
                "code": c["code"],
                "statement": c["statement"],
                "needs_review": bool(c.get("needs_review", False)),
                "modality": (
                    {"kind": c["modality"]["kind"], "text": c["modality"]["text"]}
                    if c.get("modality")
                    else None
                ),
                "criteria": [_criterion(x) for x in c.get("criteria") or []],
            }
            for c in b["competencies"]
        ],
    }


def _criterion(x: dict) -> dict:
    return {"code": x["code"], "text": x["text"]}


def _assessment(a: dict, order: dict) -> dict:
    normalised = {
        "code": a["code"],
        "title": a["title"],
        "kind": a["kind"],
        "description": a.get("description"),
        "duration_minutes": a.get("duration_minutes"),
        # Covered competencies in referential order (the order of the export).
        "covers": sorted(a.get("covers") or [], key=lambda code: order.get(code, len(order))),
        "deliverables": [
            {"code": d["code"], "title": d["title"], "description": d.get("description")}
            for d in a.get("deliverables") or []
        ],
        "pathways": list(a.get("pathways") or ["training"]),
        "final": bool(a.get("final", False)),
        "criteria": [_criterion(x) for x in a.get("criteria") or []],
    }
    # Only when given: the documents (and hashes) of files without timed parts stay as they were.
    if a.get("parts"):
        normalised["parts"] = [_part(p, order) for p in a["parts"]]
    return normalised


def _part(p: dict, order: dict) -> dict:
    return {
        "code": p["code"],
        "title": p["title"],
        "duration_minutes": p.get("duration_minutes"),
        "covers": sorted(p.get("covers") or [], key=lambda code: order.get(code, len(order))),
        "text": p.get("text"),
    }


def content_hash(document: dict) -> str:
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --- consistency ---------------------------------------------------------------------------


def consistency(doc: dict, tree=None) -> tuple[list[Issue], list[Issue]]:
    errors: list[Issue] = []
    warnings: list[Issue] = []
    draft = doc.get("draft", False)

    def err(path: list, message: str, *, soft: bool = False) -> None:
        issue = Issue(_path(path), message, _line(tree, path))
        (warnings if soft else errors).append(issue)

    seen: dict[str, dict[str, list]] = {
        "bloc": {},
        "compétence": {},
        "critère": {},
        "épreuve": {},
        "livrable": {},
    }

    def unique(kind: str, code: str, path: list) -> None:
        if code in seen[kind]:
            first = _path(seen[kind][code])
            err([*path, "code"], f"code de {kind} « {code} » déjà utilisé ({first})")
        else:
            seen[kind][code] = path

    decided = (doc["certification"].get("registration") or {}).get("decision_date")
    if decided:
        try:
            date.fromisoformat(decided)
        except ValueError:
            err(
                ["certification", "registration", "decision_date"],
                f"« {decided} » n'est pas une date (AAAA-MM-JJ)",
            )

    titles: dict[str, int] = {}
    for ji, job in enumerate(doc.get("targeted_jobs") or []):
        key = " ".join(job["title"].casefold().split())
        if key in titles:
            err(["targeted_jobs", ji, "title"], f"métier « {job['title']} » déjà cité")
        titles.setdefault(key, ji)

    for bi, block in enumerate(doc["blocks"]):
        unique("bloc", block["code"], ["blocks", bi])
        if not block["competencies"]:
            err(["blocks", bi, "competencies"], "le bloc n'a aucune compétence", soft=draft)
        for ci, comp in enumerate(block["competencies"]):
            cpath = ["blocks", bi, "competencies", ci]
            unique("compétence", comp["code"], cpath)
            if not comp["criteria"]:
                err(
                    [*cpath, "criteria"], "la compétence n'a aucun critère d'évaluation", soft=draft
                )
            for xi, crit in enumerate(comp["criteria"]):
                unique("critère", crit["code"], [*cpath, "criteria", xi])

    competencies = seen["compétence"]
    covered: set[str] = set()
    for ai, assessment in enumerate(doc["assessments"]):
        apath = ["assessments", ai]
        unique("épreuve", assessment["code"], apath)
        for ki, code in enumerate(assessment["covers"]):
            if code not in competencies:
                err([*apath, "covers", ki], f"compétence inconnue « {code} »")
            elif code in assessment["covers"][:ki]:
                err([*apath, "covers", ki], f"compétence « {code} » citée deux fois")
            covered.add(code)
        for di, deliverable in enumerate(assessment["deliverables"]):
            unique("livrable", deliverable["code"], [*apath, "deliverables", di])
        for xi, crit in enumerate(assessment["criteria"]):
            unique("critère", crit["code"], [*apath, "criteria", xi])
        if not assessment["final"] and not assessment["covers"]:
            err([*apath, "covers"], "une épreuve non finale doit évaluer au moins une compétence")
        _check_parts(assessment, apath, err)
    for code, path in competencies.items():
        if code not in covered:
            err(path, f"la compétence « {code} » n'est évaluée par aucune épreuve", soft=draft)

    _check_rules(doc, seen, err)
    return errors, warnings


def _check_parts(assessment: dict, apath: list, err) -> None:
    """Timed parts: unique codes, covers within the sitting's, a total that adds up."""
    parts = assessment.get("parts") or []
    codes: set[str] = set()
    for pi, part in enumerate(parts):
        ppath = [*apath, "parts", pi]
        if part["code"] in codes:
            err([*ppath, "code"], f"partie « {part['code']} » déjà utilisée dans cette épreuve")
        codes.add(part["code"])
        for ki, code in enumerate(part["covers"]):
            if code not in assessment["covers"]:
                err(
                    [*ppath, "covers", ki],
                    f"la compétence « {code} » n'est pas évaluée par l'épreuve "
                    f"{assessment['code']}",
                )
    total = assessment["duration_minutes"]
    if parts and total is not None:
        durations = [part["duration_minutes"] for part in parts]
        if None in durations or sum(durations) != total:
            err(
                [*apath, "duration_minutes"],
                "avec des parties minutées, la durée de l'épreuve est vide (null) ou la somme "
                "des durées de ses parties",
            )


def _check_rules(doc: dict, seen: dict, err) -> None:
    rules = doc["rules"]
    blocks = seen["bloc"]
    assessments = {a["code"]: a for a in doc["assessments"]}
    if not rules:
        err(["rules"], "aucune règle de certification", soft=doc.get("draft", False))
        return
    for key in ("title_requires_blocks", "blocks_obtainable_separately"):
        for i, code in enumerate(rules.get(key, [])):
            if code not in blocks:
                err(["rules", key, i], f"bloc inconnu « {code} »")
    if not rules.get("title_requires_blocks"):
        err(
            ["rules", "title_requires_blocks"],
            "les blocs exigés pour le titre ne sont pas indiqués",
        )
    codes = [d["code"] for d in rules.get("decisions", [])]
    if sorted(codes) != sorted(DECISION_CODES):
        err(
            ["rules", "decisions"],
            "les trois décisions (total, partial, refused) doivent figurer une fois chacune",
        )
    memoir = (rules.get("training") or {}).get("memoir") or {}
    _check_oral(memoir.get("oral_assessment"), ["rules", "training", "memoir"], assessments, err)
    vae = rules.get("vae") or {}
    _check_oral(vae.get("oral_assessment"), ["rules", "vae"], assessments, err)
    for key in ("certification_jury", "vae_jury"):
        jury = rules.get(key)
        if jury and sum(m["count"] for m in jury["members"]) != jury["size"]:
            err(
                ["rules", key, "size"], "la taille du jury ne correspond pas à la somme des membres"
            )
    _check_sectors(rules, err)


def _check_sectors(rules: dict, err) -> None:
    """Sectors named by the juror conditions belong to the closed list `rules.sectors`."""
    known = [s["code"] for s in rules.get("sectors") or []]
    for i, code in enumerate(known):
        if code in known[:i]:
            err(["rules", "sectors", i, "code"], f"secteur « {code} » déjà déclaré")
    panel = rules.get("evaluation_panel") or {}
    members = rules.get("jury_members") or {}
    places = [
        (["rules", "evaluation_panel", "sectors"], panel.get("sectors")),
        (
            ["rules", "evaluation_panel", "representative", "sectors"],
            (panel.get("representative") or {}).get("sectors"),
        ),
        (
            ["rules", "jury_members", "external", "sectors"],
            (members.get("external") or {}).get("sectors"),
        ),
        (
            ["rules", "jury_members", "internal", "sectors"],
            (members.get("internal") or {}).get("sectors"),
        ),
    ]
    for path, codes in places:
        for i, code in enumerate(codes or []):
            if code not in known:
                err([*path, i], f"secteur inconnu « {code} » (déclarez-le dans rules.sectors)")


def _check_oral(code, path, assessments, err) -> None:
    if code is None:
        return
    if code not in assessments:
        err([*path, "oral_assessment"], f"épreuve inconnue « {code} »")
    elif not assessments[code]["final"]:
        err([*path, "oral_assessment"], f"l'épreuve « {code} » doit être une épreuve finale")


# --- messages and locations ----------------------------------------------------------------

_TYPES = {
    "string": "un texte",
    "integer": "un nombre entier",
    "boolean": "true ou false",
    "array": "une liste",
    "object": "un objet",
    "null": "vide (null)",
}


def _french(error: jsonschema.ValidationError) -> str:
    v, value = error.validator, error.validator_value
    if v == "required":
        missing = [k for k in value if k not in (error.instance or {})]
        return "champ obligatoire manquant : " + ", ".join(missing)
    if v == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return "champ inconnu : " + ", ".join(extra)
    if v == "type":
        kinds = value if isinstance(value, list) else [value]
        return "doit être " + " ou ".join(_TYPES.get(k, k) for k in kinds)
    if v == "enum":
        return "valeur « {} » non admise ; valeurs possibles : {}".format(
            error.instance, ", ".join(str(x) for x in value)
        )
    if v == "const":
        return f"doit valoir « {value} »"
    if v == "pattern":
        return f"« {error.instance} » n'a pas la forme attendue ({value})"
    if v == "minItems":
        return f"la liste doit contenir au moins {value} élément(s)"
    if v == "minLength":
        return "ne doit pas être vide"
    if v == "minimum":
        return f"doit être supérieur ou égal à {value}"
    if v == "maximum":
        return f"doit être inférieur ou égal à {value}"
    return f"valeur invalide ({v})"


def _located(error: jsonschema.ValidationError) -> list:
    """Where to point: an unknown key's own line rather than its parent's."""
    parts = list(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        parts += extra[:1]
    return parts


def _path(parts) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _line(tree, parts) -> int | None:
    """1-based line of the deepest node of `parts` that the YAML tree knows."""
    node, line = tree, None
    for part in parts:
        lc = getattr(node, "lc", None)
        try:
            if lc is not None:
                pos = lc.key(part) if isinstance(part, str) else lc.item(part)
                line = pos[0] + 1
            node = node[part]
        except (KeyError, IndexError, TypeError, AttributeError):
            break
    if line is None and getattr(tree, "lc", None) is not None:
        return 1
    return line
