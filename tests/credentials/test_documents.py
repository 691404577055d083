"""Certificates and block attestations: content, PDF/A and tags, issuing rules, idempotence.

The PDFs are read back with poppler (`pdftotext`, `pdfinfo`, `pdffonts`), an independent
reader; signatures are checked in test_signing.py.
"""

import hashlib
import re
import subprocess
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from acquis.audit.models import AuditEvent
from acquis.credentials import documents, issuing, typst_render
from acquis.credentials.enums import DocumentKind
from acquis.credentials.models import IssuedDocument
from acquis.dates import french_date
from acquis.juries.enums import DecisionKind
from acquis.juries.models import Deliberation
from acquis.numbering.models import CounterKind, YearlyCounter
from tests.conftest import module_world
from tests.juries import factories as jf
from tests.pdf_readers import assert_pdfa

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_settings")]

B3_FAILED = ["C3.2.1"]
ALL_FAILED = ["C1.1.1", "C2.1.1", "C3.2.1", "C4.1.1"]


def poppler(tool: str, pdf: bytes, *args: str) -> str:
    result = subprocess.run(  # noqa: S603 - fixed poppler tools, bytes on stdin
        [tool, *args, "-", "-"] if tool == "pdftotext" else [tool, *args, "-"],
        input=pdf,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode()


def text_of(pdf: bytes) -> str:
    """The text on one line, typographic apostrophes and hyphenated line breaks undone."""
    text = poppler("pdftotext", pdf, "-raw").replace("\u2019", "'")
    return re.sub(r"\s+", " ", re.sub(r"-\n", "-", text))


def _signed_deliberation(version) -> int:
    total = jf.ready_candidacy(version)
    partial = jf.ready_candidacy(version, not_acquired=B3_FAILED)
    refused = jf.ready_candidacy(version, not_acquired=ALL_FAILED)
    return jf.decided_and_signed(version, [total, partial, refused]).pk


signed_deliberation = module_world(_signed_deliberation)  # built once for the module's tests


@pytest.fixture
def signed(signed_deliberation, ops_version):
    """A signed deliberation: total, partial (B3 not acquired), refusal."""
    deliberation = Deliberation.objects.get(pk=signed_deliberation)
    by_kind = {d.kind: d for d in deliberation.decisions.all()}
    return deliberation, by_kind


def test_certificate_carries_the_mandatory_mentions(signed, ops_version):
    deliberation, by_kind = signed
    decision = by_kind[DecisionKind.TOTAL]
    person = decision.candidacy.candidate
    pdf = documents.render_certificate(decision, number="OPS-2026-000042", code="code-test")
    text = text_of(pdf)
    assert "Certificat" in text
    assert "OPS Conseil" in text
    assert ops_version.title in text
    if ops_version.level_label:
        assert ops_version.level_label in text
    if ops_version.registry_number:
        assert f"{ops_version.registry_kind}{ops_version.registry_number}" in text
    assert person.birth_name.upper() in text and person.first_name in text
    assert french_date(person.birth_date) in text
    assert french_date(deliberation.date) in text
    assert deliberation.place in text
    assert "OPS-2026-000042" in text
    assert "Claire Dumas" in text and "Directrice de la certification" in text
    assert "https://acquis.example.fr/verifier/code-test/" in text


def _register(version, **registration):
    """The version as if its referential file gave these facts (level, number, registration)."""
    document = version.document
    document["certification"]["registration"] = registration
    type(version).objects.filter(pk=version.pk).update(
        level="NIV5", registry_kind="RNCP", registry_number="RNCP36612", document=document
    )


def test_the_registration_facts_are_printed_when_the_referential_gives_them(signed, ops_version):
    deliberation, by_kind = signed
    _register(ops_version, nsf="332t", decision_date="2022-06-29", duration_years=3)
    for render, decision in (
        (documents.render_certificate, by_kind[DecisionKind.TOTAL]),
        (documents.render_block_attestation, by_kind[DecisionKind.PARTIAL]),
    ):
        text = text_of(render(decision))
        assert "Niveau 5 du cadre national des certifications professionnelles" in text
        assert (
            "enregistrée au Répertoire national des certifications professionnelles sous le "
            "numéro RNCP36612 par décision de France Compétences du 29 juin 2022 pour une "
            "durée de 3 ans" in text
        )
        assert "code NSF 332t" in text
        assert f"Fait à {deliberation.place}, le" in text


def test_the_registration_facts_do_not_depend_on_how_the_decision_was_read(signed, ops_version):
    """The issuing path reads them with the decision (an annotation of its query); a decision
    read otherwise gets them by a query of its own, never a document without them."""
    from acquis.juries.models import Decision

    _, by_kind = signed
    _register(ops_version, nsf="332t", decision_date="2022-06-29", duration_years=3)
    plain = Decision.objects.get(pk=by_kind[DecisionKind.TOTAL].pk)
    assert not hasattr(plain, "registration")
    options = {"number": "N", "code": "c", "on": date(2026, 7, 1)}
    read = documents.document_data(documents._decision(plain), DocumentKind.CERTIFICATE, **options)
    other = documents.document_data(plain, DocumentKind.CERTIFICATE, **options)
    assert read["certification"] == other["certification"]
    assert read["certification"]["nsf"] == "332t"
    assert read["certification"]["duration"] == "3 ans"


def test_blank_registration_facts_print_nothing(signed, ops_version):
    deliberation, by_kind = signed
    _register(ops_version, nsf=None, decision_date=None, duration_years=None)
    text = text_of(documents.render_certificate(by_kind[DecisionKind.TOTAL]))
    assert "RNCP36612" in text  # the number alone
    for absent in ("France Compétences", "durée", "NSF"):
        assert absent not in text
    # Without a place the document says only the date.
    deliberation.place = ""
    deliberation.save(update_fields=["place"])
    text = text_of(documents.render_certificate(by_kind[DecisionKind.TOTAL]))
    assert "Fait le " in text and "Fait à" not in text


def test_documents_are_pdfa_tagged_with_embedded_fonts(signed):
    _, by_kind = signed
    pdf = documents.render_certificate(by_kind[DecisionKind.TOTAL])
    assert_pdfa(pdf, signed=False)  # poppler and pikepdf: tests/pdf_readers.py


def test_block_attestation_lists_the_blocks_acquired_for_good(signed):
    deliberation, by_kind = signed
    decision = by_kind[DecisionKind.PARTIAL]
    text = text_of(documents.render_block_attestation(decision))
    assert "Attestation de blocs de compétences" in text
    for row in decision.held_blocks.select_related("block"):
        assert row.block_code in text
    flat = " ".join(text.split())
    assert "Ces blocs de compétences sont acquis définitivement." in flat
    assert f"demandée jusqu'au {french_date(decision.deadline)}" in flat
    assert "Valable" not in flat
    assert "B3" not in re.sub(r"OPS-\S+", "", text)  # not acquired: not attested


def test_issuing_a_deliberation(signed):
    deliberation, by_kind = signed
    admin = jf.member_users(deliberation)[0]
    report = issuing.issue_for_deliberation(deliberation, actor=admin)
    assert report.skipped == 0  # the refusal issues its decision letter (test_letters.py)
    numbered = [d for d in report.issued if d.kind in documents.NUMBERED_KINDS]
    kinds = {doc.decision.kind: doc for doc in numbered}
    certificate = kinds[DecisionKind.TOTAL]
    attestation = kinds[DecisionKind.PARTIAL]
    assert certificate.kind == DocumentKind.CERTIFICATE
    assert attestation.kind == DocumentKind.BLOCK_ATTESTATION
    year = certificate.issued_at.year
    assert sorted(d.number for d in numbered) == [
        f"OPS-{year}-000001",
        f"OPS-{year}-000002",
    ]
    for document in numbered:
        stored = document.file.read()
        document.file.close()
        assert stored.startswith(b"%PDF-")
        assert hashlib.sha256(stored).hexdigest() == document.sha256
        assert document.signed and b"/ByteRange" in stored
        assert len(document.verification_code) >= 32
        assert document.candidate == document.decision.candidacy.candidate
        assert (
            AuditEvent.objects.for_object(document)
            .filter(verb="credentials.document_issued")
            .exists()
        )
    assert certificate.verification_code != attestation.verification_code


def test_issuing_twice_issues_nothing_new(signed):
    deliberation, _ = signed
    issuing.issue_for_deliberation(deliberation, actor=None)
    again = issuing.issue_for_deliberation(deliberation, actor=None)
    assert again.issued == [] and again.skipped == 3
    assert IssuedDocument.objects.count() == 2 + 1 + 3  # + the PV and the three letters
    assert (
        YearlyCounter.objects.filter(kind=CounterKind.CERTIFICATE).get().last == 2
    )  # no number drawn for nothing


def test_an_unsigned_decision_issues_nothing(ops_version):
    candidacy = jf.ready_candidacy(ops_version)
    deliberation = jf.deliberation(ops_version, [candidacy])
    decision = jf.decide_as_proposed(deliberation, candidacy)
    with pytest.raises(documents.DocumentError, match="procès-verbal signé"):
        documents.issue_for_decision(decision, actor=None)
    with pytest.raises(documents.DocumentError, match="procès-verbal signé"):
        issuing.issue_for_deliberation(deliberation, actor=None)
    assert not IssuedDocument.objects.exists()
    assert not YearlyCounter.objects.filter(kind=CounterKind.CERTIFICATE).exists()


def test_a_missing_key_leaves_nothing_behind(signed, settings, tmp_path):
    deliberation, by_kind = signed
    settings.ACQUIS_PDF_SIGNING_KEY = tmp_path / "absente.pem"
    with pytest.raises(documents.signing.SigningError, match="clé introuvable"):
        documents.issue_for_decision(by_kind[DecisionKind.TOTAL], actor=None)
    assert not IssuedDocument.objects.exists()
    assert (
        not YearlyCounter.objects.filter(kind=CounterKind.CERTIFICATE).filter(last__gt=0).exists()
    )  # number given back


def test_revocation_needs_a_reason(signed):
    deliberation, by_kind = signed
    document = documents.issue_for_decision(by_kind[DecisionKind.TOTAL], actor=None)
    with pytest.raises(documents.DocumentError, match="Motif de la révocation"):
        documents.revoke_document(document, reason=" ", actor=None)
    documents.revoke_document(document, reason="Erreur d'identité", actor=None)
    document.refresh_from_db()
    assert document.revoked_at is not None
    with pytest.raises(documents.DocumentError, match="déjà révoqué"):
        documents.revoke_document(document, reason="Encore", actor=None)


@pytest.mark.parametrize("kind", [DocumentKind.CERTIFICATE, DocumentKind.BLOCK_ATTESTATION])
def test_previews_render_sample_data(kind):
    text = text_of(typst_render.render(kind, documents.sample_data(kind)))
    assert "Camille EXEMPLE" in text and "OPS-0000-000000" in text


def test_french_dates():
    from datetime import date

    assert french_date(date(2026, 6, 1)) == "1er juin 2026"
    assert french_date(date(2026, 12, 25)) == "25 décembre 2026"


@pytest.mark.parametrize("suffix", [".svg", ".png"])
def test_the_logo_from_the_settings_is_drawn(settings, tmp_path, suffix):
    import segno

    logo = tmp_path / f"logo{suffix}"
    segno.make("logo").save(str(logo), scale=3)  # any small image will do
    settings.ACQUIS_CERTIFIER_LOGO = str(logo)
    settings.ACQUIS_CERTIFIER_DISPLAY_NAME = "Certificateur Exemple"
    kind = DocumentKind.CERTIFICATE
    pdf = typst_render.render(kind, documents.sample_data(kind))
    assert "Certificateur Exemple" in text_of(pdf)
    images = poppler("pdfimages", pdf, "-list") if suffix == ".png" else ""
    assert suffix == ".svg" or "image" in images


def test_issuing_reads_the_decision_and_what_it_prints_in_one_query(signed):
    """Certificates are issued by the thousand: the decision, its certifier with its
    profile, the version and the holder come with the row lock (`ISSUING_FIELDS`); a field
    missing there, or a setting read twice, adds a statement to every certificate."""
    _, by_kind = signed
    with CaptureQueriesContext(connection) as ctx:
        document = documents.issue_for_decision(by_kind[DecisionKind.TOTAL], actor=None)
    assert document is not None and document.kind == DocumentKind.CERTIFICATE
    statements = [
        q["sql"] for q in ctx.captured_queries if not re.match(r"(RELEASE )?SAVEPOINT", q["sql"])
    ]
    tables = [re.search(r'(FROM|INTO|UPDATE) "(\w+)"', sql).group(2) for sql in statements]
    assert tables.count("juries_decision") == 2  # the locked read; "superseded?"
    assert "organisations_certifierprofile" not in tables
    assert "candidates_candidate" not in tables and "referential_certificationversion" not in tables
    assert tables.count("organisations_organisation") == 1  # the installation's first certifier
    # The counter: incremented then read (and created first, the year's first draw).
    assert tables.count("numbering_yearlycounter") in (2, 4)
    assert len(statements) <= 15, tables
