"""Bulk import of candidates (CSV, XLSX) through the service, the command and the script."""

import codecs
import csv
import hashlib
import io
import json
import os
import subprocess
import sys
from datetime import date, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from acquis.audit.models import AuditEvent
from acquis.candidates import services
from acquis.candidates.enums import AccessMode, Pathway, VaeRoute
from acquis.candidates.imports import COLUMN_NAMES, import_candidates, template_csv
from acquis.candidates.models import Candidacy, Candidate
from acquis.organisations.enums import Habilitation, OrganisationKind
from acquis.organisations.models import Organisation
from tests import factories
from tests.conftest import REPO

pytestmark = pytest.mark.django_db

HEADER = [
    "nom_naissance",  # A
    "prenom1",  # B
    "sexe",  # C
    "date_naissance",  # D
    "code_insee_naissance",  # E
    "email",  # F
    "telephone",  # G
    "voie",  # H
    "modalite_acces",  # I
    "voie_vae",  # J
    "blocs",  # K
    "partenaire",  # L
    "date_inscription",  # M
]
CONTINUING = AccessMode.CONTINUING.value


def person(**values) -> dict:
    base = {
        "nom_naissance": "Martin",
        "prenom1": "Camille",
        "sexe": "F",
        "date_naissance": "14/03/1990",
        "code_insee_naissance": "69123",
        "voie": "formation",
        "modalite_acces": CONTINUING,
    }
    return base | values


def three_people() -> list[dict]:
    return [
        person(),
        person(nom_naissance="Bernard", prenom1="Yanis", sexe="M", voie="vae", modalite_acces="",
               voie_vae="vae_classique"),
        person(nom_naissance="Nguyen", prenom1="Linh", voie="libre", modalite_acces=""),
    ]  # fmt: skip


def csv_bytes(rows, header=HEADER, delimiter=";", encoding="utf-8", bom=False) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    data = buffer.getvalue().encode(encoding)
    return (codecs.BOM_UTF8 + data) if bom else data


def write(tmp_path, data: bytes, name="candidats.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def xlsx_file(tmp_path, header, rows, name="candidats.xlsx") -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Candidats"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


@pytest.fixture
def cohort(certifier, ops_version):
    return services.create_cohort(certifier=certifier, version=ops_version, name="Promotion 2026")


@pytest.fixture
def preparing_partner(certifier):
    return Organisation.objects.create(
        kind=OrganisationKind.PARTNER,
        name="Insertion Formation Rhône",
        siret="12345678900011",
        certifier=certifier,
        habilitation=Habilitation.PREPARE,
    )


def run_import(path, cohort, **kwargs):
    return import_candidates(
        path, filename=Path(path).name, certifier=cohort.certifier, cohort=cohort, **kwargs
    )


def errors_of(report) -> list[tuple]:
    return [(e.line, e.letter, e.column, e.message) for e in report.errors]


# --- formats ---------------------------------------------------------------------------------


def test_a_semicolon_csv_is_imported_with_its_audit_events(tmp_path, cohort):
    data = csv_bytes(three_people())
    report = run_import(write(tmp_path, data), cohort)
    assert errors_of(report) == []
    assert report.counts() == {
        "rows": 3,
        "candidates_created": 3,
        "candidates_reused": 0,
        "candidacies_created": 3,
        "skipped": 0,
    }
    assert "point-virgule" in report.file_format
    vae = Candidacy.objects.get(candidate__birth_name="Bernard")
    assert (vae.pathway, vae.access_mode, vae.vae_route) == (
        Pathway.VAE,
        AccessMode.VAE,
        VaeRoute.CLASSIC,
    )
    free = Candidacy.objects.get(candidate__birth_name="Nguyen")
    assert free.access_mode == AccessMode.FREE
    assert set(Candidacy.objects.values_list("cohort", flat=True)) == {cohort.pk}
    assert AuditEvent.objects.filter(verb="candidate.created").count() == 3
    assert AuditEvent.objects.filter(verb="candidacy.registered").count() == 3
    event = AuditEvent.objects.get(verb="candidates.imported")
    assert event.object_id == str(cohort.pk)
    assert event.payload["sha256"] == hashlib.sha256(data).hexdigest() == report.sha256
    assert event.payload["candidacies_created"] == 3


def test_a_comma_csv_with_bom_and_free_style_headers(tmp_path, cohort):
    header = ["Nom naissance", "Prénom 1", "SEXE", "Date_Naissance", "Code INSEE naissance",
              "Voie", "Modalité accès"]  # fmt: skip
    rows = [["Lefèvre", "Éléonore", "f", "01/02/1985", "2A004", "Formation",
             "Formation continue hors contrat de professionnalisation"]]  # fmt: skip
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=",")
    writer.writerows([header, *rows])
    path = write(tmp_path, codecs.BOM_UTF8 + buffer.getvalue().encode())
    report = run_import(path, cohort)
    assert errors_of(report) == []
    assert "virgule" in report.file_format and "UTF-8" in report.file_format
    candidate = Candidate.objects.get()
    assert (candidate.birth_name, candidate.first_name, candidate.sex) == (
        "Lefèvre",
        "Éléonore",
        "F",
    )
    assert candidate.birth_insee_code == "2A004"
    assert candidate.candidacies.get().access_mode == AccessMode.CONTINUING


