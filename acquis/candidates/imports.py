"""Bulk import of candidates into a cohort, from CSV or XLSX (docs/candidates-import.md).

Two passes, one transaction:
1. read every row and check what needs no write: headers, value formats, identity
   (`validate_identity`, the CDC "titulaire" rules of formats.md §2), the partner, the
   duplicates inside the file;
2. inside ONE transaction, check the registration of every row with the rules of
   services.py themselves (`chosen_blocks`, `registration_errors`: no copy here), then
   write candidates, candidacies and their audit events in bulk, as `create_candidate` and
   `register_candidacy` would (same values, same events, in the same order; a test compares
   both). Any error, or a dry run, rolls the whole transaction back: nothing is written
   unless the whole file is valid, and a dry run counts exactly what an import would do.
Re-importing a file is harmless: a known identity (`identity_key`, as `find_duplicate`) reuses
its candidate, and a candidate already in the cohort is reported "déjà importé" and skipped.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import logging
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from acquis.audit.services import record_event, record_events
from acquis.candidates import services
from acquis.candidates.enums import PATHWAY_ACCESS_MODES, AccessMode, Pathway, Sex, VaeRoute
from acquis.candidates.exceptions import CandidateError
from acquis.candidates.identity import validate_identity
from acquis.candidates.models import Candidacy, Candidate, identity_key
from acquis.dates import short_date
from acquis.errors import AcquisError, Problem
from acquis.referential.enums import VersionStatus
from acquis.referential.models import CertificationVersion

logger = logging.getLogger(__name__)
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20_000
# OWASP "CSV injection": a cell starting with one of these is read as a formula by
# spreadsheets. Exports prefix such cells with a quote; imports remove that quote again.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    name: str
    field: str
    required: bool
    format: str
    example: str


# The documented column set (docs/candidates-import.md). `field` names the Candidate field
# for identity columns, or the register_candidacy argument for the candidacy columns.
COLUMNS = (
    Column("nom_naissance", "birth_name", True, "texte, 60 caractères au plus", "MARTIN"),
    Column("nom_usage", "usage_name", False, "texte, 60 caractères au plus", ""),
    Column("prenom1", "first_name", True, "texte, 60 caractères au plus", "Camille"),
    Column("prenom2", "first_name_2", False, "texte", "Louise"),
    Column("prenom3", "first_name_3", False, "texte (avec prenom2)", ""),
    Column("sexe", "sex", True, "M ou F", "F"),
    Column("date_naissance", "birth_date", True, "JJ/MM/AAAA (ou cellule date)", "14/03/1990"),
    Column(
        "code_insee_naissance",
        "birth_insee_code",
        False,
        "5 caractères (99xxx : pays étranger) ; ce code ou le pays",
        "69123",
    ),
    Column("pays_naissance", "birth_country", False, "texte ; ce pays ou le code INSEE", ""),
    Column("commune_naissance", "birth_city", False, "texte", "Lyon"),
    Column("email", "email", False, "adresse électronique", "camille.martin@exemple.fr"),
    Column(
        "telephone",
        "phone",
        False,
        "10 chiffres commençant par 0, ou + et l'indicatif du pays",
        "06 01 02 03 04",
    ),
    Column("adresse", "address", False, "texte", "12 rue des Lilas"),
    Column(
        "code_postal", "postal_code", False, "5 chiffres en France, code du pays sinon", "69003"
    ),
    Column("ville", "city", False, "texte", "Lyon"),
    Column("voie", "pathway", True, "formation, vae ou libre", "formation"),
    Column(
        "modalite_acces",
        "access_mode",
        False,
        "code de la déclaration nationale ou son libellé ; défaut selon la voie",
        AccessMode.CONTINUING.value,
    ),
    Column("voie_vae", "vae_route", False, "conge_vae ou vae_classique (obligatoire en VAE)", ""),
    Column("blocs", "blocks", False, "vide = titre complet ; codes séparés par , ou ;", ""),
    Column("partenaire", "partner", False, "nom ou SIRET d'un organisme partenaire", ""),
    Column("date_inscription", "registered_on", False, "JJ/MM/AAAA ; défaut : aujourd'hui", ""),
)
COLUMN_NAMES = tuple(c.name for c in COLUMNS)
IDENTITY_COLUMNS = COLUMNS[:15]  # nom_naissance … ville: Candidate fields
# Columns written by exports.py beside the import columns: accepted, and ignored, on import
# so that an export can be imported again.
EXPORT_ONLY_COLUMNS = ("promotion", "certification", "version_referentiel", "etat")
PATHWAY_NAMES = {Pathway.TRAINING: "formation", Pathway.VAE: "vae", Pathway.FREE: "libre"}
VAE_ROUTE_NAMES = {VaeRoute.LEAVE: "conge_vae", VaeRoute.CLASSIC: "vae_classique"}


def fold(text) -> str:
    """Case-, accent- and punctuation-insensitive form: "Prénom 1" and "prenom1" match."""
    text = unicodedata.normalize("NFKD", str(text or ""))
    return "".join(c for c in text if c.isalnum() and not unicodedata.combining(c)).lower()


def _choices(names: dict, enum) -> dict[str, str]:
    folded = {fold(v): v for v in enum.values} | {fold(label): v for v, label in enum.choices}
    return folded | {fold(name): value for value, name in names.items()}


PATHWAYS = _choices(PATHWAY_NAMES, Pathway) | {"candidatlibre": Pathway.FREE}
ACCESS_MODES = _choices({}, AccessMode)
VAE_ROUTES = _choices(VAE_ROUTE_NAMES, VaeRoute) | {"congevae": VaeRoute.LEAVE}
SEXES = _choices({}, Sex) | {"homme": Sex.MALE, "h": Sex.MALE, "femme": Sex.FEMALE}
HEADERS = {fold(c.name): c for c in COLUMNS}
IGNORED_HEADERS = {fold(name) for name in EXPORT_ONLY_COLUMNS}
DATE_RE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
ISO_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?$")


# --- the report -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportIssue:
    """An error, at a line (header = line 1) and a column (name and spreadsheet letter)."""

    line: int | None
    column: str
    letter: str
    message: str

    def location(self) -> str:
        if self.line is None:
            return ""
        if not self.column:
            return f"ligne {self.line}"
        if not self.letter:
            return f"ligne {self.line}, colonne {self.column} (absente du fichier)"
        return f"ligne {self.line}, colonne {self.letter} ({self.column})"

    def format(self, filename: str) -> str:
        where = self.location()
        return f"{filename}:{where} : {self.message}" if where else f"{filename} : {self.message}"

    def as_dict(self) -> dict:
        return {
            "line": self.line,
            "column": self.column,
            "column_letter": self.letter,
            "message": self.message,
        }


@dataclass
class ImportReport:
    filename: str
    sha256: str = ""
    file_format: str = ""
    dry_run: bool = False
    rows: int = 0
    candidates_created: int = 0
    candidates_reused: int = 0
    candidacies_created: int = 0
    skipped_lines: list[int] = field(default_factory=list)
    errors: list[ImportIssue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def skipped(self) -> int:
        return len(self.skipped_lines)

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run

    def summary(self) -> str:
        if not self.ok:
            return (
                f"{len(self.errors)} erreur(s) dans {self.filename} : rien n'a été importé. "
                "Corrigez le fichier puis importez-le de nouveau."
            )
        if self.dry_run:
            return (
                f"Simulation : {self.rows} ligne(s) valide(s) ; {self.candidates_created} "
                f"candidat(s) seraient créés, {self.candidates_reused} déjà connu(s) repris ; "
                f"{self.candidacies_created} candidature(s) seraient créées ; {self.skipped} "
                "ligne(s) déjà importée(s). Rien n'a été enregistré."
            )
        return (
            f"{self.rows} ligne(s) lue(s) ; {self.candidates_created} candidat(s) créé(s), "
            f"{self.candidates_reused} déjà connu(s) repris ; {self.candidacies_created} "
            f"candidature(s) créée(s) ; {self.skipped} ligne(s) déjà importée(s) ignorée(s)."
        )

    def counts(self) -> dict:
        return {
            "rows": self.rows,
            "candidates_created": self.candidates_created,
            "candidates_reused": self.candidates_reused,
            "candidacies_created": self.candidacies_created,
            "skipped": self.skipped,
        }

    def as_dict(self) -> dict:
        return {
            "file": self.filename,
            "sha256": self.sha256,
            "format": self.file_format,
            "dry_run": self.dry_run,
            "ok": self.ok,
            **self.counts(),
            "skipped_lines": self.skipped_lines,
            "errors": [e.as_dict() for e in self.errors],
        }


DATABASE_REFUSED = (
    "La base de données a refusé l'enregistrement (un autre import de ces candidats a-t-il eu "
    "lieu en même temps ?) : rien n'a été importé ; envoyez le fichier de nouveau."
)
EMPTY_FILE = "Le fichier est vide : la première ligne doit porter les noms des colonnes."


class ImportFileError(AcquisError):
    """The file cannot be read at all (format, encoding, size): one global message."""


# --- reading CSV and XLSX ---------------------------------------------------------------------


@dataclass
class Sheet:
    """The header row and the data rows as (line number, raw cell values)."""

    header: list
    rows: list[tuple[int, list]]
    description: str


def read_sheet(data: bytes, filename: str) -> Sheet:
    if len(data) > MAX_BYTES:
        raise ImportFileError(f"Fichier trop volumineux : {MAX_BYTES // (1024 * 1024)} Mo au plus.")
    suffix = Path(filename).suffix.lower()
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    if suffix in {".xls", ".ods"} or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            "Format non pris en charge : enregistrez le tableau au format XLSX ou CSV."
        )
    return _read_csv(data)


def _read_xlsx(data: bytes) -> Sheet:
    from openpyxl import load_workbook

    try:
        # Formulas read as formulas (data_only=False): a cell computed by the spreadsheet is
        # reported, never read as its cached value nor as an empty cell.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError("Fichier XLSX illisible : enregistrez-le de nouveau.") from exc
    try:
        sheet = workbook.worksheets[0]
        # The <dimension> tag is written by the producing program and may be stale: a
        # read-only sheet trusts it and silently stops at its last row. Read every row
        # whatever it says, then refuse a file that contradicts its own declaration.
        declared = sheet.max_row  # None when the sheet declares no dimension
        sheet.reset_dimensions()
        rows = _numbered(_cells(sheet))
        header = next(rows, (1, []))[1]
        body, last = _take_xlsx(rows)
    finally:
        workbook.close()
    if declared is not None and last > declared:
        raise ImportFileError(
            f"Fichier XLSX incohérent : la feuille déclare {declared} ligne(s) mais en contient "
            f"{last}. Ouvrez-le dans votre tableur et enregistrez-le de nouveau (aucune ligne "
            "n'a été importée)."
        )
    return Sheet(header, body, f"XLSX, feuille « {sheet.title} »")


class Formula(str):
    """A cell holding a formula (its text): reported as such, never taken as a value."""


def _cells(sheet):
    for row in sheet.iter_rows():
        yield [
            Formula(cell.value) if getattr(cell, "data_type", None) == "f" else cell.value
            for cell in row
        ]


def _take_xlsx(rows) -> tuple[list[tuple[int, list]], int]:
    """_take, and the number of the last row the sheet holds (empty ones included)."""
    last = 1

    def counted():
        nonlocal last
        for line, row in rows:
            last = line
            yield line, row

    return _take(counted()), last


def _read_csv(data: bytes) -> Sheet:
    text, encoding = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = _delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = _csv_records(reader)
    try:
        header = next(rows, (1, []))[1]
        body = _take(rows)
    except csv.Error as exc:
        raise ImportFileError(f"CSV illisible à la ligne {reader.line_num} : {exc}.") from exc
    shown = {";": "point-virgule", ",": "virgule", "\t": "tabulation"}[delimiter]
    return Sheet(header, body, f"CSV, séparateur {shown}, encodage {encoding}")


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "UTF-16"
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:  # French spreadsheets often export "CSV (séparateur : point-virgule)" in Windows-1252
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            "Encodage du fichier non reconnu : enregistrez-le en « CSV UTF-8 »."
        ) from exc


def _delimiter(header_line: str) -> str:
    try:
        return csv.Sniffer().sniff(header_line, delimiters=";,\t").delimiter
    except csv.Error:  # a single column, or no separator at all: the most frequent wins
        return max(";,\t", key=header_line.count)


def _csv_records(reader):
    previous = 0
    for record in reader:
        yield previous + 1, record  # the line where the record starts (quoted fields may wrap)
        previous = reader.line_num


def _numbered(rows):
    for line, row in enumerate(rows, start=1):
        yield line, list(row)


def _take(rows) -> list[tuple[int, list]]:
    body = []
    for line, row in rows:
        if all(_text(v) == "" for v in row):
            continue
        body.append((line, row))
        if len(body) > MAX_ROWS:
            raise ImportFileError(
                f"Trop de lignes : {MAX_ROWS} candidats au plus par fichier ; découpez-le."
            )
    return body


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return short_date(value) or ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if text.startswith("'") and text[1:2] and text[1] in FORMULA_PREFIXES:
        text = text[1:]  # a cell neutralised by an export (exports.py)
    return text.strip()


def column_letter(index: int) -> str:
    # openpyxl is imported where used, as in the rest of the module: it costs about 0.2 s of
    # CPU at every start of the `acquis` command (python -X importtime, docs/testing.md).
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)  # index 0 is spreadsheet column A


# --- pass 1: rows to values, without writing ------------------------------------------------


@dataclass
class Row:
    line: int
    identity: dict
    pathway: str = ""
    access_mode: str = ""
    vae_route: str = ""
    block_codes: list[str] | None = None
    partner: object = None
    registered_on: date | None = None
    key: str = ""
    failed: bool = False


class _Reader:
    """Turns the sheet into Rows and issues, with the file's column positions."""

    def __init__(self, sheet: Sheet, certifier, report: ImportReport):
        self.sheet, self.report = sheet, report
        self.positions: dict[str, int] = {}
        self.partners = _PartnerIndex(certifier)

    def error(self, row: Row | None, column: str, message: str, line: int | None = None):
        index = self.positions.get(column)
        letter = column_letter(index) if index is not None else ""
        self.report.errors.append(ImportIssue(row.line if row else line, column, letter, message))
        if row is not None:
            row.failed = True

    def read_header(self) -> bool:
        for index, raw in enumerate(self.sheet.header):
            name = _text(raw)
            column = HEADERS.get(fold(name))
            if not name or fold(name) in IGNORED_HEADERS:
                continue
            if column is None:
                self.report.errors.append(
                    ImportIssue(1, name, column_letter(index), _unknown_column(name))
                )
            elif column.name in self.positions:
                self.report.errors.append(
                    ImportIssue(
                        1, column.name, column_letter(index), "Colonne en double dans l'en-tête."
                    )
                )
            else:
                self.positions[column.name] = index
        for column in COLUMNS:
            if column.required and column.name not in self.positions:
                self.error(None, column.name, "Colonne obligatoire absente de l'en-tête.", 1)
        if not {"code_insee_naissance", "pays_naissance"} & self.positions.keys():
            self.report.errors.append(
                ImportIssue(
                    1, "", "", "Il faut une colonne code_insee_naissance ou pays_naissance."
                )
            )
        return self.report.ok

    def cell(self, values: list, name: str):
        index = self.positions.get(name)
        return values[index] if index is not None and index < len(values) else None

    def read_rows(self) -> list[Row]:
        rows, seen = [], {}
        for line, values in self.sheet.rows:
            row = self.read_row(line, values)
            if row.key:
                if row.key in seen:
                    self.error(
                        row,
                        "nom_naissance",
                        "Doublon dans le fichier : même nom de naissance, premier prénom et "
                        f"date de naissance qu'à la ligne {seen[row.key]}.",
                    )
                seen.setdefault(row.key, line)
            rows.append(row)
        return rows

    def read_row(self, line: int, values: list) -> Row:
        get = {c.name: self.cell(values, c.name) for c in COLUMNS}
        formulas = {name for name, value in get.items() if isinstance(value, Formula)}
        for name in formulas:
            get[name] = None
        first = len(self.report.errors)
        row = self._read_row(line, get)
        # A formula column's own complaint is the formula, not a missing or bad value.
        self.report.errors[first:] = [
            e for e in self.report.errors[first:] if e.column not in formulas
        ]
        for name in sorted(formulas, key=lambda n: self.positions.get(n, 0)):
            self.error(
                row,
                name,
                f"La cellule contient une formule (« {str(self.cell(values, name))[:40]} ») : "
                "remplacez-la par sa valeur (copier, puis collage spécial « valeurs »).",
            )
        return row

    def _read_row(self, line: int, get: dict) -> Row:
        identity = {c.field: _identity_value(c.name, get[c.name]) for c in IDENTITY_COLUMNS}
        identity["birth_date"] = _date(get["date_naissance"]) or identity["birth_date"]
        identity["sex"] = SEXES.get(fold(identity["sex"]), identity["sex"].upper())
        row = Row(line, identity)
        self.check_identity(row)
        self.read_candidacy(row, get)
        if identity["birth_name"] and identity["first_name"]:
            if isinstance(identity["birth_date"], date):
                row.key = identity_key(
                    identity["birth_name"], identity["first_name"], identity["birth_date"]
                )
        return row

    def check_identity(self, row: Row) -> None:
        errors = validate_identity(row.identity)
        by_field = {c.field: c.name for c in COLUMNS}
        for name, message in errors.items():
            column = by_field[name]
            if name == "birth_insee_code" and column not in self.positions:
                column = "pays_naissance"
            self.error(row, column, message)
        for column in IDENTITY_COLUMNS:
            value = row.identity[column.field]
            limit = Candidate._meta.get_field(column.field).max_length
            if column.field in errors or not isinstance(value, str):
                continue
            if limit and len(value) > limit:
                self.error(row, column.name, f"{limit} caractères au plus.")
        email = row.identity["email"]
        if email and "email" not in errors:
            try:
                validate_email(email)
            except ValidationError:
                self.error(row, "email", f"Adresse électronique invalide : « {email} ».")

    def read_candidacy(self, row: Row, get: dict) -> None:
        raw = _text(get["voie"])
        row.pathway = PATHWAYS.get(fold(raw), "")
        if not raw:
            self.error(row, "voie", "La voie d'accès est obligatoire : formation, vae ou libre.")
        elif not row.pathway:
            self.error(row, "voie", f"Voie d'accès inconnue « {raw} » : formation, vae ou libre.")
        raw = _text(get["modalite_acces"])
        row.access_mode = ACCESS_MODES.get(fold(raw), "")
        if raw and not row.access_mode:
            self.error(
                row,
                "modalite_acces",
                f"Modalité d'accès inconnue « {raw} » : indiquez un code de la déclaration "
                "nationale (ex. FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION, VAE, "
                "CANDIDAT_LIBRE) ou son libellé.",
            )
        self.read_vae_route(row, _text(get["voie_vae"]))
        raw = _text(get["blocs"])
        if raw:
            row.block_codes = [c.upper() for c in re.split(r"[;,\s]+", raw) if c]
        row.partner = self.partners.find(self, row, _text(get["partenaire"]))
        raw = get["date_inscription"]
        if _text(raw):
            row.registered_on = _date(raw)
            if row.registered_on is None:
                self.error(
                    row, "date_inscription", "Date d'inscription invalide (format JJ/MM/AAAA)."
                )
            elif future := services.registration_date_error(row.registered_on):
                self.error(row, "date_inscription", future)

    def read_vae_route(self, row: Row, raw: str) -> None:
        row.vae_route = VAE_ROUTES.get(fold(raw), "")
        if raw and not row.vae_route:
            self.error(
                row, "voie_vae", f"Voie VAE inconnue « {raw} » : conge_vae ou vae_classique."
            )
        elif raw and row.pathway and row.pathway != Pathway.VAE:
            self.error(row, "voie_vae", "La voie VAE ne s'indique que pour la voie « vae ».")


