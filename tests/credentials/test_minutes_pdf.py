"""The PV as a signed PDF: what it says (from the frozen content and the signatures),
PDF/A + tags, the PAdES signature checked by pdfsig, issuing once, never before signing.

PDFs are read back with poppler (`pdftotext`, `pdfinfo`, `pdffonts`), an independent reader.
"""

import hashlib

import pytest

from acquis.audit.models import AuditEvent
from acquis.credentials import documents, issuing, minutes_pdf, typst_render
from acquis.credentials.enums import DocumentKind
from acquis.credentials.models import IssuedDocument
from acquis.dates import french_date, french_datetime
from acquis.juries import corrections, minutes
from acquis.juries.enums import DecisionKind, DeliberationStatus
from acquis.juries.models import Deliberation, Minutes
from tests.conftest import PASSWORD, module_world
from tests.credentials.test_documents import ALL_FAILED, B3_FAILED, text_of
from tests.credentials.test_signing import pdfsig, tampered
from tests.juries import factories as jf
from tests.juries.test_minutes import decided
from tests.pdf_readers import assert_pdfa

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_settings")]


def _three_kinds(version) -> int:
    total = jf.ready_candidacy(version)
    partial = jf.ready_candidacy(version, not_acquired=B3_FAILED)
    refused = jf.ready_candidacy(version, not_acquired=ALL_FAILED)
    return jf.decided_and_signed(version, [total, partial, refused]).pk


signed_three_kinds = module_world(_three_kinds)  # built once for the module's tests


@pytest.fixture
def three_kinds(signed_three_kinds, ops_version):
    """A signed deliberation: a total validation, a partial one (B3), a refusal."""
    return Deliberation.objects.get(pk=signed_three_kinds)


def stored(document: IssuedDocument) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def test_the_pv_says_what_the_members_signed(three_kinds, ops_version):
    deliberation = three_kinds
    pv = minutes.current_minutes(deliberation)
    text = text_of(minutes_pdf.render_minutes(pv, code="code-pv"))
    assert "Procès-verbal de délibération" in text and f"N° {pv.number}" in text
    assert "OPS Conseil" in text and ops_version.title in text
    if ops_version.level_label:
        assert ops_version.level_label in text
    if ops_version.registry_number:
        assert f"{ops_version.registry_kind}{ops_version.registry_number}" in text
    assert "Jury de certification" in text
    assert french_date(deliberation.date) in text and deliberation.place in text
    assert "3 candidats : 1 validation totale, 1 validation partielle, 1 refus" in text
    for member in deliberation.members.select_related("user"):
        assert member.user.get_full_name() in text
        assert member.get_role_display() in text
    for entry in pv.content["candidates"]:
        assert entry["name"] in text
        assert entry["decision"]["kind_label"] in text
        if entry["decision"]["reason"]:
            assert entry["decision"]["reason"] in text
    partial = next(c for c in pv.content["candidates"] if c["decision"]["kind"] == "partial")
    assert partial["decision"]["further_evidence"] in text
    deadline = french_date(partial["decision"]["deadline"])
    assert f"Demandes de nouvelle validation possibles jusqu'au {deadline}" in text
    # Every member's signature line: name, role, time; the content hash they signed.
    assert pv.content_hash in text
    for signature in pv.signatures.select_related("member__user"):
        line = french_datetime(signature.signed_at).replace("\u00a0", " ")
        assert line in text
    assert text.count("conforme") >= 3
    assert "https://acquis.example.fr/verifier/code-pv/" in text


def test_issuing_the_pv_signs_stores_and_audits_it_once(three_kinds, tmp_path):
    deliberation = three_kinds
    pv = minutes.current_minutes(deliberation)
    document = issuing.issue_minutes(deliberation, actor=None)
    assert document.kind == DocumentKind.MINUTES and document.number == pv.number
    assert document.minutes == pv and document.decision is None and document.candidate is None
    pdf = stored(document)
    assert hashlib.sha256(pdf).hexdigest() == document.sha256 and document.signed
    assert len(document.verification_code) >= 32
    event = AuditEvent.objects.for_object(document).get(verb="credentials.document_issued")
    assert event.payload["content_hash"] == pv.content_hash and event.payload["decisions"] == 3
    # PDF/A-2a, tagged, every font embedded, in French (poppler and pikepdf).
    assert_pdfa(pdf, signed=True)
    # The PAdES signature, checked by an independent reader; one byte changed breaks it.
    report = pdfsig(pdf, tmp_path)
    assert "Signature is Valid." in report and "ETSI.CAdES.detached" in report
    assert "Digest Mismatch." in pdfsig(tampered(pdf), tmp_path)
    # Idempotent: a second call (or a second batch) issues nothing.
    assert issuing.issue_minutes(deliberation, actor=None) is None
    assert IssuedDocument.objects.filter(kind=DocumentKind.MINUTES).count() == 1


