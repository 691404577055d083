"""Revocation of documents and badges (one by one, or all of a corrected decision), the
reissue of a certificate whose holder data changed, and the reissue of what was issued
when blocks carried a validity date (`acquis credentials reissue`)."""

import subprocess
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from acquis.audit.models import AuditEvent
from acquis.credentials import (
    badges,
    documents,
    issuing,
    letters,
    revocation,
    status_list,
    verification,
)
from acquis.credentials.enums import DocumentKind
from acquis.credentials.models import IssuedCredential, IssuedDocument
from acquis.juries import corrections
from acquis.juries.enums import DecisionKind
from tests.juries import factories as jf

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_settings")]
B3_FAILED = ["C3.2.1"]
REASON = "Erreur matérielle : le bloc B3 était acquis (grille mal reportée)."


@pytest.fixture(autouse=True)
def badge_key(settings):
    settings.ACQUIS_BADGE_KEY = badges.key_to_multibase(badges.generate_key())


@pytest.fixture
def partial(ops_version):
    """A signed partial validation (B3 not acquired) with its attestation and badges."""
    candidacy = jf.ready_candidacy(ops_version, not_acquired=B3_FAILED)
    deliberation = jf.decided_and_signed(ops_version, [candidacy], on=date(2026, 6, 1))
    decision = deliberation.decisions.get()
    assert decision.kind == DecisionKind.PARTIAL
    document = documents.issue_for_decision(decision, actor=None)
    credentials = badges.issue_for_decision(decision, actor=None)
    return decision, document, credentials