def test_a_windows_1252_csv_is_accepted(tmp_path, cohort):
    path = write(tmp_path, csv_bytes([person(nom_naissance="Hélène", prenom1="Zoé")],
                                     encoding="cp1252"))  # fmt: skip
    report = run_import(path, cohort)
    assert errors_of(report) == []
    assert "Windows-1252" in report.file_format
    assert Candidate.objects.get().birth_name == "Hélène"


def test_an_xlsx_with_date_cells_and_numbers_for_codes(tmp_path, cohort):
    header = ["nom_naissance", "prenom1", "sexe", "date_naissance", "code_insee_naissance",
              "telephone", "code_postal", "voie", "modalite_acces", "date_inscription"]  # fmt: skip
    born = datetime(1980, 5, 17)  # noqa: DTZ001 - Excel date cells carry no time zone
    rows = [
        ["Durand", "Paul", "M", born, 1053, 612345678, 1000, "formation", CONTINUING,
         date(2026, 9, 1)],
        ["Petit", "Inès", "F", "03/07/1999", "75056", "06 11 22 33 44", "75011", "libre",
         None, None],
    ]  # fmt: skip
    report = run_import(xlsx_file(tmp_path, header, rows), cohort)
    assert errors_of(report) == []
    assert report.file_format == "XLSX, feuille « Candidats »"
    durand = Candidate.objects.get(birth_name="Durand")
    assert durand.birth_date == date(1980, 5, 17)
    assert (durand.birth_insee_code, durand.phone, durand.postal_code) == (
        "01053",
        "0612345678",
        "01000",
    )
    assert durand.candidacies.get().registered_on == date(2026, 9, 1)
    assert Candidate.objects.get(birth_name="Petit").birth_date == date(1999, 7, 3)


def test_the_downloadable_template_imports_as_is(tmp_path, cohort):
    data = template_csv()
    assert data.startswith(codecs.BOM_UTF8)
    assert data.decode("utf-8-sig").splitlines()[0] == ";".join(COLUMN_NAMES)
    report = run_import(write(tmp_path, data, "modele.csv"), cohort)
    assert errors_of(report) == []
    assert report.candidacies_created == 1


# --- errors: line and column, and nothing written ---------------------------------------------


@pytest.fixture
def other_partner(other_certifier):
    return Organisation.objects.create(
        kind=OrganisationKind.PARTNER,
        name="Ailleurs Formation",
        certifier=other_certifier,
        habilitation=Habilitation.PREPARE,
    )