def test_no_pv_before_every_member_has_signed(ops_version):
    deliberation, _ = decided(ops_version)
    with pytest.raises(documents.DocumentError, match="signé par tous les membres"):
        issuing.issue_minutes(deliberation, actor=None)  # still open
    pv = minutes.close_deliberation(deliberation, actor=None)
    first = jf.member_users(deliberation)[0]
    minutes.sign(pv, first, password=PASSWORD, actor=first)
    deliberation.refresh_from_db()
    assert deliberation.status == DeliberationStatus.SIGNING
    with pytest.raises(documents.DocumentError, match="signé par tous les membres"):
        issuing.issue_minutes(deliberation, actor=None)
    assert not IssuedDocument.objects.exists()
    assert not AuditEvent.objects.filter(verb="credentials.document_issued").exists()


def test_an_altered_pv_is_not_issued(ops_version):
    deliberation, _ = decided(ops_version)
    pv = jf.sign_all(deliberation)
    content = pv.content | {"deliberation": pv.content["deliberation"] | {"place": "Ailleurs"}}
    Minutes.objects.filter(pk=pv.pk).update(content=content)
    with pytest.raises(documents.DocumentError, match="ne correspond plus à l'empreinte"):
        issuing.issue_minutes(deliberation, actor=None)
    assert not IssuedDocument.objects.exists()


def test_a_missing_key_issues_no_pv(ops_version, settings, tmp_path):
    deliberation, _ = decided(ops_version)
    jf.sign_all(deliberation)
    settings.ACQUIS_PDF_SIGNING_KEY = tmp_path / "absente.pem"
    with pytest.raises(documents.signing.SigningError, match="clé introuvable"):
        issuing.issue_minutes(deliberation, actor=None)
    assert not IssuedDocument.objects.exists()
    assert not AuditEvent.objects.filter(verb="credentials.document_issued").exists()


def test_the_pv_of_a_correction_names_the_corrected_decision(ops_version):
    from tests.juries.test_corrections import REASON, compose_and_open, signed_refusal, start

    decision, candidacy = signed_refusal(ops_version)
    new = compose_and_open(start(decision))
    corrections.decide_correction(
        new,
        candidacy,
        correction_reason=REASON,
        blocks={},
        kind=DecisionKind.REFUSED,
        reason="Refus maintenu après examen du recours.",
        actor=jf.member_users(new)[0],
    )
    jf.sign_all(new)
    text = text_of(minutes_pdf.render_minutes(minutes.current_minutes(new)))
    assert "Cette décision corrige la décision « Refus de validation »" in text
    assert REASON in text


def test_the_sample_pv_previews_every_kind_of_decision():
    text = text_of(typst_render.render(DocumentKind.MINUTES, minutes_pdf.sample_data()))
    assert "PV-" in text and "Validation totale" in text and "Validation partielle" in text
    assert "Refus de validation" in text and "EXEMPLE Camille" in text


def test_the_summary_counts_each_kind():
    def entry(kind):
        return {"decision": {"kind": kind}}

    assert minutes_pdf.summary([entry("total")]) == "1 candidat : 1 validation totale"
    assert (
        minutes_pdf.summary([entry("partial"), entry("partial"), entry("refused")])
        == "3 candidats : 2 validations partielles, 1 refus"
    )


def test_the_pv_says_who_stood_aside_and_why(ops_version, certifier):
    """A member in conflict with a candidate does not sit for them: the signed PDF names the
    member, their role and the reason, and the candidate is left without a decision."""
    from acquis.evaluations.models import JurorProfile
    from acquis.evaluations.services import declare_conflict

    linked, other = jf.ready_candidacy(ops_version), jf.ready_candidacy(ops_version)
    deliberation = jf.deliberation(ops_version, [linked, other])
    employer = deliberation.members.select_related("user").first()
    declare_conflict(
        JurorProfile.objects.get(user=employer.user),
        candidate=linked.candidate,
        kind="employer",
    )
    jf.decide_as_proposed(deliberation, other)
    pv = jf.sign_all(deliberation)
    text = " ".join(text_of(minutes_pdf.render_minutes(pv)).split())
    name = employer.user.get_full_name()
    assert "1 candidat : 1 validation totale ; 1 sans décision de ce jury" in text
    assert "Candidats sur lesquels ce jury n'a pas statué" in text
    assert f"{name} (représentant employeurs) ne siège pas pour ce candidat" in text
    assert f"{name} a déclaré un lien avec ce candidat : employeur du candidat." in text
    assert linked.candidate.full_name in text
    assert "un suppléant (représentant employeurs)" in text
    assert "Aucune décision : le candidat sera présenté à un jury" in text