def _pdf_text(document: IssuedDocument) -> str:
    with document.file.open("rb") as handle:
        pdf = handle.read()
    return subprocess.run(
        ["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def test_a_revocation_needs_a_reason_and_happens_once(partial):
    _, document, _ = partial
    with pytest.raises(revocation.RevocationError, match="Motif de la révocation"):
        revocation.revoke_document(document, reason="  ", actor=None)
    document.refresh_from_db()
    assert document.revoked_at is None
    revocation.revoke_document(document, reason="Délivré par erreur.", actor=None)
    document.refresh_from_db()
    assert document.revoked_at is not None
    assert document.revocation_reason == "Délivré par erreur."
    assert verification.find(document.verification_code).revoked_at is not None
    with pytest.raises(revocation.RevocationError, match="déjà révoqué"):
        revocation.revoke_document(document, reason="Encore.", actor=None)
    assert document.file.storage.exists(document.file.name)  # never deleted


def test_a_revoked_badge_is_set_in_the_published_status_list(partial):
    _, _, credentials = partial
    first, other = credentials[0], credentials[1]
    with pytest.raises(revocation.RevocationError, match="Motif de la révocation"):
        revocation.revoke_badge(first, reason="", actor=None)
    assert status_list.is_revoked(first.document) is False
    revocation.revoke_badge(first, reason="Délivré par erreur.", actor=None)
    assert status_list.is_revoked(first.document) is True
    assert status_list.is_revoked(other.document) is False
    with pytest.raises(revocation.RevocationError, match="déjà révoqué"):
        revocation.revoke_badge(first, reason="Encore.", actor=None)


def test_a_signed_correction_revokes_what_the_corrected_decision_issued(partial):
    decision, document, credentials = partial
    candidacy = decision.candidacy
    new = jf.correction(decision)
    correction = corrections.decide_correction(
        new,
        candidacy,
        correction_reason=REASON,
        blocks={"B1": True, "B2": True, "B3": True, "B4": True},
        kind=DecisionKind.TOTAL,
        reason="Tous les blocs sont acquis après rectification.",
        actor=jf.member_users(new)[0],
    )
    document.refresh_from_db()
    assert document.revoked_at is None  # nothing happens before the PV is signed
    pv = jf.sign_all(new)
    document.refresh_from_db()
    assert document.revoked_at is not None
    assert "Décision corrigée par la délibération « Jury de correction »" in (
        document.revocation_reason
    )
    assert pv.number in document.revocation_reason
    assert all(c.revoked_at is not None for c in IssuedCredential.objects.filter(decision=decision))
    assert all(status_list.is_revoked(c.document) for c in credentials)
    verbs = AuditEvent.objects.filter(verb__in=["credentials.document_revoked", "badges.revoked"])
    assert verbs.count() == 1 + len(credentials)
    # The correction issues its own certificate, the corrected decision nothing more.
    certificate = documents.issue_for_decision(correction, actor=None)
    assert certificate.kind == DocumentKind.CERTIFICATE
    assert documents.issue_for_decision(decision, actor=None) is None


def test_a_correction_signed_with_nothing_issued_revokes_nothing(ops_version):
    candidacy = jf.ready_candidacy(ops_version, not_acquired=B3_FAILED)
    decision = jf.decided_and_signed(ops_version, [candidacy]).decisions.get()
    new = jf.correction(decision)
    corrections.decide_correction(
        new,
        candidacy,
        correction_reason=REASON,
        blocks={"B1": True, "B2": True, "B3": True, "B4": True},
        kind=DecisionKind.TOTAL,
        reason="Tous les blocs sont acquis après rectification.",
        actor=None,
    )
    jf.sign_all(new)
    assert not AuditEvent.objects.filter(verb="credentials.document_revoked").exists()


def test_reissue_after_a_civil_status_correction(partial):
    decision, document, _ = partial
    person = decision.candidacy.candidate
    person.birth_name = "Rectifié"
    person.save()
    with pytest.raises(revocation.RevocationError, match="Motif de la révocation"):
        revocation.reissue_document(document, reason="", actor=None)
    replacement = revocation.reissue_document(
        document, reason="Nom de naissance rectifié (acte d'état civil).", actor=None
    )
    document.refresh_from_db()
    assert document.revoked_at is not None
    assert replacement.kind == document.kind and replacement.decision == decision
    assert replacement.number != document.number
    assert "RECTIFIÉ" in _pdf_text(replacement)
    event = AuditEvent.objects.for_object(replacement).get(verb="credentials.document_reissued")
    assert event.payload["replaces"] == document.number
    with pytest.raises(revocation.RevocationError, match="déjà révoqué"):
        revocation.reissue_document(document, reason="Encore.", actor=None)
    live = IssuedDocument.objects.filter(decision=decision, kind=document.kind, revoked_at=None)
    assert list(live) == [replacement]


def test_no_reissue_for_a_corrected_decision(partial):
    decision, document, _ = partial
    new = jf.correction(decision)
    corrections.decide_correction(
        new,
        decision.candidacy,
        correction_reason=REASON,
        blocks={"B1": True, "B2": True, "B3": False, "B4": True},
        kind=DecisionKind.PARTIAL,
        reason="Rectification du motif.",
        further_evidence="Repasser l'épreuve du bloc B3.",
        actor=None,
    )
    jf.sign_all(new)
    document.refresh_from_db()
    with pytest.raises(revocation.RevocationError, match="déjà révoqué"):
        revocation.reissue_document(document, reason="Nom rectifié.", actor=None)
    # Even a live document of a corrected decision (issued before the hook existed)
    # cannot be reissued.
    IssuedDocument.objects.filter(pk=document.pk).update(revoked_at=None)
    document.refresh_from_db()
    with pytest.raises(revocation.RevocationError, match="a été corrigée"):
        revocation.reissue_document(document, reason="Nom rectifié.", actor=None)


def test_a_corrected_decision_issues_nothing_afterwards(ops_version):
    candidacy = jf.ready_candidacy(ops_version, not_acquired=B3_FAILED)
    decision = jf.decided_and_signed(ops_version, [candidacy]).decisions.get()
    new = jf.correction(decision)
    correction = corrections.decide_correction(
        new,
        candidacy,
        correction_reason=REASON,
        blocks={"B1": True, "B2": True, "B3": True, "B4": True},
        kind=DecisionKind.TOTAL,
        reason="Tous les blocs sont acquis après rectification.",
        actor=None,
    )
    jf.sign_all(new)
    assert documents.issue_for_decision(decision, actor=None) is None
    assert badges.issue_for_decision(decision, actor=None) == []
    assert issuing.issue_decision_documents(decision, actor=None) == []
    assert not IssuedDocument.objects.filter(decision=decision).exists()
    assert documents.issue_for_decision(correction, actor=None).kind == DocumentKind.CERTIFICATE


def _make_old_wording(decision, credentials):
    """What was issued before blocks were acquired for good: wording 1 for the documents,
    a signed `validUntil` (the old block expiry) in the badges."""
    IssuedDocument.objects.filter(decision=decision).update(wording=1)
    key = badges.signing_key()
    for credential in credentials:
        document = dict(credential.document)
        document.pop("proof")
        document["validUntil"] = f"{decision.deadline.isoformat()}T23:59:59+02:00"
        IssuedCredential.objects.filter(pk=credential.pk).update(
            document=badges.sign(document, key)
        )


def test_the_reissue_command_replaces_the_old_wording_once(partial):
    decision, attestation, credentials = partial
    letter = letters.issue_letter(decision, actor=None)
    _make_old_wording(decision, credentials)
    reason = "Les blocs validés sont acquis définitivement (libellé rectifié)."
    out = StringIO()
    call_command("credentials", "reissue", "--reason", reason, "--dry-run", stdout=out)
    assert "2 document(s) serai(en)t remplacé(s)" in out.getvalue()
    assert "3 badge(s) serai(en)t remplacé(s)" in out.getvalue()
    assert not IssuedDocument.objects.filter(revoked_at__isnull=False).exists()

    out = StringIO()
    call_command("credentials", "reissue", "--reason", reason, stdout=out)
    assert "2 document(s) remplacé(s)" in out.getvalue()
    assert "3 badge(s) remplacé(s)" in out.getvalue()
    for old in (attestation, letter):
        old.refresh_from_db()
        assert old.revoked_at is not None and old.revocation_reason == reason
    live = IssuedDocument.objects.filter(decision=decision, revoked_at=None)
    assert sorted(live.values_list("kind", "wording")) == [
        (DocumentKind.BLOCK_ATTESTATION, 2),
        (DocumentKind.DECISION_LETTER, 2),
    ]
    new_attestation = live.get(kind=DocumentKind.BLOCK_ATTESTATION)
    text = " ".join(_pdf_text(new_attestation).split())
    assert "acquis définitivement" in text and "Valable" not in text
    new_letter = " ".join(_pdf_text(live.get(kind=DocumentKind.DECISION_LETTER)).split())
    assert "acquis définitivement" in new_letter and "Valable jusqu" not in new_letter
    live_badges = IssuedCredential.objects.filter(decision=decision, revoked_at=None)
    assert live_badges.count() == 3
    assert all("validUntil" not in c.document for c in live_badges)
    assert all(badges.verify(c.document).ok for c in live_badges)
    assert IssuedCredential.objects.filter(decision=decision, revoked_at__isnull=False).count() == 3
    events = AuditEvent.objects.filter(
        verb__in=["credentials.document_reissued", "badges.reissued"]
    )
    assert events.count() == 5
    assert {e.payload["reason"] for e in events} == {reason}
    # Run again: nothing of the old wording is left.
    out = StringIO()
    call_command("credentials", "reissue", "--reason", reason, stdout=out)
    assert "0 document(s) remplacé(s)" in out.getvalue()
    assert "0 badge(s) remplacé(s)" in out.getvalue()


def test_the_reissue_command_needs_a_reason(partial):
    with pytest.raises(CommandError, match="Motif de la révocation"):
        call_command("credentials", "reissue", "--reason", "  ")


def test_a_replaced_document_names_its_replacement_and_why_and_the_letter_follows(partial):
    """The old document's public page gives the nature of the revocation (not the free-text
    reason) and the replacing document; the letter, which cites the number, is issued again
    citing the new one; the holder's name stays as the old document printed it."""
    decision, document, _ = partial
    letter = letters.issue_letter(decision, actor=None)
    assert document.number in " ".join(_pdf_text(letter).split())
    person = decision.candidacy.candidate
    printed = verification.verify(document).holder
    person.first_name, person.birth_name, person.usage_name = "Zoé", "Rectifié", ""
    person.save()
    replacement = revocation.reissue_document(
        document, reason="Nom de naissance rectifié (acte d'état civil).", actor=None
    )
    old = verification.verify(IssuedDocument.objects.get(pk=document.pk))
    assert not old.valid
    assert old.revocation_label == "Rectification de l'état civil du titulaire"
    assert old.replaced_by == f"Attestation de blocs de compétences n° {replacement.number}"
    assert old.holder == printed != "Z** R*******"
    assert verification.verify(replacement).holder == "Z** R*******"

    letter.refresh_from_db()
    assert letter.revoked_at is not None
    assert letter.revocation_category == "cited_replaced"
    new_letter = IssuedDocument.objects.get(
        decision=decision, kind=DocumentKind.DECISION_LETTER, revoked_at=None
    )
    assert letter.replaced_by == new_letter
    text = " ".join(_pdf_text(new_letter).split())
    assert replacement.number in text and document.number not in text
    assert verification.verify(letter).replaced_by.startswith("Lettre de décision du ")


def test_a_revocation_by_a_correction_is_said_so(partial):
    decision, document, _ = partial
    revocation.revoke_decision(
        decision, reason="Décision corrigée par la délibération X.", actor=None
    )
    document.refresh_from_db()
    result = verification.verify(document)
    assert result.revocation_label == "Décision du jury corrigée" and result.replaced_by == ""


# --- duplicata ---------------------------------------------------------------------------------

LOST = "Original perdu lors d'un déménagement (demande du titulaire)."


def test_a_duplicata_repeats_the_number_and_date_and_leaves_the_original_in_force(partial):
    decision, document, _ = partial
    with pytest.raises(revocation.RevocationError, match="Motif du duplicata"):
        revocation.issue_duplicate(document, reason="  ", actor=None)
    duplicate = revocation.issue_duplicate(document, reason=LOST, actor=None)
    document.refresh_from_db()
    assert document.revoked_at is None and document.replaced_by is None
    assert duplicate.pk != document.pk and duplicate.duplicate_of == document
    assert (duplicate.number, duplicate.kind, duplicate.decision) == (
        document.number,
        document.kind,
        decision,
    )
    assert duplicate.verification_code != document.verification_code
    assert duplicate.holder_masked == document.holder_masked
    text = " ".join(_pdf_text(duplicate).split())
    assert "DUPLICATA" in text
    assert f"N° {document.number}" in text
    assert "DUPLICATA" not in _pdf_text(document)
    issued_on = documents.french_date(documents.timezone.localdate(document.issued_at))
    assert f"le {issued_on}." in text  # "Fait à …, le <original issue date>."
    event = AuditEvent.objects.for_object(duplicate).get(verb="credentials.duplicate_issued")
    assert event.payload["original"] == document.pk and event.payload["reason"] == LOST
    assert event.payload["number"] == document.number
    # The public page of the duplicata says what it copies; the original's is unchanged.
    result = verification.verify(verification.find(duplicate.verification_code))
    assert result.valid and result.number == document.number
    assert result.duplicate_of == f"Attestation de blocs de compétences n° {document.number}"
    assert result.issued_at == document.issued_at
    assert verification.verify(document).duplicate_of == ""
    # A second duplicata, even asked from the first, copies the original.
    second = revocation.issue_duplicate(duplicate, reason=LOST, actor=None)
    assert second.duplicate_of == document and second.number == document.number
    # Nothing else sees the copies as documents of their own.
    assert documents.issue_for_decision(decision, actor=None) is None
    letter = letters.issue_letter(decision, actor=None)
    assert " ".join(_pdf_text(letter).split()).count(document.number) == 1


def test_a_duplicata_falls_with_its_original(partial):
    decision, document, _ = partial
    duplicate = revocation.issue_duplicate(document, reason=LOST, actor=None)
    replacement = revocation.reissue_document(document, reason="Nom rectifié.", actor=None)
    duplicate.refresh_from_db()
    assert duplicate.revoked_at is not None
    with pytest.raises(revocation.RevocationError, match="est révoqué"):
        revocation.issue_duplicate(document, reason=LOST, actor=None)
    # A correction revokes the replacement and its duplicata, each once.
    copy = revocation.issue_duplicate(replacement, reason=LOST, actor=None)
    report = revocation.revoke_decision(decision, reason=REASON, actor=None)
    copy.refresh_from_db()
    assert copy.revoked_at is not None
    assert report.documents == [replacement]


def test_no_duplicata_of_a_letter_or_of_a_corrected_decision(partial):
    decision, document, _ = partial
    letter = letters.issue_letter(decision, actor=None)
    with pytest.raises(revocation.RevocationError, match="Seuls un certificat"):
        revocation.issue_duplicate(letter, reason=LOST, actor=None)
    new = jf.correction(decision)
    corrections.decide_correction(
        new,
        decision.candidacy,
        correction_reason=REASON,
        blocks={"B1": True, "B2": True, "B3": False, "B4": True},
        kind=DecisionKind.PARTIAL,
        reason="Rectification du motif.",
        further_evidence="Repasser l'épreuve du bloc B3.",
        actor=None,
    )
    jf.sign_all(new)
    IssuedDocument.objects.filter(pk=document.pk).update(revoked_at=None)
    with pytest.raises(revocation.RevocationError, match="a été corrigée"):
        revocation.issue_duplicate(document, reason=LOST, actor=None)
    assert not AuditEvent.objects.filter(verb="credentials.duplicate_issued").exists()
