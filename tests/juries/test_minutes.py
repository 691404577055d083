"""The PV: closing (every candidate decided), content and hash, the locked numbering,
reopening before any signature, signatures with the password re-entered, and what the last
signature does (decisions frozen, ledger, candidacies decided, candidates notified)."""

import hashlib
import json
from datetime import date

import pytest

from acquis.audit.models import AuditEvent
from acquis.candidates import services as candidate_services
from acquis.candidates.enums import CandidacyStatus
from acquis.juries import minutes, notifications
from acquis.juries.enums import DecisionKind, DeliberationStatus
from acquis.juries.exceptions import JuryError
from acquis.juries.models import Decision, HeldBlock, Minutes, MinutesSignature
from tests import factories
from tests.conftest import PASSWORD, make_user
from tests.juries import factories as jf

pytestmark = pytest.mark.django_db
ON = date(2026, 6, 15)


def awaiting(version, **kw):
    """A candidacy sent to the jury without results: the engine proposes a refusal."""
    candidacy = factories.candidacy(version, started=True, **kw)
    candidate_services.move_candidacy(
        candidacy, CandidacyStatus.AWAITING_JURY, override_reason=jf.DEROGATION
    )
    candidacy.refresh_from_db()
    return candidacy


def decided(version, count=1, *, on=ON):
    """An open deliberation where every candidate has a decision (refusals)."""
    candidacies = [awaiting(version) for _ in range(count)]
    deliberation = jf.deliberation(version, candidacies, on=on)
    for candidacy in candidacies:
        jf.decide_as_proposed(deliberation, candidacy)
    return deliberation, candidacies


def verbs(obj):
    return list(AuditEvent.objects.for_object(obj).order_by("pk").values_list("verb", flat=True))


# --- closing --------------------------------------------------------------------------------


def test_closing_needs_an_open_deliberation(ops_version):
    deliberation = jf.deliberation(ops_version, [awaiting(ops_version)], opened=False, on=ON)
    with pytest.raises(JuryError, match="Seule une délibération en cours peut être close"):
        minutes.close_deliberation(deliberation, actor=None)
    assert not Minutes.objects.exists()


def test_closing_names_each_candidate_without_a_decision(ops_version):
    first, second = awaiting(ops_version), awaiting(ops_version)
    deliberation = jf.deliberation(ops_version, [first, second], on=ON)
    jf.decide_as_proposed(deliberation, first)
    with pytest.raises(JuryError, match="sans décision") as refusal:
        minutes.close_deliberation(deliberation, actor=None)
    assert second.candidate.full_name in str(refusal.value)
    assert first.candidate.full_name not in str(refusal.value)
    assert refusal.value.problems == [
        f"{second.candidate.full_name} : aucune décision enregistrée."
    ]
    deliberation.refresh_from_db()
    assert deliberation.status == DeliberationStatus.OPEN
    assert not Minutes.objects.exists()


def test_closing_generates_numbered_hashed_content(ops_version):
    deliberation, (candidacy,) = decided(ops_version)
    closer = jf.member_users(deliberation)[0]
    pv = minutes.close_deliberation(deliberation, actor=closer)
    deliberation.refresh_from_db()
    assert deliberation.status == DeliberationStatus.SIGNING
    assert pv.number == "PV-OPS-2026-0001"
    canonical = json.dumps(
        pv.content, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    ).encode()
    assert pv.content_hash == hashlib.sha256(canonical).hexdigest()
    content = pv.content
    assert content["number"] == pv.number
    assert content["certifier"]["name"] == "OPS Conseil"
    assert content["deliberation"] | {"id": 0} == {
        "id": 0,
        "title": "Jury de certification",
        "date": "2026-06-15",
        "place": "OPS Conseil, Bron",
    }
    assert [m["role"] for m in content["members"]] == [
        "employer_representative",
        "employee_representative",
        "certifier_trainer",
    ]
    assert [m["external"] for m in content["members"]] == [True, True, False]
    (entry,) = content["candidates"]
    person = candidacy.candidate
    assert entry["name"] == person.full_name
    assert entry["birth_date"] == person.birth_date.isoformat()
    assert entry["pathway"] == "training"
    decision = entry["decision"]
    assert decision["kind"] == decision["proposed_kind"] == DecisionKind.REFUSED
    assert decision["reason"] == jf.REFUSAL_REASON
    assert [b["code"] for b in decision["blocks"]] == ["B1", "B2", "B3", "B4"]
    assert not any(b["validated"] for b in decision["blocks"])
    event = AuditEvent.objects.get(verb="minutes.generated")
    assert event.payload == {
        "number": pv.number,
        "content_hash": pv.content_hash,
        "not_decided": [],
    }
    assert event.actor == closer
    assert "deliberation.close" in verbs(deliberation)


