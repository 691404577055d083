"""Import of France compétences' XML export of RNCP / RS fiches (flux V4.1) as draft referentials.

The export holds ~30,000 fiches in a file of hundreds of MB, so it is streamed: `iter_fiches`
yields one small `RncpFiche` per FICHE element and frees the XML tree behind it. The parser
never expands entities, never loads a DTD and never touches the network (conventions.md, XML).

`fiche_to_document` turns a fiche into an "acquis-referential/1" draft document. The
competencies of a block are free text in the export (LISTE_COMPETENCES): `split_competencies`
cuts them with a cascade of heuristics and says when the cut is uncertain, so that a human
reviews the draft (formats.md §1.2, "Expect to let a human validate the split").

No Django import here: the module is usable from scripts and benchmarks.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, NamedTuple

from lxml import etree

from acquis.referential.exceptions import ReferentialError
from acquis.referential.fileformat import FORMAT

MAX_STATEMENT_CHARS = 2000
# Heuristic thresholds for "this item does not look like one competency".
SHORT_ITEM_CHARS = 10
LONG_ITEM_CHARS = 700
# A text left in one piece longer than this probably hides a list we could not see.
LONG_SINGLE_CHARS = 500
# An introduction ("En mobilisant ... :") longer than this carries meaning: flag it.
LONG_INTRO_WORDS = 10

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
CODE_MAX = 40
REGISTRY_CODE_RE = re.compile(r"^(RNCP|RS)[0-9]+BC[0-9]+$")
NUMBER_RE = re.compile(r"^(RNCP|RS)[0-9]{1,6}$")
LEVEL_RE = re.compile(r"^NIV[1-8]$")
SIRET_RE = re.compile(r"^[0-9]{14}$")


class RncpImportError(ReferentialError):
    """The export file cannot be read (missing, not XML, malformed): French message."""


class RncpCertifier(NamedTuple):
    name: str
    siret: str | None


class RncpBlock(NamedTuple):
    code: str | None
    libelle: str | None
    liste_competences: str | None
    modalites_evaluation: str | None


@dataclass(frozen=True, slots=True)
class RncpFiche:
    numero: str | None  # NUMERO_FICHE, e.g. "RNCP36612" or "RS5719"
    id_fiche: str | None
    intitule: str | None
    kind: str | None  # ABREGE/LIBELLE, e.g. "Brevet de technicien supérieur"
    level: str | None  # NOMENCLATURE_EUROPE/NIVEAU as given ("NIV5", "AUCUN"...)
    certifiers: tuple[RncpCertifier, ...]
    blocks: tuple[RncpBlock, ...]  # FICHE/BLOCS_COMPETENCES/BLOC_COMPETENCES, flux order
    actif: bool | None  # ACTIF "Oui"/"Non": registration in force
    etat: str | None  # ETAT_FICHE, e.g. "Publiée"
    line: int | None = None  # line of the FICHE start tag in the file
    romes: tuple[tuple[str, str], ...] = ()  # CODES_ROME/ROME: (CODE, LIBELLE), flux order

    @property
    def registry(self) -> str | None:
        if not self.numero:
            return None
        upper = self.numero.upper()
        if upper.startswith("RNCP"):
            return "RNCP"
        if upper.startswith("RS"):
            return "RS"
        return None


# --- streaming ----------------------------------------------------------------------------


def iter_fiches(source: str | os.PathLike | IO[bytes]) -> Iterator[RncpFiche]:
    """Yield every FICHE of an export, in file order, with bounded memory.

    `source` is a path or a binary file object. Raises RncpImportError when the file is
    missing or is not a well-formed export.
    """
    if isinstance(source, str | os.PathLike):
        path = os.fspath(source)
        try:
            stream = open(path, "rb")  # closed by the with block below
        except FileNotFoundError as exc:
            raise RncpImportError(f"fichier introuvable : {path}") from exc
        except OSError as exc:
            raise RncpImportError(f"lecture du fichier impossible : {path} ({exc})") from exc
        # Closed as soon as the generator is exhausted, closed or garbage-collected.
        with stream:
            yield from _iterparse(stream)
    else:
        yield from _iterparse(source)


def _iterparse(stream: IO[bytes]) -> Iterator[RncpFiche]:
    if hasattr(stream, "peek"):  # buffered file or stdin: look without consuming
        _check_head(stream.peek(4)[:4])
    try:
        context = etree.iterparse(
            stream,
            events=("end",),
            tag="FICHE",
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=True,
        )
        count = 0
        for _event, elem in context:
            fiche = _read_fiche(elem)
            _release(elem)
            count += 1
            yield fiche
        if count == 0 and context.root is not None and context.root.tag != "FICHES":
            raise RncpImportError(
                "le fichier n'est pas un export de fiches RNCP/RS : élément racine "
                f"« {context.root.tag} » au lieu de « FICHES »"
            )
    except etree.XMLSyntaxError as exc:
        raise RncpImportError(_syntax_message(exc)) from exc
    except OSError as exc:
        raise RncpImportError(f"lecture du fichier impossible : {exc}") from exc


def _check_head(head: bytes) -> None:
    if not head:
        raise RncpImportError("le fichier est vide")
    if head.startswith(b"PK\x03\x04"):
        # data.gouv.fr publishes the export zipped: a common mistake.
        raise RncpImportError(
            "le fichier est une archive zip : décompressez-la et importez le fichier XML "
            "qu'elle contient"
        )


def _syntax_message(exc: etree.XMLSyntaxError) -> str:
    line = exc.lineno or (exc.position[0] if exc.position else None)
    detail = (exc.msg or str(exc)).strip()
    # libxml2 appends ", line N, column M" to its message: the line is given separately.
    detail = re.sub(r",\s*line \d+, column \d+$", "", detail)
    where = f"ligne {line}" if line else "ligne inconnue"
    return f"fichier XML mal formé ({where}) : {detail}"


def _release(elem) -> None:
    """Free the fiche just read and everything before it (lxml keeps the tree otherwise)."""
    elem.clear(keep_tail=True)
    parent = elem.getparent()
    if parent is None:
        return
    while elem.getprevious() is not None:
        del parent[0]


def _read_fiche(elem) -> RncpFiche:
    # One pass over the direct children: a fiche has ~60 of them and we need a dozen.
    # iterchildren(*tags) filters in C: same children, in the same order, as testing the
    # tag of each child in Python.
    found: dict[str, object] = {}
    for child in elem.iterchildren(*_FICHE_FIELDS):
        found.setdefault(child.tag, child)
    abrege, level = found.get("ABREGE"), found.get("NOMENCLATURE_EUROPE")
    certifiers, blocks = found.get("CERTIFICATEURS"), found.get("BLOCS_COMPETENCES")
    actif = _text(found.get("ACTIF"))
    return RncpFiche(
        numero=_text(found.get("NUMERO_FICHE")),
        id_fiche=_text(found.get("ID_FICHE")),
        intitule=_text(found.get("INTITULE")),
        kind=_text(abrege.find("LIBELLE")) if abrege is not None else None,
        level=_text(level.find("NIVEAU")) if level is not None else None,
        certifiers=tuple(
            RncpCertifier(
                _text(c.find("NOM_CERTIFICATEUR")) or "", _text(c.find("SIRET_CERTIFICATEUR"))
            )
            for c in (certifiers.iterfind("CERTIFICATEUR") if certifiers is not None else ())
        ),
        # Direct children only: CORRESPONDANCES/.../BLOC_COMPETENCES is another element.
        blocks=tuple(
            _read_block(b)
            for b in (blocks.iterfind("BLOC_COMPETENCES") if blocks is not None else ())
        ),
        actif={"oui": True, "non": False}.get((actif or "").lower()),
        etat=_text(found.get("ETAT_FICHE")),
        line=elem.sourceline,
        romes=_read_romes(found.get("CODES_ROME")),
    )


def _read_romes(elem) -> tuple[tuple[str, str], ...]:
    if elem is None:
        return ()
    pairs = ((_text(r.find("CODE")), _text(r.find("LIBELLE"))) for r in elem.iterfind("ROME"))
    return tuple((code, label) for code, label in pairs if code and label)


_FICHE_FIELDS = frozenset(
    "ID_FICHE NUMERO_FICHE INTITULE ABREGE NOMENCLATURE_EUROPE CERTIFICATEURS"
    " BLOCS_COMPETENCES ACTIF ETAT_FICHE CODES_ROME".split()
)
_BLOCK_FIELDS = ("CODE", "LIBELLE", "LISTE_COMPETENCES", "MODALITES_EVALUATION")


def _read_block(elem) -> RncpBlock:
    found: dict[str, object] = {}
    for child in elem.iterchildren(*_BLOCK_FIELDS):
        found.setdefault(child.tag, child)
    return RncpBlock(*(_text(found.get(name)) for name in _BLOCK_FIELDS))


def _text(elem) -> str | None:
    """Stripped text of an element, None when absent or blank.

    Unexpanded entity references (a file with a DTD) come back as their literal
    "&name;" form: visible to the reviewer, never resolved.
    """
    if elem is None:
        return None
    text = elem.text if len(elem) == 0 else "".join(elem.itertext())
    if text is None:
        return None
    text = text.strip()
    return text or None


# --- documents ----------------------------------------------------------------------------


def fiche_to_document(fiche: RncpFiche) -> tuple[dict | None, str | None]:
    """The draft referential of an RNCP fiche, or (None, why there is nothing to import)."""
    numero = fiche.numero or ""
    if fiche.registry == "RS":
        return None, (
            f"fiche {numero} : le répertoire spécifique ne comporte pas de blocs de "
            "compétences, rien à importer"
        )
    slug = _slug(numero)
    if fiche.registry is None or slug is None:
        ident = f"ID_FICHE {fiche.id_fiche}" if fiche.id_fiche else f"ligne {fiche.line}"
        return None, (
            f"fiche sans numéro RNCP reconnaissable ({ident}, NUMERO_FICHE « {numero} ») : "
            "rien à importer"
        )
    if not fiche.blocks:
        return None, f"fiche {numero} : aucun bloc de compétences dans l'export"

    notes = [
        f"Brouillon importé automatiquement de l'export France compétences ({numero}) : "
        "relire le découpage des compétences, puis compléter les épreuves, les critères "
        "d'évaluation et les règles de certification."
    ]
    certification = _certification(fiche, slug, notes)
    used: set[str] = set()
    blocks = [
        _block(fiche, position, block, used, notes)
        for position, block in enumerate(fiche.blocks, start=1)
    ]
    document = {
        "format": FORMAT,
        "draft": True,
        "review_notes": notes,
        "certification": certification,
        **_targeted_jobs(fiche),
        "blocks": blocks,
        "assessments": [],
        "rules": {},
    }
    return document, None


ROME_RE = re.compile(r"^[A-N][0-9]{4}$")


def _targeted_jobs(fiche: RncpFiche) -> dict:
    """The fiche's ROME codes as targeted jobs (their ROME label as title), when it has
    any: the insertion surveys ask holders whether their job is one of them."""
    jobs, seen = [], set()
    for code, label in fiche.romes:
        key = " ".join(label.casefold().split())
        if ROME_RE.match(code) and key not in seen:
            seen.add(key)
            jobs.append({"title": label, "rome": code})
    return {"targeted_jobs": jobs} if jobs else {}


_SLUG_SEP_RE = re.compile(r"[^a-z0-9]+")
_SLUG_RE = re.compile(r"[a-z0-9][a-z0-9-]{1,62}")


def _slug(numero: str) -> str | None:
    slug = _SLUG_SEP_RE.sub("-", numero.lower()).strip("-")[:63]
    return slug if _SLUG_RE.fullmatch(slug) else None


def _certification(fiche: RncpFiche, slug: str, notes: list[str]) -> dict:
    numero = fiche.numero or ""
    if fiche.actif is False:
        etat = f", état « {fiche.etat} »" if fiche.etat else ""
        notes.append(f"La fiche est inactive dans l'export (ACTIF = Non{etat}).")
    level = fiche.level if fiche.level and LEVEL_RE.match(fiche.level) else None
    if fiche.level and level is None:
        notes.append(f"Niveau « {fiche.level} » non reconnu : niveau laissé vide.")

    first = fiche.certifiers[0] if fiche.certifiers else None
    name = _blank_to_none(first.name) if first else None
    if name is None:
        name = "Certificateur à renseigner"
        notes.append("Aucun certificateur nommé dans l'export : nom à compléter.")
    siret = re.sub(r"\s+", "", first.siret) if first and first.siret else None
    if siret is not None and not SIRET_RE.match(siret):
        notes.append(f"SIRET du certificateur « {first.siret} » invalide : laissé vide.")
        siret = None
    if len(fiche.certifiers) > 1:
        others = ", ".join(f"« {c.name} »" for c in fiche.certifiers[1:] if c.name)
        notes.append(
            f"Plusieurs certificateurs dans l'export : seul le premier est repris ({others})."
        )
    return {
        "code": slug,
        "title": _blank_to_none(fiche.intitule) or numero,
        "kind": _blank_to_none(fiche.kind),
        "level": level,
        "registry": {
            "kind": fiche.registry,
            "number": numero if NUMBER_RE.match(numero) else None,
        },
        "certifier": {"name": name, "siret": siret, "address": None},
    }


def _block(
    fiche: RncpFiche, position: int, block: RncpBlock, used: set[str], notes: list[str]
) -> dict:
    raw = block.code or ""
    short = _short_block_code(fiche.numero or "", raw, position)
    code = _unique(short, used)
    if raw and short == f"B{position}":
        notes.append(f"Bloc n° {position} : code « {raw} » inattendu, code « {code} » attribué.")
    elif not raw:
        notes.append(f"Bloc n° {position} : pas de code dans l'export, code « {code} » attribué.")
    if code != short:
        notes.append(f"Bloc n° {position} : code « {short} » en double, renommé « {code} ».")
    title = _blank_to_none(block.libelle)
    if title is None:
        title = f"Bloc {code}"
        notes.append(f"Bloc {code} : pas d'intitulé dans l'export.")

    competencies = []
    text = _blank_to_none(block.liste_competences)
    if text is None:
        notes.append(f"Bloc {code} : aucune liste de compétences dans l'export.")
    else:
        statements, uncertain, reasons = split_with_reasons(text)
        if not statements:
            statements, uncertain, reasons = [_trim(_squash(text))], True, []
        if uncertain:
            why = f" ({' ; '.join(reasons)})" if reasons else ""
            notes.append(f"Bloc {code} : découpage des compétences incertain{why}, à vérifier.")
        for index, statement in enumerate(statements, start=1):
            competencies.append(
                {
                    "code": _unique(_competency_code(code, index), used),
                    "statement": statement,
                    "needs_review": uncertain,  # trimmed statements are always uncertain
                    "modality": None,
                    "criteria": [],
                }
            )
    return {
        "code": code,
        "registry_code": raw if REGISTRY_CODE_RE.match(raw) else None,
        "title": title,
        "activities": [],
        "source_text": {
            "competencies": text,
            "evaluation": _blank_to_none(block.modalites_evaluation),
        },
        "competencies": competencies,
    }


def _blank_to_none(text: str | None) -> str | None:
    return text if text and text.strip() else None


def _short_block_code(numero: str, raw: str, position: int) -> str:
    """Short block code: RNCP36612BC01 -> BC01; another usable code as is; else B{position}."""
    if numero and raw.upper().startswith(numero.upper()):
        rest = raw[len(numero) :]
        if re.fullmatch(r"BC[0-9]+", rest, flags=re.IGNORECASE):
            return rest.upper()
    if CODE_RE.match(raw):
        return raw
    return f"B{position}"


def _competency_code(block_code: str, index: int) -> str:
    suffix = f".C{index}"
    return block_code[: CODE_MAX - len(suffix)] + suffix


def _unique(code: str, used: set[str]) -> str:
    """`code`, or `code-2`, `code-3`... : codes are unique across the whole document."""
    candidate, n = code, 1
    while candidate in used:
        n += 1
        suffix = f"-{n}"
        candidate = code[: CODE_MAX - len(suffix)] + suffix
    used.add(candidate)
    return candidate


# --- splitting the competencies -----------------------------------------------------------

# HTML that older flux versions and the JSON API still carry; V4.1 uses "<br>" as break.
_BREAK_TAGS_RE = re.compile(r"<\s*/?\s*(?:br|p|li|ul|ol|div|tr|h[1-6])\b[^<>]*>", re.I)
_OTHER_TAGS_RE = re.compile(
    r"<\s*/?\s*(?:span|strong|b|i|em|u|font|a|sup|sub|td|th|table|tbody|thead)\b[^<>]*>", re.I
)
# Line breaks, and long runs of spaces: re-serialised exports turned the breaks into 4+
# spaces (the real sample), while wrapped words only leave 2-3.
# Written "4 spaces, then more": the same matches as " {4,}", but a literal prefix the regex
# engine searches for quickly.
_HARD_BREAK_RE = re.compile("    +")  # lines are stripped and blank ones dropped afterwards

_UPPER = "A-ZÀ-ÖØ-Þ"
_LETTER = r"[^\W\d_]"
# Bullet characters; "-", "–", "—" and "*" are also ordinary punctuation: see _split_bullets.
_BULLETS = "•▪◦●■□➢➤►→✓✔·*–—-"
_STRONG_BULLETS = "•▪◦●■□➢➤►→✓✔·"
# A leading item marker: bullets, "C1.", "A1C2.", "A5.C1.", "1.", "1.2.3", "1)", "2 :", "3 -",
# "a)". A lone number without punctuation must precede a capital: "24 heures" is no marker.
_LEAD_MARKER_RE = re.compile(
    rf"^(?:[{re.escape(_BULLETS)}]\s*"
    r"|(?:[A-Z]{1,4}\.?)?[0-9]{1,2}(?:[.-]?[A-Z]{0,3}[0-9]{1,2})+\.?(?:\s*[.):–-]\s*|\s+)"
    r"|(?:[A-Z]{1,4}\.?)?[0-9]{1,2}"
    rf"(?:\s*[.):–-]\s*|\s+(?=[{_UPPER}]))"
    r"|[a-z]\)\s*)+"
)
# Competency codes inside a text: "C1.", "A1C2.", "A5.C1 ", "CP3 :", "C1.2 -".
# The code must not follow a letter, digit or "." "," "/" "'" "-": checked by a lookbehind
# placed after the code's first character (`X(?<!<not allowed>X)`), not before it, so that
# the pattern opens on a character class and the regex engine skips ahead to candidates
# instead of trying every position: same matches, several times faster on long texts.
_CODE_MARK_RE = re.compile(
    rf"([A-Z](?<![\w.,/'’-][A-Z])[A-Z]{{0,2}}[0-9]{{1,2}}"
    rf"(?:\.?[A-Z]{{1,2}}[0-9]{{1,2}}|\.[0-9]{{1,2}})*)"
    rf"(?:\s*[.:)–-]\s*|\s+)(?={_LETTER})"
)
# Numbering inside a text: "1.", "1)", "1 -", "2 :", "1.1", "3.1.2.". Same lookbehind trick.
_NUM_MARK_RE = re.compile(
    rf"([0-9](?<![\w.,/'’-][0-9])[0-9]?(?:\.[0-9]{{1,2}}){{0,3}})"
    rf"(\.?\s*[.):–-]\s*|\.?\s+)(?={_LETTER})"
)
_SENTENCE_RE = re.compile(rf"(?<![A-Z]\.)(?<=[.!?])\s+(?=[«\"]?[{_UPPER}])")
# A capitalised infinitive right after a lowercase word: "... l'équipe artistique Participer
# aux réunions ..." is two competencies whose line break was lost.
_VERB_ENDINGS = r"(?:er|ir|oir|ndre|oudre|ettre|uire|crire|aître|faire)"
# A capitalised infinitive, reflexive ones included ("Se servir", "S'adapter", "S’exprimer").
_VERB = rf"(?:S[e'’] ?[a-zà-ÿ]+{_VERB_ENDINGS}|[{_UPPER}][a-zà-ÿ]+{_VERB_ENDINGS}|[EÊ]tre)"
# Opens on the space (a literal the engine scans for); the lookbehind after it drops a space
# after a bullet or another space at once ("  - Analyser"), before any Python-side check.
_CAPITAL_VERB_RE = re.compile(rf" (?<=[^\s{re.escape(_BULLETS)}] )(?P<verb>{_VERB})(?![\w'’-])")
# (b) Items the export left separated by 2 or 3 spaces only (its line breaks flattened): a
# run of spaces after a word or a closing mark, before a capitalised infinitive.
# Opening on the spaces themselves (a literal the regex engine searches for), the character
# before them checked by the replacement: a pattern opening on a lookbehind would be tried at
# every position of the text.
_SPACED_VERB_RE = re.compile(rf"  ( ?)(?={_VERB}(?![\w'’-]))")
_BEFORE_SPACED_VERB = frozenset("abcdefghijklmnopqrstuvwxyzàâäçéèêëîïôöùûüÿœæ.,;:)»”")
# An item that opens with an infinitive (a competency in the usual form), "Lire" included.
_OPENING_VERB_RE = re.compile(
    rf"(?:S[e'’] ?[a-zà-ÿ]+|[{_UPPER}][a-zà-ÿ]+)(?:er|ir|re|oir)(?![\w'’-])|[EÊ]tre(?![\w'’-])"
)
# A purpose clause ("pour identifier", "afin d'en tirer", "dans le but de le rendre"): the
# competencies of a list grouped under short headings carry one, the headings do not.
_PURPOSE_RE = re.compile(
    r" (?:pour|afin d[e'’]|dans le but d[e'’]|en vue d[e'’])\s*"
    r"(?:(?:l[ae]|les|en|y|leur|lui|s[e'’]|l['’]|n['’])\s*)*"
    r"[a-zà-ÿ]+(?:er|ir|re|oir)\b"
)
# The leading number of an item, "1.1", "1.1.1.", "3.1.2." (a hierarchy when one extends the
# one before).
_LEADING_NUMBER_RE = re.compile(r"([0-9]{1,2}(?:\.[0-9]{1,2})*)\.?(?=\s)")
HEADING_MAX_WORDS = 14
# An item opened by a marker: a bullet or other sign, a number, a code ("A1C2.", "C1").
_MARKED_RE = re.compile(r"[^\w]|[0-9]|[A-Z]{1,4}\.?[0-9]")
# "Modéliser, Analyser et Optimiser", "sous la supervision du Conseiller": no glue there.
_NOT_BEFORE_GLUE = frozenset(
    "et ou de du des la le les l' d' à au aux en par pour sur avec sous dans un une son sa ses"
    " leur leurs ni puis".split()
)
# Cheap test before the marker splitters run on the lines: a code, a number or a bullet
# somewhere after a line's start.
_INLINE_HINT_RE = re.compile(r" (?:[A-Z]{1,3}[0-9]|[0-9]{1,2}[.):\s–-]|[•▪◦●■□➢➤►→✓✔·]|[*–—-]\s)")


def _glued_verbs(text: str) -> list[int]:
    starts = []
    for m in _CAPITAL_VERB_RE.finditer(text):
        # The word before the verb, closing marks dropped (no slice of the whole prefix).
        end = m.start()
        while end and text[end - 1] in ")»”":
            end -= 1
        prev = text[max(text.rfind(" ", 0, end), text.rfind("\n", 0, end)) + 1 : end]
        if prev[:1].islower() and prev.lower() not in _NOT_BEFORE_GLUE:
            starts.append(m.start("verb"))
    return starts


class Split(NamedTuple):
    statements: list[str]
    uncertain: bool
    reasons: list[str]  # why the split is uncertain, in French, for the review notes


def split_competencies(text: str | None) -> tuple[list[str], bool]:
    """Cut a LISTE_COMPETENCES text into competency statements: (statements, uncertain)."""
    found = split_with_reasons(text)
    return found.statements, found.uncertain


def split_with_reasons(text: str | None) -> Split:
    """Cut a LISTE_COMPETENCES text into competency statements.

    Cascade, first that finds 2+ items wins: line breaks (and runs of spaces standing for
    them), then item markers (codes "C1.", numbering "1.1", bullets), then ";", then sentence
    ends, then a capitalised verb after a lowercase word. Then the structure: a parent item
    whose numbering its next items extend ("1.1" before "1.1.1"), or a short heading without
    purpose clause over items that have one, is a group heading, folded into its items; a
    line holding two statements glued together is cut at the second verb; an introduction
    ending with ":" is folded into the items it introduces when it says something (a short
    boilerplate one is dropped). The weak cuts, the folds, a very short or very long item,
    an item without verb in a list of verbs, make the split uncertain, with the reason.
    """
    if not text or not text.strip():
        return Split([], False, [])
    normal = _normalise(text)
    if not normal:
        return Split([], False, [])
    reasons: list[str] = []

    lines = _join_wrapped(normal.split("\n"))
    if len(lines) >= 2:
        pieces = lines
        if _INLINE_HINT_RE.search(normal):
            pieces = []
            for line in lines:
                if _INLINE_HINT_RE.search(line):
                    pieces.extend(_split_markers(line, inline=True))
                else:
                    pieces.append(line)
    else:
        pieces = _split_markers(normal)
        if len(pieces) < 2:
            pieces = _split_semicolons(normal)
        if len(pieces) < 2:
            pieces = _keep_if_sentences(_SENTENCE_RE.split(normal))
            if len(pieces) >= 2:
                reasons.append("découpé aux fins de phrases")

    entries = _entries(pieces, reasons)
    items = _group(entries, reasons)
    statements, intro = _fold_headings(items)
    if intro:
        reasons.append(intro)
    if not statements:
        return Split([], False, [])
    if len(statements) == 1:
        # One long piece, or capitalised verbs inside it: a list we could not see, maybe.
        if len(statements[0]) > LONG_SINGLE_CHARS:
            reasons.append("un seul énoncé très long")
    if any(len(s) < SHORT_ITEM_CHARS for s in statements):
        reasons.append("énoncé très court")
    if any(len(s) > LONG_ITEM_CHARS for s in statements):
        reasons.append("énoncé très long")
    without_verb = _without_verb(statements)
    if without_verb:
        reasons.append(
            "énoncé sans verbe dans une liste de verbes (sous-élément ou intitulé ?) : "
            + ", ".join(f"« {s} »" for s in without_verb)
        )
    return Split([_trim(s) for s in statements], bool(reasons), reasons)


# An item as cut: (its leading numbering, "1.2" -> (1, 2), or None; the raw piece, marker
# included; the cleaned text). Plain tuples: tens of millions are made on a full export.
_Entry = tuple


def _entries(pieces: list[str], reasons: list[str]) -> list[_Entry]:
    """Clean each piece, keeping its numbering; cut a piece holding glued statements (c).
    (The pieces cover the text once: one scan for glued verbs in all.)"""
    entries = []
    glued = []
    for piece in pieces:
        raw = piece.strip()
        text = _clean(raw)
        if not text:
            continue
        number = None
        if raw[0].isdigit():
            found = _LEADING_NUMBER_RE.match(raw)
            number = tuple(int(x) for x in found.group(1).split(".")) if found else None
        starts = _glued_verbs(text)
        if not starts:
            entries.append((number, raw, text))
            continue
        parts = _keep_if_sentences(_cut(text, starts))
        if len(parts) > 1:
            glued.append(parts[1].split(" ", 1)[0])
        for index, part in enumerate(parts):
            entries.append((number if index == 0 else None, raw, _clean(part)))
    if glued:
        reasons.append(
            "énoncés collés sans séparateur, coupés avant "
            + ", ".join(f"« {verb} »" for verb in glued)
        )
    return entries


def _group(entries: list[_Entry], reasons: list[str]) -> list[str]:
    """Fold group headings into their items (a): "1.1" over "1.1.1", "1.1.2"; or, in a list
    without markers, short lines without purpose clause over lines that have one."""
    numbers = [entry[0] for entry in entries]
    headings = (_numbered_parents(numbers) if any(numbers) else None) or _implicit_headings(entries)
    if not headings:
        return [entry[2] for entry in entries]
    out, heading, depth = [], None, None
    for index, (number, _, text) in enumerate(entries):
        if index in headings:
            heading, depth = text, number
            continue
        inside = heading is not None and (
            depth is None
            or number is None
            or (len(number) > len(depth) and number[: len(depth)] == depth)
        )
        if not inside:
            heading = None
        out.append(_under(heading, text) if heading else text)
    named = ", ".join(f"« {entries[i][2]} »" for i in sorted(headings))
    reasons.append(f"{len(headings)} intitulé(s) de groupe rattaché(s) à leurs énoncés : {named}")
    return out


def _under(heading: str, item: str) -> str:
    if heading.endswith(":"):
        if item[:1].islower():
            return f"{heading.rstrip(' :')} {item}"
        return f"{heading} {item}"
    return f"{heading} : {item}"


def _numbered_parents(numbers: list) -> set[int]:
    """Items whose numbering the next item extends: "1.1" then "1.1.1"."""
    parents = set()
    for index, (a, b) in enumerate(zip(numbers, numbers[1:], strict=False)):
        if a and b and len(b) > len(a) and b[: len(a)] == a:
            parents.add(index)
    return parents


def _implicit_headings(entries: list[_Entry]) -> set[int]:
    """Short lines without purpose clause, each over 2+ lines that have one: accepted only
    when the list has no markers, opens with such a heading and has at least two."""
    if len(entries) < 5 or not _may_head(entries[0][2]):
        return set()  # (most lists: their first line is a statement, not a heading)
    if any(_MARKED_RE.match(entry[1]) for entry in entries):
        return set()
    texts = [entry[2] for entry in entries]
    purpose = [bool(_PURPOSE_RE.search(text)) for text in texts]
    words = [len(text.split()) for text in texts]
    headings = {
        index
        for index, text in enumerate(texts[:-1])
        if not purpose[index]
        # over an item with a purpose, or at least twice as long (a detailed statement)
        and (purpose[index + 1] or words[index + 1] >= 2 * words[index])
        and words[index] <= HEADING_MAX_WORDS
        and "(" not in text
        and not text.endswith((".", ":"))
    }
    if 0 not in headings or len(headings) < 2:
        return set()
    bounds = [*sorted(headings), len(texts)]
    if any(b - a < 3 for a, b in zip(bounds, bounds[1:], strict=False)):
        return set()  # a group of fewer than 2 items: no heading there
    return headings


def _may_head(text: str) -> bool:
    return (
        len(text.split()) <= HEADING_MAX_WORDS
        and "(" not in text
        and not text.endswith((".", ":"))
        and not _PURPOSE_RE.search(text)
    )


def _without_verb(statements: list[str]) -> list[str]:
    """In a list of 3+ statements that mostly open with an infinitive, those that do not."""
    if len(statements) < 3:
        return []
    missing = [s for s in statements if not _OPENING_VERB_RE.match(s)]
    return missing if len(missing) * 4 <= len(statements) else []


def _normalise(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "<" in text:
        text = _BREAK_TAGS_RE.sub("\n", text)
        text = _OTHER_TAGS_RE.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    for space in ("\t", "\xa0", "\u202f", "\u2009"):
        if space in text:
            text = text.replace(space, " ")
    if "    " in text:
        text = _HARD_BREAK_RE.sub("\n", text)
    if "  " in text:
        text = _SPACED_VERB_RE.sub(
            lambda m: "\n" if text[m.start() - 1 : m.start()] in _BEFORE_SPACED_VERB else m[0],
            text,
        )
    # Runs of 2-3 spaces are kept: a gap before a "-" can tell a bullet from a dash.
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def _join_wrapped(lines: list[str]) -> list[str]:
    """Glue back a line that only continues the previous sentence (wrapped text)."""
    out: list[str] = []
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if out and line[0].islower() and not out[-1].endswith((".", ";", ":", "!", "?")):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


def _split_markers(text: str, *, inline: bool = False) -> list[str]:
    """Items announced by markers; `inline`: inside a line of a text already cut in lines."""
    items = _split_codes(text)
    if len(items) < 2:
        items = _split_numbering(text)
    if len(items) < 2:
        items = _split_bullets(text, inline)
    return items


def _cut(text: str, starts: list[int]) -> list[str]:
    """Cut `text` at `starts`; text before the first cut is kept as its own item."""
    bounds = [*starts, len(text)]
    head = text[: starts[0]].strip()
    return ([head] if head else []) + [text[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


def _opens_list(text: str, start: int) -> bool:
    """The first marker must open the text, or follow an introduction ending with ":"."""
    before = text[:start].strip()
    return not before or before.endswith(":")


def _split_codes(text: str) -> list[str]:
    matches = list(_CODE_MARK_RE.finditer(text))
    if len(matches) < 2:
        return [text]
    # Keep the most frequent code shape: "A1C2" and "A5.C1" are "A:A#A#", "UG1" and "UP3" are
    # "U:A#"; a code of another shape inside an item ("C1. ... niveau B2") does not cut it.
    shapes: dict[str, list[re.Match]] = {}
    for m in matches:
        code = m.group(1)
        shape = (
            code[0] + ":" + re.sub(r"[A-Z]+", "A", re.sub(r"[0-9]+", "#", code.replace(".", "")))
        )
        shapes.setdefault(shape, []).append(m)
    best = max(shapes.values(), key=len)
    if len(best) < 2 or not _opens_list(text, best[0].start()):
        return [text]
    return _plausible(_cut(text, [m.start() for m in best]), text)


def _split_numbering(text: str) -> list[str]:
    """Numbered items, accepted only when their numbers follow one another."""
    accepted: list[tuple[int, tuple[int, ...]]] = []
    for m in _NUM_MARK_RE.finditer(text):
        number = tuple(int(x) for x in m.group(1).split("."))
        # A bare number needs punctuation ("1." "1)" "1 -") or a following capital letter.
        punctuated = any(c in m.group(2) for c in ".):–-")
        if len(number) == 1 and not punctuated and not text[m.end()].isupper():
            continue
        if not accepted:
            # The first item opens the list: "1", "0", or any nested "2.1".
            if _opens_list(text, m.start()) and (number[-1] in (0, 1) or len(number) > 1):
                accepted.append((m.start(), number))
            continue
        if _follows(accepted[-1][1], number):
            accepted.append((m.start(), number))
    if len(accepted) < 2:
        return [text]
    return _plausible(_cut(text, [start for start, _ in accepted]), text)


def _plausible(items: list[str], text: str) -> list[str]:
    """Items cut at markers must read as statements ("U6 à U13" is not a list)."""
    for item in items:
        words = _clean(item).split()
        if not words or (len(words) < 2 and not words[0][0].isupper()):
            return [text]
    return items


def _follows(prev: tuple[int, ...], number: tuple[int, ...]) -> bool:
    """Whether `number` can come right after `prev` in a (possibly nested) numbering."""
    if len(number) == len(prev) + 1 and number[:-1] == prev and number[-1] in (0, 1):
        return True  # 1.2 -> 1.2.1
    for depth in range(min(len(prev), len(number)), 0, -1):
        if number[: depth - 1] == prev[: depth - 1] and number[depth - 1] == prev[depth - 1] + 1:
            # 1.2 -> 1.3 (same level), 1.2.3 -> 1.3 or 2 (back up a level)
            return len(number) == depth or all(x in (0, 1) for x in number[depth:])
    return False


# A bullet at the start of the text or after a space, followed by a space. Written
# "bullet, then lookbehind: no non-space before it" (same matches as "(?:^|(?<=\s))bullet")
# so that the regex engine searches for the bullet character itself.
_BULLET_RES = {
    bullet: re.compile(rf"{re.escape(bullet)}(?<![^\s]{re.escape(bullet)})(?=\s)")
    for bullet in _BULLETS
}


def _split_bullets(text: str, inline: bool = False) -> list[str]:
    for bullet in _BULLETS:
        if bullet not in text:
            continue
        strong = bullet in _STRONG_BULLETS
        # "-", "–", "*" also join words or mark notes: only a list that opens the text
        # counts, and inside a line only bullets after a wider gap ("a  - b").
        found = list(_BULLET_RES[bullet].finditer(text))
        wide = [m.start() for m in found if m.start() < 2 or text[m.start() - 2].isspace()]
        # A list laid out with wide gaps ("a  - b  - c") tells its bullets from its dashes.
        starts = (
            wide if strong is False and (inline or len(wide) >= 2) else [m.start() for m in found]
        )
        if not starts:
            continue
        if strong or _opens_list(text, starts[0]):
            items = _cut(text, starts)
            if len(items) >= 2:
                return items
    return [text]


def _split_semicolons(text: str) -> list[str]:
    """Cut at ";" outside parentheses: "(parcours A : 5 ECTS ; parcours B : 8 ECTS)" stays."""
    if ";" not in text:
        return [text]
    parts, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(0, depth - 1)
        elif char == ";" and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts = [p.strip() for p in [*parts, text[start:]] if p.strip()]
    if len(parts) < 2 or any(len(p.split()) < 2 for p in parts):
        return [text]
    return parts


def _keep_if_sentences(parts: list[str]) -> list[str]:
    """A weak cut is kept only if every piece reads like a statement (3+ words)."""
    parts = [p.strip() for p in parts if p.strip()]
    if len(parts) < 2 or any(len(p.split()) < 3 for p in parts):
        return [" ".join(parts)]
    return parts


def _fold_headings(items: list[str]) -> tuple[list[str], str]:
    """Handle introductions and sub-headings ending with ":".

    A sub-heading followed by lowercase items ("Réaliser les gestes face à une personne :" /
    "victime d'un malaise") prefixes them. The text's introduction (d) prefixes the items it
    introduces when it says something ("En mobilisant une analyse du contexte … :"); a short
    boilerplate one ("Les compétences attestées :") is dropped. Returns the statements and,
    when a heading or an introduction was folded, why the split is uncertain.
    """
    out: list[str] = []
    reason = ""
    heading: str | None = None
    intro: str | None = None
    for index, item in enumerate(items):
        # A list of items that all end with ":" has no headings.
        if item.endswith(":") and index < len(items) - 1 and not items[index + 1].endswith(":"):
            if index == 0:
                if len(item.split()) > LONG_INTRO_WORDS:
                    intro = item
                    reason = f"introduction « {item} » rattachée à chaque énoncé"
                continue
            heading = item.rstrip(" :")
            reason = reason or f"sous-intitulé « {heading} » rattaché à ses énoncés"
            continue
        if heading and item[0].islower():
            item = f"{heading} {item}"
        else:
            heading = None
        out.append(f"{intro} {item}" if intro else item)
    return out, reason


def _clean(item: str) -> str:
    item = item.strip()
    if "  " in item or "\n" in item:
        item = " ".join(item.split())
    if item and not (item[0].isalpha() and item[1:2].islower()):  # "Analyser": no marker
        marker = _LEAD_MARKER_RE.match(item)  # match, not sub: only position 0 is tried
        if marker:
            item = item[marker.end() :]
    item = item.strip(" ;,")
    # Nothing but punctuation left ("-", "...").
    return item if item[:1].isalnum() or any(char.isalnum() for char in item) else ""


def _squash(text: str) -> str:
    return " ".join(text.split())


def _trim(statement: str) -> str:
    if len(statement) <= MAX_STATEMENT_CHARS:
        return statement
    cut = statement[: MAX_STATEMENT_CHARS - 1]
    space = cut.rfind(" ")
    if space > MAX_STATEMENT_CHARS - 200:
        cut = cut[:space]
    return cut.rstrip() + "…"