@pytest.mark.parametrize(
    ("values", "letter", "column", "fragment"),
    [
        ({"nom_naissance": ""}, "A", "nom_naissance", "« nom de naissance » est obligatoire"),
        ({"prenom1": "J3an"}, "B", "prenom1", "lettres, espaces, tirets"),
        ({"sexe": "X"}, "C", "sexe", "M ou F"),
        ({"date_naissance": "31/02/1990"}, "D", "date_naissance", "invalide (format JJ/MM/AAAA)"),
        ({"date_naissance": "1990-13-01"}, "D", "date_naissance", "invalide"),
        ({"date_naissance": "01/01/2999"}, "D", "date_naissance", "doit être passée"),
        ({"code_insee_naissance": "6912"}, "E", "code_insee_naissance", "5 caractères"),
        ({"code_insee_naissance": ""}, "E", "code_insee_naissance", "ou le pays de naissance"),
        ({"email": "pas-une-adresse"}, "F", "email", "Adresse électronique invalide"),
        ({"telephone": "0" * 21}, "G", "telephone", "20 caractères au plus"),
        ({"voie": ""}, "H", "voie", "La voie d'accès est obligatoire"),
        ({"voie": "apprentissage"}, "H", "voie", "Voie d'accès inconnue « apprentissage »"),
        ({"modalite_acces": "VAE"}, "I", "modalite_acces", "ne convient pas à la voie"),
        ({"telephone": "zzz"}, "G", "telephone", "10 chiffres commençant par 0"),
        ({"modalite_acces": ""}, "I", "modalite_acces", "Indiquez la modalité d'accès"),
        ({"modalite_acces": "stage"}, "I", "modalite_acces", "Modalité d'accès inconnue"),
        ({"voie": "vae", "modalite_acces": ""}, "J", "voie_vae", "Précisez la voie VAE"),
        ({"voie_vae": "conge_vae"}, "J", "voie_vae", "ne s'indique que pour la voie « vae »"),
        ({"voie": "vae", "voie_vae": "congé"}, "J", "voie_vae", "Voie VAE inconnue"),
        ({"blocs": "B1,B9"}, "K", "blocs", "Bloc(s) inconnu(s) : B9."),
        ({"blocs": ";"}, "K", "blocs", "Choisissez au moins un bloc."),
        ({"partenaire": "Inconnu SARL"}, "L", "partenaire", "n'est pas un organisme partenaire"),
        ({"partenaire": "Ailleurs Formation"}, "L", "partenaire", "n'est pas un organisme"),
        ({"partenaire": "99999999999999"}, "L", "partenaire", "n'a le SIRET 99999999999999"),
        ({"partenaire": "Évaluations Lyon"}, "L", "partenaire", "pas habilité à préparer"),
        ({"date_inscription": "demain"}, "M", "date_inscription", "Date d'inscription invalide"),
    ],
)
def test_each_error_names_its_line_and_column_and_nothing_is_written(
    tmp_path, cohort, certifier, other_partner, values, letter, column, fragment
):
    Organisation.objects.create(
        kind=OrganisationKind.PARTNER,
        name="Evaluations Lyon",
        certifier=certifier,
        habilitation=Habilitation.ORGANISE,
    )
    rows = [person(), person(**{"nom_naissance": "Autre", **values}), person(nom_naissance="Zed")]
    events = AuditEvent.objects.count()
    report = run_import(write(tmp_path, csv_bytes(rows)), cohort)
    assert len(report.errors) == 1, errors_of(report)
    error = report.errors[0]
    assert (error.line, error.letter, error.column) == (3, letter, column)
    assert fragment in error.message
    assert f"candidats.csv:ligne 3, colonne {letter} ({column}) : " in error.format("candidats.csv")
    assert not report.written
    assert not Candidate.objects.exists()
    assert not Candidacy.objects.exists()
    assert AuditEvent.objects.count() == events


