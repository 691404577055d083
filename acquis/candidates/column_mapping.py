"""Column mapping of the candidate import: a certifier's files may name their columns their
own way (« Nom de naissance », « Prénom »…). The staff choose once, for each expected
column, the header of the file that holds it; the mapping is kept per certifier and applied
to the next files automatically (shown, editable). The file then goes through the same
all-or-nothing checks as any import (acquis.candidates.imports).

A mapping applies when every header it names is in the file: the headers it names are
renamed to the expected names, and the file's other columns are ignored (the staff chose
what each expected column is). A file whose headers are already the expected ones needs no
mapping and is read as it is.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from acquis.audit.services import record_event
from acquis.candidates.exceptions import CandidateError
from acquis.candidates.imports import (  # apply_mapping: re-exported for the pages
    COLUMNS,
    HEADERS,
    IGNORED_HEADERS,
    Sheet,
    _text,
    fold,
)
from acquis.candidates.models import ImportColumnMapping
from acquis.errors import Problem


@dataclass(frozen=True)
class HeaderCheck:
    unknown: list[str]  # headers of the file that name no expected column
    missing: list[str]  # required columns absent from the file

    @property
    def needs_mapping(self) -> bool:
        return bool(self.unknown or self.missing)


def headers_of(sheet: Sheet) -> list[str]:
    return [name for name in (_text(raw) for raw in sheet.header) if name]


def check_headers(headers: list[str]) -> HeaderCheck:
    folded = {fold(h) for h in headers}
    unknown = [h for h in headers if fold(h) not in HEADERS and fold(h) not in IGNORED_HEADERS]
    missing = [c.name for c in COLUMNS if c.required and fold(c.name) not in folded]
    return HeaderCheck(unknown, missing)


def saved_mapping(certifier) -> dict[str, str]:
    found = ImportColumnMapping.objects.filter(certifier=certifier).first()
    return dict(found.columns) if found is not None else {}


def applies(mapping: dict[str, str], headers: list[str]) -> bool:
    folded = {fold(h) for h in headers}
    return bool(mapping) and all(fold(h) in folded for h in mapping.values())


def validate(columns: dict[str, str], headers: list[str]) -> dict[str, str]:
    """The chosen mapping without blanks; a French error naming the column when it is not
    usable (a required column without header, a header chosen twice, an unknown header)."""
    chosen = {name: header for name, header in columns.items() if header}
    known = {c.name for c in COLUMNS}
    problems = []
    for name in chosen:
        if name not in known:
            problems.append(Problem(f"Colonne attendue inconnue : « {name} ».", field=name))
    for column in COLUMNS:
        if column.required and column.name not in chosen:
            problems.append(
                Problem(
                    f"{column.name} : choisissez la colonne du fichier qui la contient.",
                    field=column.name,
                )
            )
    folded = {fold(h) for h in headers}
    seen: dict[str, str] = {}
    for name, header in chosen.items():
        if fold(header) not in folded:
            problems.append(
                Problem(f"{name} : « {header} » n'est pas une colonne du fichier.", field=name)
            )
        elif fold(header) in seen:
            problems.append(
                Problem(
                    f"{name} : la colonne « {header} » est déjà choisie pour {seen[fold(header)]}.",
                    field=name,
                )
            )
        seen.setdefault(fold(header), name)
    if not {"code_insee_naissance", "pays_naissance"} & chosen.keys():
        problems.append(
            Problem(
                "code_insee_naissance ou pays_naissance : choisissez l'une des deux.",
                field="code_insee_naissance",
            )
        )
    if problems:
        raise CandidateError(
            "La correspondance des colonnes n'est pas enregistrée.", problems=problems
        )
    return chosen


@transaction.atomic
def save_mapping(certifier, columns: dict[str, str], *, headers: list[str], actor):
    """Remember the certifier's mapping (audited); the next files use it."""
    chosen = validate(columns, headers)
    mapping, _ = ImportColumnMapping.objects.update_or_create(
        certifier=certifier,
        defaults={"columns": chosen, "updated_at": timezone.now(), "updated_by": actor},
    )
    record_event(
        "candidates.import_mapping_saved", mapping, actor=actor, payload={"columns": chosen}
    )
    return mapping