def test_numbers_follow_per_certifier_and_year(ops_version):
    first, _ = decided(ops_version)
    second, _ = decided(ops_version)
    next_year, _ = decided(ops_version, on=date(2027, 1, 4))
    numbers = [minutes.close_deliberation(d, actor=None).number for d in (first, second, next_year)]
    assert numbers == ["PV-OPS-2026-0001", "PV-OPS-2026-0002", "PV-OPS-2027-0001"]


def test_a_failed_closing_gives_its_number_back(ops_version):
    first, (candidacy,) = decided(ops_version)
    undecided = jf.deliberation(ops_version, [awaiting(ops_version)], on=ON)
    with pytest.raises(JuryError):
        minutes.close_deliberation(undecided, actor=None)
    assert minutes.close_deliberation(first, actor=None).number == "PV-OPS-2026-0001"


# --- reopening ------------------------------------------------------------------------------


def test_reopening_before_any_signature_supersedes_the_minutes(ops_version):
    deliberation, (candidacy,) = decided(ops_version)
    old = minutes.close_deliberation(deliberation, actor=None)
    minutes.reopen(deliberation, actor=None)
    deliberation.refresh_from_db()
    old.refresh_from_db()
    assert deliberation.status == DeliberationStatus.OPEN
    assert old.superseded  # kept, never deleted
    assert minutes.current_minutes(deliberation) is None
    jf.decide_as_proposed(deliberation, candidacy, reason="Refus confirmé après relecture.")
    new = minutes.close_deliberation(deliberation, actor=None)
    assert new.number == "PV-OPS-2026-0002"
    assert new.content["candidates"][0]["decision"]["reason"] == "Refus confirmé après relecture."
    assert minutes.current_minutes(deliberation) == new
    with pytest.raises(JuryError, match="n'est pas à signer"):
        minutes.sign(old, jf.member_users(deliberation)[0], password=PASSWORD, actor=None)


def test_no_reopening_after_a_signature(ops_version):
    deliberation, _ = decided(ops_version)
    pv = minutes.close_deliberation(deliberation, actor=None)
    signer = jf.member_users(deliberation)[0]
    minutes.sign(pv, signer, password=PASSWORD, actor=signer)
    with pytest.raises(JuryError, match="déjà été signé"):
        minutes.reopen(deliberation, actor=None)
    deliberation.refresh_from_db()
    assert deliberation.status == DeliberationStatus.SIGNING


def test_reopening_needs_minutes_waiting_for_signatures(ops_version):
    deliberation, _ = decided(ops_version)
    with pytest.raises(JuryError, match="Seule une délibération dont le procès-verbal"):
        minutes.reopen(deliberation, actor=None)


# --- signatures -----------------------------------------------------------------------------


def test_a_wrong_password_signs_nothing_and_audits_nothing(ops_version):
    deliberation, _ = decided(ops_version)
    pv = minutes.close_deliberation(deliberation, actor=None)
    signer = jf.member_users(deliberation)[0]
    before = AuditEvent.objects.count()
    with pytest.raises(JuryError, match="Mot de passe incorrect"):
        minutes.sign(pv, signer, password="pas-le-bon", actor=signer)
    with pytest.raises(JuryError, match="Mot de passe incorrect"):
        minutes.sign(pv, signer, password="", actor=signer)
    assert not MinutesSignature.objects.exists()
    assert AuditEvent.objects.count() == before