def test_every_error_of_the_file_is_reported_in_order(tmp_path, cohort):
    rows = [person(sexe="X", date_naissance="hier"), person(nom_naissance="B"),
            person(nom_naissance="C", voie="autre", blocs="B7")]  # fmt: skip
    report = run_import(write(tmp_path, csv_bytes(rows)), cohort)
    # Line 4's unknown block code is reported beside its other error (the pathway).
    assert [(e.line, e.letter) for e in report.errors] == [
        (2, "C"),
        (2, "D"),
        (4, "H"),
        (4, "K"),
    ]
    assert "1 erreur" not in report.summary() and "4 erreur(s)" in report.summary()
    assert not Candidate.objects.exists()


def test_header_errors(tmp_path, cohort):
    header = ["nom_naissance", "prenom", "sexe", "sexe", "voie", "promotion", "etat"]
    report = run_import(write(tmp_path, csv_bytes([{}], header=header)), cohort)
    found = [(e.line, e.letter, e.column, e.message[:24]) for e in report.errors]
    assert (1, "B", "prenom", "Colonne inconnue « preno") in found
    assert (1, "D", "sexe", "Colonne en double dans l") in found
    assert (1, "", "prenom1", "Colonne obligatoire abse") in found
    assert (1, "", "", "Il faut une colonne code") in found
    assert len(found) == 5  # prenom1 and date_naissance missing; promotion and etat ignored
    assert report.errors[2].format("f.csv") == (
        "f.csv:ligne 1, colonne prenom1 (absente du fichier) : "
        "Colonne obligatoire absente de l'en-tête."
    )