def _unknown_column(name: str) -> str:
    return (
        f"Colonne inconnue « {name} » : renommez-la ou supprimez-la. Colonnes possibles : "
        + ", ".join(COLUMN_NAMES)
        + "."
    )


def _identity_value(name: str, value) -> str:
    text = _text(value)
    if isinstance(value, int | float) and text.isdigit():
        # A spreadsheet turned the code into a number and dropped its leading zero.
        if name in {"code_insee_naissance", "code_postal"} and len(text) < 5:
            text = text.zfill(5)
        elif name == "telephone" and len(text) == 9:
            text = "0" + text
    return text


def _date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    match = DATE_RE.match(text)
    parts = (match.group(3), match.group(2), match.group(1)) if match else None
    match = ISO_DATE_RE.match(text)
    parts = match.groups() if match else parts
    if parts is None:
        return None
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None


class _PartnerIndex:
    """The certifier's partner organisations, by folded name and by SIRET."""

    def __init__(self, certifier):
        self.certifier = certifier
        self.by_name: dict[str, list] = {}
        self.by_siret: dict[str, object] = {}
        for partner in certifier.partners.all():
            self.by_name.setdefault(fold(partner.name), []).append(partner)
            if partner.siret:
                self.by_siret[partner.siret] = partner

    def find(self, reader: _Reader, row: Row, raw: str):
        if not raw:
            return None
        digits = re.sub(r"[\s.]", "", raw)
        if digits.isdigit() and len(digits) == 14:
            partner = self.by_siret.get(digits)
            if partner is None:
                reader.error(
                    row,
                    "partenaire",
                    f"Aucun organisme partenaire de {self.certifier.name} n'a le SIRET {digits}.",
                )
            return partner
        found = self.by_name.get(fold(raw), [])
        if len(found) == 1:
            return found[0]
        if found:
            reader.error(
                row, "partenaire", f"Plusieurs partenaires s'appellent « {raw} » : donnez le SIRET."
            )
        else:
            reader.error(
                row,
                "partenaire",
                f"« {raw} » n'est pas un organisme partenaire de {self.certifier.name} "
                "(nom exact ou SIRET).",
            )
        return None