def test_only_a_member_of_this_jury_signs(ops_version, certifier):
    deliberation, _ = decided(ops_version)
    pv = minutes.close_deliberation(deliberation, actor=None)
    other_jury, _ = decided(ops_version)
    outsider = jf.member_users(other_jury)[0]
    with pytest.raises(JuryError, match="Vous ne siégez pas dans ce jury"):
        minutes.sign(pv, outsider, password=PASSWORD, actor=outsider)
    assert not pv.signatures.exists()


def test_a_member_signs_once(ops_version):
    deliberation, _ = decided(ops_version)
    pv = minutes.close_deliberation(deliberation, actor=None)
    signer = jf.member_users(deliberation)[0]
    signature = minutes.sign(pv, signer, password=PASSWORD, actor=signer)
    assert signature.content_hash == pv.content_hash
    assert signature.member.user == signer
    with pytest.raises(JuryError, match="déjà signé"):
        minutes.sign(pv, signer, password=PASSWORD, actor=signer)
    event = AuditEvent.objects.get(verb="minutes.signed")
    assert event.payload["content_hash"] == pv.content_hash
    assert event.payload["role"] == "employer_representative"
    assert event.actor == signer


def test_altered_minutes_cannot_be_signed(ops_version):
    deliberation, _ = decided(ops_version)
    pv = minutes.close_deliberation(deliberation, actor=None)
    altered = pv.content | {"deliberation": pv.content["deliberation"] | {"place": "Ailleurs"}}
    Minutes.objects.filter(pk=pv.pk).update(content=altered)  # someone with database access
    signer = jf.member_users(deliberation)[0]
    with pytest.raises(JuryError, match="Le procès-verbal a été modifié"):
        minutes.sign(pv, signer, password=PASSWORD, actor=signer)
    assert not pv.signatures.exists()


def test_the_last_signature_freezes_records_decides_and_notifies(
    ops_version, django_capture_on_commit_callbacks, mailoutbox
):
    deliberation, (candidacy,) = decided(ops_version)
    pv = minutes.close_deliberation(deliberation, actor=None)
    first, second, third = jf.member_users(deliberation)
    with django_capture_on_commit_callbacks(execute=True):
        minutes.sign(pv, first, password=PASSWORD, actor=first)
        minutes.sign(pv, second, password=PASSWORD, actor=second)
    deliberation.refresh_from_db()
    assert deliberation.status == DeliberationStatus.SIGNING
    assert not Decision.objects.filter(frozen=True).exists()
    assert mailoutbox == []  # nothing before the PV is signed
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        minutes.sign(pv, third, password=PASSWORD, actor=third)
    # After the commit: the notifications, and the audit trail's signed checkpoint (not
    # written here: the tests have no signing key; tests/security covers it).
    assert len(callbacks) == 2
    deliberation.refresh_from_db()
    candidacy.refresh_from_db()
    decision = Decision.objects.get()
    assert deliberation.status == DeliberationStatus.SIGNED
    assert decision.frozen and decision.notified_at is not None
    assert candidacy.status == CandidacyStatus.DECIDED
    assert "candidacy.record_decision" in verbs(candidacy)
    assert verbs(decision)[-2:] == ["decision.frozen", "decision.notified"]
    (mail,) = mailoutbox
    assert mail.to == [candidacy.candidate.email]
    assert "Refus de validation" in mail.subject
    assert "La certification ne vous est pas attribuée." in mail.body
    assert jf.REFUSAL_REASON in mail.body
    assert "/mon-dossier/decisions/" in mail.body


