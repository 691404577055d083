"""The decision letter: one per signed decision of any kind, what it says in French, signed
(pdfsig), issued with the certificate or attestation in one transaction, once, never before
the PV is signed, none for a decision superseded by a signed correction."""

import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone

from acquis.audit.models import AuditEvent
from acquis.credentials import documents, issuing, letters, typst_render
from acquis.credentials.enums import DocumentKind
from acquis.credentials.models import IssuedDocument
from acquis.dates import french_date
from acquis.juries import corrections, minutes
from acquis.juries.enums import DecisionKind
from acquis.juries.models import Deliberation
from acquis.numbering.models import CounterKind, YearlyCounter
from tests.conftest import module_world
from tests.credentials.test_documents import ALL_FAILED, B3_FAILED, text_of
from tests.credentials.test_signing import pdfsig, tampered
from tests.juries import factories as jf
from tests.juries.test_minutes import decided

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_settings")]
LETTER = DocumentKind.DECISION_LETTER


def _three_kinds(version) -> int:
    total = jf.ready_candidacy(version)
    partial = jf.ready_candidacy(version, not_acquired=B3_FAILED)
    refused = jf.ready_candidacy(version, not_acquired=ALL_FAILED)
    person = partial.candidate
    person.address, person.postal_code, person.city = "3 rue des Lilas", "69003", "Lyon"
    person.save()
    return jf.decided_and_signed(version, [total, partial, refused]).pk


signed_three_kinds = module_world(_three_kinds)  # built once for the module's tests


@pytest.fixture
def three_kinds(signed_three_kinds, ops_version):
    """A signed deliberation (total, partial with B3 missing, refusal), the partial
    candidate with a postal address."""
    deliberation = Deliberation.objects.get(pk=signed_three_kinds)
    return deliberation, {d.kind: d for d in deliberation.decisions.all()}


def stored(document) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def issued(decision, kind):
    return IssuedDocument.objects.get(decision=decision, kind=kind)


def test_each_decision_gets_its_letter_signed_and_stored(three_kinds, ops_version, tmp_path):
    deliberation, by_kind = three_kinds
    pv = minutes.current_minutes(deliberation)
    for decision in by_kind.values():
        issuing.issue_decision_documents(decision, actor=None)
    for kind, decision in by_kind.items():
        letter = issued(decision, LETTER)
        person = decision.candidacy.candidate
        assert letter.number == "" and letter.candidate == person and letter.signed
        pdf = stored(letter)
        assert hashlib.sha256(pdf).hexdigest() == letter.sha256
        assert "Signature is Valid." in pdfsig(pdf, tmp_path)
        assert "Digest Mismatch." in pdfsig(tampered(pdf), tmp_path)
        event = AuditEvent.objects.for_object(letter).get(verb="credentials.document_issued")
        assert event.payload["decision_kind"] == kind and event.payload["minutes"] == pv.number
        text = text_of(pdf)
        assert person.first_name in text and person.birth_name.upper() in text
        issued_on = french_date(timezone.localdate(letter.issued_at))
        assert f"{deliberation.place}, le {issued_on}" in text
        assert ops_version.title in text and "OPS Conseil" in text
        assert f"réuni le {french_date(deliberation.date)}" in text
        assert f"procès-verbal de délibération n° {pv.number}" in text
        assert "Claire Dumas" in text and "Directrice de la certification" in text
        assert f"https://acquis.example.fr/verifier/{letter.verification_code}/" in text
        assert decision.get_kind_display() in text


def test_what_each_letter_says(three_kinds):
    deliberation, by_kind = three_kinds
    issuing.issue_for_deliberation(deliberation, actor=None)

    total = by_kind[DecisionKind.TOTAL]
    text = text_of(stored(issued(total, LETTER)))
    certificate = issued(total, DocumentKind.CERTIFICATE)
    assert "vous a attribué la certification professionnelle (validation totale)" in text
    assert f"Votre certificat n° {certificate.number} vous est délivré" in text
    for code in ("B1", "B2", "B3", "B4"):
        assert code in text

    partial = by_kind[DecisionKind.PARTIAL]
    text = text_of(stored(issued(partial, LETTER)))
    attestation = issued(partial, DocumentKind.BLOCK_ATTESTATION)
    assert "3 rue des Lilas" in text and "69003 LYON" in text  # the postal address
    assert "Le jury a prononcé une validation partielle" in text
    assert "Il vous reste à obtenir : B3" in text
    assert partial.further_evidence in text and partial.reason in text
    deadline = french_date(partial.deadline)
    flat = " ".join(text.split())
    assert (
        f"Demandes de nouvelle validation possibles jusqu'au {deadline} (5 ans à compter "
        "de la délibération)" in flat
    )
    assert "acquis définitivement" in flat and "Valable" not in flat
    assert f"Votre attestation de blocs de compétences n° {attestation.number}" in text

    refused = by_kind[DecisionKind.REFUSED]
    text = text_of(stored(issued(refused, LETTER)))
    assert "Le jury n'a pas attribué la certification (refus de validation)" in text
    assert f"Motif du jury : {refused.reason}" in text
    assert "Votre certificat" not in text and "Votre attestation" not in text


def test_issuing_twice_issues_nothing_new(ops_version):
    deliberation, _ = decided(ops_version)
    jf.sign_all(deliberation)
    decision = deliberation.decisions.get()
    first = issuing.issue_decision_documents(decision, actor=None)
    assert [d.kind for d in first] == [LETTER]  # a refusal: the letter only
    assert issuing.issue_decision_documents(decision, actor=None) == []
    assert letters.issue_letter(decision, actor=None) is None
    assert IssuedDocument.objects.filter(kind=LETTER).count() == 1