# --- pass 2: the writes, in one transaction --------------------------------------------------

# CandidateError problem fields of the registration rules → the column to point at.
SERVICE_COLUMNS = {c.field: c.name for c in COLUMNS} | {"candidate": "nom_naissance"}


def import_candidates(
    source,
    *,
    filename: str = "",
    certifier,
    cohort,
    dry_run: bool = False,
    actor=None,
    mapping: dict[str, str] | None = None,
) -> ImportReport:
    """Validate the whole file, then import it into `cohort` (all rows or nothing).

    `mapping` ({expected column: header of the file}, acquis.candidates.column_mapping)
    renames the file's headers first."""
    if cohort.certifier_id != certifier.pk:
        raise CandidateError("Cette promotion n'appartient pas à ce certificateur.")
    data, filename = _read_source(source, filename)
    report = ImportReport(filename, hashlib.sha256(data).hexdigest(), dry_run=dry_run)
    try:
        sheet = read_sheet(data, filename)
    except ImportFileError as exc:
        report.errors.append(ImportIssue(None, "", "", str(exc)))
        return report
    if mapping:
        sheet = apply_mapping(sheet, mapping)
    return import_sheet(sheet, report, certifier=certifier, cohort=cohort, actor=actor)


def import_sheet(sheet: Sheet, report: ImportReport, *, certifier, cohort, actor=None):
    """The checks and writes of `import_candidates` on rows already read (a file's, or the
    items of the API's batch endpoint): all rows or nothing, errors by line and column."""
    if cohort.certifier_id != certifier.pk:
        raise CandidateError("Cette promotion n'appartient pas à ce certificateur.")
    dry_run, filename = report.dry_run, report.filename
    report.file_format = sheet.description
    if not any(_text(v) for v in sheet.header):
        report.errors.append(ImportIssue(None, "", "", EMPTY_FILE))
        return report
    reader = _Reader(sheet, certifier, report)
    if not reader.read_header():
        return report
    rows = reader.read_rows()
    report.rows = len(rows)
    if not rows:
        report.errors.append(ImportIssue(None, "", "", "Le fichier ne contient aucun candidat."))
        return report
    with transaction.atomic():
        _write(rows, reader, cohort, actor)
        report.errors.sort(key=lambda e: (e.line or 0, reader.positions.get(e.column, -1)))
        if report.ok and not dry_run:
            record_event(
                "candidates.imported",
                cohort,
                actor=actor,
                payload={"file": filename, "sha256": report.sha256, **report.counts()},
            )
        else:
            transaction.set_rollback(True)
    return report