@pytest.mark.parametrize(
    ("name", "data", "fragment"),
    [
        ("vide.csv", b"", "Le fichier est vide"),
        ("entete.csv", csv_bytes([]), "ne contient aucun candidat"),
        ("ancien.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100, "enregistrez le tableau au format XLSX"),
        ("casse.xlsx", b"PK\x03\x04 pas un vrai classeur", "Fichier XLSX illisible"),
        ("binaire.csv", "nom;prénom".encode("utf-16-be") + b"\x81\x81", "Encodage"),
    ],
)
def test_unreadable_files_give_one_clear_message(tmp_path, cohort, name, data, fragment):
    report = run_import(write(tmp_path, data, name), cohort)
    assert not report.ok
    assert fragment in report.errors[0].message
    assert not Candidate.objects.exists()


# --- duplicates and re-import --------------------------------------------------------------------


def test_a_duplicate_inside_the_file_is_an_error(tmp_path, cohort):
    rows = [
        person(),
        person(nom_naissance="Autre"),
        person(nom_naissance="MARTÍN", prenom1="camille"),
    ]
    report = run_import(write(tmp_path, csv_bytes(rows)), cohort)
    assert errors_of(report) == [
        (4, "A", "nom_naissance", "Doublon dans le fichier : même nom de naissance, premier "
         "prénom et date de naissance qu'à la ligne 2."),
    ]  # fmt: skip
    assert not Candidate.objects.exists()


def test_reimporting_the_same_file_creates_no_duplicate(tmp_path, cohort):
    path = write(tmp_path, csv_bytes(three_people()))
    assert run_import(path, cohort).candidacies_created == 3
    again = run_import(path, cohort)
    assert errors_of(again) == []
    assert again.skipped_lines == [2, 3, 4]
    assert (again.candidates_created, again.candidacies_created) == (0, 0)
    assert "3 ligne(s) déjà importée(s) ignorée(s)" in again.summary()
    assert Candidate.objects.count() == 3 and Candidacy.objects.count() == 3
    bigger = write(tmp_path, csv_bytes([*three_people(), person(nom_naissance="Nouveau")]), "b.csv")
    third = run_import(bigger, cohort)
    assert (third.candidates_created, third.candidacies_created, third.skipped) == (1, 1, 3)
    assert AuditEvent.objects.filter(verb="candidates.imported").count() == 3


def test_a_known_person_is_reused(tmp_path, cohort, certifier):
    known = factories.candidate(certifier, birth_name="Martin", first_name="Camille",
                                birth_date=date(1990, 3, 14))  # fmt: skip
    path = write(tmp_path, csv_bytes([person(nom_naissance="MARTIN", prenom1="camille")]))
    report = run_import(path, cohort)
    assert (report.candidates_created, report.candidates_reused) == (0, 1)
    assert Candidate.objects.get() == known
    assert known.candidacies.get().cohort == cohort


def test_a_known_person_with_a_running_candidacy_elsewhere_is_an_error(
    tmp_path, cohort, certifier, ops_version
):
    known = factories.candidate(certifier, birth_name="Martin", first_name="Camille",
                                birth_date=date(1990, 3, 14))  # fmt: skip
    factories.candidacy(ops_version, person=known)
    report = run_import(write(tmp_path, csv_bytes([person()])), cohort)
    assert errors_of(report) == [
        (2, "A", "nom_naissance", "Ce candidat a déjà une candidature en cours pour cette "
         "certification."),
    ]  # fmt: skip


def test_the_import_writes_exactly_what_the_services_would(
    tmp_path, cohort, preparing_partner, ops_version, certifier, personas
):
    """The bulk writes mirror create_candidate + register_candidacy: rows and audit events."""
    actor = personas["responsable_epreuves"]
    header = [*HEADER, "nom_usage", "prenom2", "commune_naissance"]
    row = person(nom_usage="Durand", prenom2="Louise", email=" camille@exemple.fr ",
                 telephone="06 01 02 03 04", voie="vae", modalite_acces="", voie_vae="conge_vae",
                 blocs="B2,B1", partenaire="Insertion Formation Rhône",
                 date_inscription="01/09/2026", code_insee_naissance="2a004",
                 commune_naissance="Ajaccio")  # fmt: skip
    before = AuditEvent.objects.count()
    report = run_import(write(tmp_path, csv_bytes([row], header=header)), cohort, actor=actor)
    assert report.ok, errors_of(report)
    imported_events = list(AuditEvent.objects.order_by("id")[before : before + 2])

    witness_cohort = services.create_cohort(certifier=certifier, version=ops_version, name="T")
    before = AuditEvent.objects.count()
    data = {"birth_name": "Témoin", "usage_name": "Durand", "first_name": "Camille",
            "first_name_2": "Louise", "sex": "F", "birth_date": date(1990, 3, 14),
            "birth_insee_code": "2a004", "birth_city": "Ajaccio", "email": "camille@exemple.fr",
            "phone": "06 01 02 03 04"}  # fmt: skip
    witness = services.create_candidate(certifier=certifier, data=data, actor=actor)
    services.register_candidacy(
        candidate=witness, version=ops_version, pathway=Pathway.VAE, vae_route=VaeRoute.LEAVE,
        block_codes=["B2", "B1"], cohort=witness_cohort, partner=preparing_partner,
        registered_on=date(2026, 9, 1), actor=actor,
    )  # fmt: skip
    service_events = list(AuditEvent.objects.order_by("id")[before:])

    def fields(obj, *skip):
        skip = {"id", "created_at", "updated_at", *skip}
        return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields
                if f.attname not in skip}  # fmt: skip

    imported = Candidate.objects.get(birth_name="Martin")
    # The search text derives from the names, which differ by construction.
    assert fields(imported, "birth_name", "identity_key", "search_text") == fields(
        witness, "birth_name", "identity_key", "search_text"
    )
    assert imported.search_text.startswith("martin durand camille")
    a, b = imported.candidacies.get(), witness.candidacies.get()
    assert fields(a, "candidate_id", "cohort_id") == fields(b, "candidate_id", "cohort_id")
    assert list(a.blocks.order_by("code").values_list("code", flat=True)) == ["B1", "B2"]
    assert set(a.blocks.all()) == set(b.blocks.all())

    def event(e):
        # The two people differ only by their birth name, which their display name shows.
        shown = e.object_repr.replace("MARTIN", "…").replace("TÉMOIN", "…")
        return (e.verb, e.object_type, shown, e.actor_id, e.actor_label, e.from_state,
                e.to_state, e.payload)  # fmt: skip

    assert [event(e) for e in imported_events] == [event(e) for e in service_events]
    assert [e.verb for e in service_events] == ["candidate.created", "candidacy.registered"]