def test_signing_a_total_validation_writes_the_ledger(
    ops_version, django_capture_on_commit_callbacks, mailoutbox
):
    candidacy = jf.ready_candidacy(ops_version)
    with django_capture_on_commit_callbacks(execute=True):
        deliberation = jf.decided_and_signed(ops_version, [candidacy], on=ON)
    decision = deliberation.decisions.get()
    assert decision.kind == DecisionKind.TOTAL
    rows = HeldBlock.objects.filter(decision=decision).order_by("block_code")
    assert [r.block_code for r in rows] == ["B1", "B2", "B3", "B4"]
    assert "Le titre vous est attribué" in mailoutbox[0].body
    assert "Voies de recours : Si vous souhaitez contester cette décision" in mailoutbox[0].body


def test_partial_validation_email_says_what_remains_and_until_when(
    ops_version, django_capture_on_commit_callbacks, mailoutbox
):
    candidacy = jf.ready_candidacy(ops_version, not_acquired=("C3.2.1",))
    with django_capture_on_commit_callbacks(execute=True):
        deliberation = jf.decided_and_signed(ops_version, [candidacy], on=date(2028, 2, 29))
    decision = deliberation.decisions.get()
    assert decision.kind == DecisionKind.PARTIAL
    assert decision.deadline == date(2033, 2, 28)
    body = mailoutbox[0].body
    assert "Une partie de la certification vous est accordée." in body
    assert "- obtenir le bloc B3" in body
    assert "- B3 — " in body and ": non validé" in body
    assert "28 février 2033" in body
    assert "Repasser les épreuves des blocs non acquis." in body


def test_notifications_wait_for_the_signature(ops_version, mailoutbox):
    deliberation, _ = decided(ops_version)
    with pytest.raises(JuryError, match="qu'une fois le procès-verbal signé"):
        notifications.notify_decisions(deliberation)
    minutes.close_deliberation(deliberation, actor=None)
    deliberation.refresh_from_db()
    with pytest.raises(JuryError, match="qu'une fois le procès-verbal signé"):
        notifications.notify_decisions(deliberation)
    assert mailoutbox == []


def test_notifying_again_sends_only_what_is_missing(
    ops_version, django_capture_on_commit_callbacks, mailoutbox, settings
):
    settings.EMAIL_BACKEND = "tests.juries.test_minutes.FailingBackend"
    deliberation, (candidacy,) = decided(ops_version)
    with django_capture_on_commit_callbacks(execute=True):
        jf.sign_all(deliberation)
    decision = deliberation.decisions.get()
    assert decision.notified_at is None  # the email failed: to be sent again
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    summary = notifications.notify_decisions(deliberation)
    assert summary.sent == [candidacy.candidate.full_name]
    assert notifications.notify_decisions(deliberation).sent == []
    assert len(mailoutbox) == 1


def test_a_candidate_without_email_is_reported(ops_version):
    deliberation, (candidacy,) = decided(ops_version)
    type(candidacy.candidate).objects.filter(pk=candidacy.candidate_id).update(email="")
    jf.sign_all(deliberation)
    summary = notifications.notify_decisions(deliberation)
    assert summary.without_email == [candidacy.candidate.full_name]
    assert deliberation.decisions.get().notified_at is None


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("serveur de courriel injoignable")


def test_signature_state_lists_every_member(ops_version):
    deliberation, _ = decided(ops_version)
    pv = minutes.close_deliberation(deliberation, actor=None)
    signer = jf.member_users(deliberation)[1]
    minutes.sign(pv, signer, password=PASSWORD, actor=signer)
    state = minutes.signatures_state(pv)
    assert [row["signature"] is not None for row in state] == [False, True, False]


def test_an_unknown_user_cannot_sign_even_with_a_password(ops_version, certifier):
    deliberation, _ = decided(ops_version)
    pv = minutes.close_deliberation(deliberation, actor=None)
    stranger = make_user("inconnu@test.fr")
    with pytest.raises(JuryError, match="ne siégez pas"):
        minutes.sign(pv, stranger, password=PASSWORD, actor=stranger)