def _read_source(source, filename: str) -> tuple[bytes, str]:
    if isinstance(source, str | Path):
        path = Path(source)
        return path.read_bytes(), filename or path.name
    if hasattr(source, "seek"):
        source.seek(0)
    return source.read(), filename or getattr(source, "name", "") or "fichier"


@dataclass
class _Pending:
    """A row to write: its candidate (known, or new and unsaved) and its blocks."""

    row: Row
    candidate: Candidate
    reused: bool
    blocks: list


def _write(rows: list[Row], reader: _Reader, cohort, actor) -> None:
    """Writes in bulk, with the rules of services.py (see the module docstring).

    create_candidate and register_candidacy cost ~22 statements and 2 chain locks per row
    (5,000 rows: ~60 s here, bench/README.md); the same rows written in bulk, with the same
    checks and the same audit events (record_events: one lock, chained in row order), take
    a few seconds. tests/candidates/test_imports.py checks that both give identical rows
    and events.
    """
    report = reader.report
    version = _cohort_version(cohort)
    if version.status != VersionStatus.PUBLISHED:
        report.errors.append(
            ImportIssue(None, "", "", "Le référentiel de cette promotion n'est plus publié.")
        )
        return
    pending = _pending(rows, reader, cohort, version)
    try:
        with transaction.atomic():
            _save_new_candidates(pending)
            pairs = _candidacies(pending, reader, cohort, version)
            report.candidacies_created = len(pairs)
            report.candidates_reused = sum(item.reused for item, _ in pairs)
            report.candidates_created = len(pairs) - report.candidates_reused
            if report.ok:
                _save_candidacies(pairs, actor)
    except DatabaseError:  # a constraint the checks above missed (a concurrent import?)
        logger.warning("Import de candidats refusé par la base de données", exc_info=True)
        report.errors.append(ImportIssue(None, "", "", DATABASE_REFUSED))