# --- partner, blocks, dry run ---------------------------------------------------------------------


def test_partner_by_name_or_siret_and_blocks(tmp_path, cohort, preparing_partner):
    rows = [
        person(partenaire="insertion formation rhone", blocs="B1; b3"),
        person(nom_naissance="Bernard", partenaire="123 456 789 00011"),
        person(nom_naissance="Nguyen", blocs=""),
    ]
    report = run_import(write(tmp_path, csv_bytes(rows)), cohort)
    assert errors_of(report) == []
    first, second, third = (
        Candidacy.objects.get(candidate__birth_name=n) for n in ("Martin", "Bernard", "Nguyen")
    )
    assert first.partner == second.partner == preparing_partner
    assert third.partner is None
    assert not first.whole_title
    assert sorted(first.blocks.values_list("code", flat=True)) == ["B1", "B3"]
    assert third.whole_title
    assert sorted(third.blocks.values_list("code", flat=True)) == ["B1", "B2", "B3", "B4"]


def test_a_dry_run_writes_nothing_and_counts_what_would_be_done(tmp_path, cohort):
    path = write(tmp_path, csv_bytes(three_people()))
    events = AuditEvent.objects.count()
    report = run_import(path, cohort, dry_run=True)
    assert report.ok and not report.written
    assert report.candidacies_created == 3
    assert "Simulation" in report.summary() and "Rien n'a été enregistré" in report.summary()
    assert not Candidate.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_cohort_of_another_certifier_is_refused(tmp_path, cohort, other_certifier):
    from acquis.candidates.exceptions import CandidateError

    with pytest.raises(CandidateError, match="n'appartient pas"):
        import_candidates(
            write(tmp_path, csv_bytes([person()])), certifier=other_certifier, cohort=cohort
        )


def test_an_uploaded_file_object_is_read_from_its_start(cohort):
    upload = io.BytesIO(csv_bytes([person()]))
    upload.read(10)
    report = import_candidates(upload, filename="envoi.csv", certifier=cohort.certifier,
                               cohort=cohort)  # fmt: skip
    assert report.ok and report.filename == "envoi.csv"


# --- the command -----------------------------------------------------------------------------


