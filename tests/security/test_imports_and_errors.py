"""Robust imports and French errors where the review found silence or a traceback."""

import io
import re
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from acquis.candidates.imports import COLUMN_NAMES, import_candidates
from acquis.candidates.models import Cohort
from acquis.credentials import badge_check

pytestmark = pytest.mark.django_db
HEADER = [
    "nom_naissance",
    "prenom1",
    "sexe",
    "date_naissance",
    "pays_naissance",
    "voie",
    "modalite_acces",
]


@pytest.fixture
def cohort(ops_version, certifier):
    return Cohort.objects.create(certifier=certifier, version=ops_version, name="P1")


def row(n, **extra):
    values = {
        "nom_naissance": f"Durand{chr(65 + n)}",
        "prenom1": "Camille",
        "sexe": "F",
        "date_naissance": "01/02/1990",
        "pays_naissance": "Belgique",
        "voie": "formation",
        "modalite_acces": "FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION",
    } | extra
    return values


def xlsx(rows, header=None, dimension=None) -> bytes:
    header = header or list(rows[0])
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for values in rows:
        sheet.append([values.get(name, "") for name in header])
    out = io.BytesIO()
    book.save(out)
    if dimension is None:
        return out.getvalue()
    source, fixed = zipfile.ZipFile(io.BytesIO(out.getvalue())), io.BytesIO()
    with zipfile.ZipFile(fixed, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"/>', dimension.encode(), data)
            target.writestr(item, data)
    return fixed.getvalue()


def run(data, cohort, certifier, name="candidats.xlsx"):
    return import_candidates(io.BytesIO(data), filename=name, certifier=certifier, cohort=cohort)


def test_a_stale_dimension_tag_is_refused_not_silently_truncated(cohort, certifier):
    data = xlsx([row(n) for n in range(6)], dimension='<dimension ref="A1:F3"/>')
    report = run(data, cohort, certifier)
    assert not report.ok and "déclare 3 ligne(s) mais en contient 7" in report.errors[0].message
    assert cohort.candidacies.count() == 0


def test_an_unknown_block_is_reported_beside_another_error(cohort, certifier):
    header = [*HEADER, "blocs"]
    data = xlsx([row(0, sexe="X", blocs="ZZ9")], header=header)
    messages = [e.message for e in run(data, cohort, certifier).errors]
    assert any("ZZ9" in m for m in messages) and len(messages) >= 2


def test_a_formula_is_reported_as_a_formula(cohort, certifier):
    data = xlsx([row(0, date_naissance="=DATE(1990;2;1)")])
    errors = run(data, cohort, certifier).errors
    formula = [e for e in errors if e.column == "date_naissance"]
    assert formula and "formule" in formula[0].message
    assert not any("obligatoire" in e.message for e in formula)  # not read as missing


def test_a_registration_far_in_the_future_is_refused(cohort, certifier):
    far = (timezone.localdate() + timedelta(days=800)).strftime("%d/%m/%Y")
    header = [*HEADER, "date_inscription"]
    [error] = run(xlsx([row(0, date_inscription=far)], header=header), cohort, certifier).errors
    assert "trop lointaine" in error.message


def test_dotted_dates_are_accepted_in_the_import_and_in_forms(cohort, certifier):
    assert "date_naissance" in COLUMN_NAMES
    report = run(xlsx([row(0, date_naissance="01.02.1990")]), cohort, certifier)
    assert report.ok, report.errors
    from django import forms

    assert str(forms.DateField().clean("01.02.1990")) == "1990-02-01"


def test_deeply_nested_badge_json_is_a_french_error(client):
    with pytest.raises(badge_check.BadgeFileError, match="trop imbriqué"):
        badge_check.parse(b"[" * 100_000 + b"]" * 100_000)
    nested = b'{"type":["VerifiableCredential"],"a":' + b"[" * 200 + b"]" * 200 + b"}"
    response = client.post(reverse("public:badge_check"), {"content": nested.decode()})
    assert response.status_code == 400 and "trop imbriqué" in response.content.decode()


def test_credentials_issue_prints_the_french_reason(capsys):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="Délibération n° 999 introuvable"):
        call_command("credentials", "issue", "999")