def _pending(rows: list[Row], reader: _Reader, cohort, version) -> list[_Pending]:
    report = reader.report
    existing = _existing_candidates(cohort.certifier, [r.key for r in rows if r.key])
    in_cohort = set(Candidacy.objects.filter(cohort=cohort).values_list("candidate_id", flat=True))
    pending = []
    for row in rows:
        if row.failed:
            # Its other errors are reported; an unknown block code is reported with them.
            try:
                services.chosen_blocks(version, row.block_codes)
            except CandidateError as exc:
                _service_errors(reader, row, exc)
            continue
        candidate = existing.get(row.key)
        if candidate is not None and candidate.pk in in_cohort:
            report.skipped_lines.append(row.line)  # "déjà importé": not an error
            continue
        try:
            blocks = services.chosen_blocks(version, row.block_codes)
        except CandidateError as exc:
            _service_errors(reader, row, exc)
            continue
        reused = candidate is not None
        candidate = candidate or _new_candidate(cohort.certifier, row.identity)
        pending.append(_Pending(row, candidate, reused, blocks))
    return pending


def _new_candidate(certifier, data: dict) -> Candidate:
    """The Candidate create_candidate would save (identity already validated, no duplicate)."""
    values = {f: services._clean(data.get(f)) for f in services.IDENTITY_FIELDS if f in data}
    values["birth_insee_code"] = (values.get("birth_insee_code") or "").upper()
    candidate = Candidate(certifier=certifier, **values)
    candidate.identity_key = identity_key(
        candidate.birth_name, candidate.first_name, candidate.birth_date
    )
    candidate.refresh_search_text()  # bulk_create does not call save()
    return candidate