def command(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("candidates", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_imports_and_says_so(tmp_path, cohort):
    path = write(tmp_path, csv_bytes(three_people()))
    out, _ = command("import", str(path), "--cohort", "Promotion 2026", "--dry-run")
    assert out.startswith("Simulation : 3 ligne(s) valide(s)")
    assert not Candidate.objects.exists()
    out, _ = command(
        "import", str(path), "--cohort", "Promotion 2026", "--certifier", "OPS Conseil"
    )
    assert "3 candidat(s) créé(s)" in out
    out, _ = command("import", str(path), "--cohort", "Promotion 2026")
    assert f"{path}:ligne 2 : déjà importé" in out
    out, _ = command("import", str(path), "--cohort", "Promotion 2026", "--format", "json")
    assert json.loads(out)["skipped_lines"] == [2, 3, 4]


def test_the_command_prints_every_error_and_fails(tmp_path, cohort):
    rows = [person(), person(nom_naissance="B", date_naissance="32/01/1990"), person(sexe="Z")]
    path = write(tmp_path, csv_bytes(rows))
    err = StringIO()
    with pytest.raises(CommandError, match="3 erreur"):
        call_command("candidates", "import", str(path), "--cohort", "Promotion 2026",
                     stdout=StringIO(), stderr=err)  # fmt: skip
    assert err.getvalue().splitlines() == [
        f"{path}:ligne 3, colonne D (date_naissance) : Date de naissance invalide "
        "(format JJ/MM/AAAA).",
        f"{path}:ligne 4, colonne A (nom_naissance) : Doublon dans le fichier : même nom de "
        "naissance, premier prénom et date de naissance qu'à la ligne 2.",
        f"{path}:ligne 4, colonne C (sexe) : Le sexe vaut M ou F (valeurs de la déclaration "
        "nationale).",
    ]
    assert not Candidate.objects.exists()


def test_the_command_json_report_keeps_errors(tmp_path, cohort):
    path = write(tmp_path, csv_bytes([person(sexe="Z")]))
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("candidates", "import", str(path), "--cohort", "Promotion 2026",
                     "--format", "json", stdout=out, stderr=StringIO())  # fmt: skip
    data = json.loads(out.getvalue())
    assert data["ok"] is False
    assert data["errors"] == [
        {"line": 2, "column": "sexe", "column_letter": "C",
         "message": "Le sexe vaut M ou F (valeurs de la déclaration nationale)."},
    ]  # fmt: skip


def test_the_command_finds_the_cohort(tmp_path, cohort, other_certifier, ops_version):
    path = write(tmp_path, csv_bytes([person()]))
    with pytest.raises(CommandError, match="Aucune promotion « Inconnue »"):
        command("import", str(path), "--cohort", "Inconnue")
    with pytest.raises(CommandError, match="Aucun certificateur « Personne »"):
        command("import", str(path), "--cohort", "Promotion 2026", "--certifier", "Personne")
    services.create_cohort(certifier=other_certifier, version=ops_version, name="Promotion 2026")
    with pytest.raises(CommandError, match="--certifier"):
        command("import", str(path), "--cohort", "Promotion 2026")
    with pytest.raises(CommandError, match="Fichier introuvable"):
        command("import", str(tmp_path / "absent.csv"), "--cohort", "Promotion 2026")


def test_the_command_refuses_a_bad_file_whole_then_imports_the_good_one(tmp_path, cohort):
    bad = write(tmp_path, csv_bytes([person(), person(nom_naissance="Bé", sexe="Q")]), "bad.csv")
    err = StringIO()
    with pytest.raises(CommandError, match="rien n'a été importé"):
        call_command("candidates", "import", str(bad), "--cohort", "Promotion 2026",
                     stdout=StringIO(), stderr=err)  # fmt: skip
    assert f"{bad}:ligne 3, colonne C (sexe) : Le sexe vaut M ou F" in err.getvalue()
    assert not Candidate.objects.exists()
    good = write(tmp_path, csv_bytes([person(), person(nom_naissance="Bé")]), "good.csv")
    out, _ = command("import", str(good), "--cohort", "Promotion 2026")
    assert "2 candidat(s) créé(s)" in out


def test_the_console_script_exits_non_zero_with_the_error(tmp_path):
    """The real `acquis` script (an error found before the database is read)."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings.test", "ACQUIS_VAR_DIR": str(tmp_path)}
    acquis = str(Path(sys.executable).parent / "acquis")
    absent = tmp_path / "absent.csv"
    proc = subprocess.run(  # noqa: S603 - our own console script
        [acquis, "candidates", "import", str(absent), "--cohort", "Promo CLI"],
        capture_output=True, text=True, env=env, cwd=REPO, check=False, timeout=120,
    )  # fmt: skip
    assert proc.returncode != 0
    assert f"Fichier introuvable : {absent}" in proc.stderr


def test_the_documentation_lists_every_column():
    doc = (REPO / "docs" / "candidates-import.md").read_text(encoding="utf-8")
    for name in COLUMN_NAMES:
        assert f"| `{name}` |" in doc, name