def test_no_letter_before_the_pv_is_signed(ops_version):
    deliberation, _ = decided(ops_version)
    decision = deliberation.decisions.get()
    with pytest.raises(documents.DocumentError, match="procès-verbal signé"):
        issuing.issue_decision_documents(decision, actor=None)
    with pytest.raises(documents.DocumentError, match="procès-verbal signé"):
        letters.issue_letter(decision, actor=None)
    assert not IssuedDocument.objects.exists()


def test_the_certificate_and_its_letter_are_issued_together_or_not_at_all(three_kinds, monkeypatch):
    _, by_kind = three_kinds

    def broken(*args, **kwargs):
        raise documents.DocumentError("Lettre : rendu impossible (test).")

    monkeypatch.setattr(letters, "letter_data", broken)
    with pytest.raises(documents.DocumentError, match="rendu impossible"):
        issuing.issue_decision_documents(by_kind[DecisionKind.TOTAL], actor=None)
    assert not IssuedDocument.objects.exists()
    assert not YearlyCounter.objects.filter(
        kind=CounterKind.CERTIFICATE, last__gt=0
    ).exists()  # number given back


def test_a_corrected_decision_gets_no_new_letter_and_the_correction_says_so(ops_version):
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
    assert letters.issue_letter(decision, actor=None) is None  # superseded
    correction = new.decisions.get()
    text = text_of(stored(letters.issue_letter(correction, actor=None)))
    date = french_date(decision.deliberation.date)
    assert f"corrige la décision « Refus de validation » prise par le jury le {date}" in text
    assert REASON in text


def test_a_candidate_without_address_or_civility_is_still_addressed():
    class Person:
        sex, first_name, birth_name, usage_name = "", "Alix", "Martin", ""
        address, postal_code, city = "", "", ""

    addressee = letters.addressee_data(Person())
    assert addressee == {
        "name": "Alix MARTIN",
        "lines": [],
        "salutation": "Madame, Monsieur,",
        "salutation_close": "Madame, Monsieur",
    }


@pytest.mark.parametrize("kind", list(DecisionKind))
def test_the_sample_letters(kind):
    text = text_of(typst_render.render(LETTER, letters.sample_data(kind)))
    assert "Madame Camille EXEMPLE" in text and DecisionKind(kind).label in text
    # The default right of appeal, when the referential sets none.
    flat = " ".join(text.split())
    assert (
        "Voies de recours. Si vous souhaitez contester cette décision, vous pouvez former un "
        "recours auprès de l'organisme certificateur, OPS Conseil, par écrit" in flat
    )
    assert "dans un délai de 2 mois à compter de la réception de cette lettre." in flat


def test_every_letter_states_the_right_of_appeal_of_the_referential(three_kinds):
    deliberation, by_kind = three_kinds
    issuing.issue_for_deliberation(deliberation, actor=None)
    appeal = deliberation.version.rules["appeal"]
    for decision in by_kind.values():
        flat = " ".join(text_of(stored(issued(decision, LETTER))).split())
        assert (
            f"Voies de recours. Si vous souhaitez contester cette décision, vous pouvez former "
            f"un recours auprès de {appeal['authority']}, {appeal['how']}, dans un délai de "
            f"{appeal['delay_months']} mois à compter de la réception de cette lettre." in flat
        ), decision.kind


def test_the_holder_finds_the_letter_in_their_documents(client, ops_version, personas):
    from tests.www.test_decision_portal import portal

    deliberation, (candidacy,) = decided(ops_version)
    jf.sign_all(deliberation)
    letter = issuing.issue_decision_documents(deliberation.decisions.get(), actor=None)[0]
    portal(client, candidacy, personas["administrateur"])
    page = client.get(reverse("candidate:credentials")).content.decode()
    assert "Lettre de décision" in page
    response = client.get(reverse("candidate:issued_document", args=[letter.pk]))
    assert response.status_code == 200
    assert f'filename="lettre-de-decision-{letter.pk}.pdf"' in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    assert content == stored(letter)
    assert "Voies de recours." in text_of(content)  # what the holder reads: how to contest


def test_a_total_validation_of_some_blocks_issues_their_attestation_not_the_title(
    ops_version, settings
):
    from acquis.credentials import badges

    settings.ACQUIS_BADGE_KEY = badges.key_to_multibase(badges.generate_key())
    some = jf.ready_candidacy(ops_version, blocks=["B1"])
    deliberation = jf.decided_and_signed(ops_version, [some])
    decision = deliberation.decisions.get()
    assert (decision.kind, decision.title_awarded) == (DecisionKind.TOTAL, False)
    issuing.issue_for_deliberation(deliberation, actor=None)
    kinds = set(IssuedDocument.objects.filter(decision=decision).values_list("kind", flat=True))
    assert kinds == {DocumentKind.BLOCK_ATTESTATION, LETTER}  # no certificate
    text = " ".join(text_of(stored(issued(decision, LETTER))).split())
    assert (
        "le jury a prononcé une validation totale des blocs de compétences que vous visiez" in text
    )
    assert "acquis définitivement" in text
    assert "La certification professionnelle complète exige aussi les blocs B2, B3, B4" in text
    assert "vous a attribué la certification" not in text
    assert "Demandes de nouvelle validation" not in text  # a total validation: no deadline
    credentials = badges.issue_for_decision(decision, actor=None)
    assert [c.block.code if c.block else None for c in credentials] == ["B1"]  # no title badge