def _save_new_candidates(pending: list[_Pending]) -> None:
    new = [p.candidate for p in pending if not p.reused]
    if connection.features.can_return_rows_from_bulk_insert:
        Candidate.objects.bulk_create(new, batch_size=500)
    else:  # pragma: no cover - SQLite < 3.35 returns no primary keys from a bulk insert
        for candidate in new:
            candidate.save()


def _candidacies(pending: list[_Pending], reader: _Reader, cohort, version) -> list:
    """register_candidacy's checks and values, row by row; (pending, candidacy) pairs."""
    result, checked = [], {}
    for item in pending:
        row = item.row
        # A candidate created by this import has no candidacy yet, so the checks depend on
        # the row's choices only: checked once per distinct choice.
        memo = None if item.reused else (row.pathway, row.access_mode, row.vae_route, row.partner)
        if memo is not None and memo in checked:
            errors = checked[memo]
        else:
            errors = services.registration_errors(
                item.candidate, version, row.pathway, row.access_mode, row.vae_route, cohort,
                row.partner,
            )  # fmt: skip
            if memo is not None:
                checked[memo] = errors
        if errors:
            _service_errors(reader, row, CandidateError("", errors))
            continue
        result.append((item, _new_candidacy(item, cohort, version)))
    return result


def _new_candidacy(item: _Pending, cohort, version) -> Candidacy:
    """The Candidacy register_candidacy would save."""
    row = item.row
    return Candidacy(
        candidate=item.candidate,
        version=version,
        cohort=cohort,
        partner=row.partner,
        pathway=row.pathway,
        access_mode=row.access_mode or services.default_access_mode(row.pathway),
        vae_route=row.vae_route if row.pathway == Pathway.VAE else "",
        whole_title=row.block_codes is None,
        registered_on=row.registered_on or timezone.localdate(),
        memoir_deadline=cohort.memoir_deadline,
    )


def _save_candidacies(pairs: list, actor) -> None:
    Candidacy.objects.bulk_create([c for _, c in pairs], batch_size=500)
    through = Candidacy.blocks.through
    through.objects.bulk_create(
        [through(candidacy_id=c.pk, block_id=b.pk) for item, c in pairs for b in item.blocks],
        batch_size=500,
    )
    events = []
    for item, candidacy in pairs:  # the order and content of the services' own events
        if not item.reused:
            events.append({"verb": "candidate.created", "obj": item.candidate})
        events.append({
            "verb": "candidacy.registered",
            "obj": candidacy,
            "to_state": candidacy.status,
            "payload": {"pathway": item.row.pathway, "blocks": [b.code for b in item.blocks]},
        })  # fmt: skip
    record_events(events, actor=actor)


def _service_errors(reader: _Reader, row: Row, exc: CandidateError) -> None:
    for problem in exc.problems or [Problem(exc.message)]:
        name, message = getattr(problem, "field", None) or "", str(problem.message)
        if name == "blocks":  # chosen_blocks puts the useful text in the exception's message
            message = str(exc)
        elif name == "access_mode" and not row.access_mode:  # no default for this pathway
            codes = ", ".join(sorted(PATHWAY_ACCESS_MODES[row.pathway]))
            message = f"Indiquez la modalité d'accès de cette voie : {codes}."
        reader.error(row, SERVICE_COLUMNS.get(name, ""), message)


def _cohort_version(cohort) -> CertificationVersion:
    # Blocks prefetched once: chosen_blocks reads version.blocks.all() for every row.
    return CertificationVersion.objects.prefetch_related("blocks").get(pk=cohort.version_id)


def _existing_candidates(certifier, keys: list[str]) -> dict[str, Candidate]:
    """Known candidates by identity key (the key `find_duplicate` looks up), in batches."""
    found: dict[str, Candidate] = {}
    for start in range(0, len(keys), 500):
        batch = Candidate.objects.filter(
            certifier=certifier, identity_key__in=keys[start : start + 500]
        )
        found.update((c.identity_key, c) for c in batch)
    return found


# --- the downloadable template --------------------------------------------------------------


def template_csv() -> bytes:
    """Header row and one fictitious example line, `;`-separated UTF-8 with BOM (Excel)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMN_NAMES)
    writer.writerow(c.example for c in COLUMNS)
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")


def apply_mapping(sheet: Sheet, mapping: dict[str, str]) -> Sheet:
    """The sheet with the mapped headers renamed, the other columns left unnamed (ignored)."""
    expected_of = {fold(header): name for name, header in mapping.items()}
    header = [expected_of.get(fold(_text(raw)), "") for raw in sheet.header]
    return Sheet(header, sheet.rows, sheet.description + ", correspondance des colonnes")
