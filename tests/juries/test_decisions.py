"""decisions.decide: each rule's refusal (French message), the write, the audit event."""

import pytest

from acquis.audit.models import AuditEvent
from acquis.candidates import services as candidate_services
from acquis.juries import decisions
from acquis.juries.enums import DecisionKind
from acquis.juries.exceptions import JuryError
from acquis.juries.models import BlockDecision, Decision
from tests.juries import factories as jf

pytestmark = pytest.mark.django_db

ALL = {"B1": True, "B2": True, "B3": True, "B4": True}
B3_OFF = {"B1": True, "B2": True, "B3": False, "B4": True}


def decide(deliberation, candidacy, **kw):
    kw.setdefault("actor", jf.member_users(deliberation)[0])
    return decisions.decide(deliberation, candidacy, **kw)


def refusal(deliberation, candidacy, **kw) -> JuryError:
    before = (Decision.objects.count(), AuditEvent.objects.count())
    with pytest.raises(JuryError) as caught:
        decide(deliberation, candidacy, **kw)
    # Bad input leaves nothing behind.
    assert (Decision.objects.count(), AuditEvent.objects.count()) == before
    return caught.value


@pytest.fixture
def ready(ops_version):
    """A candidacy holding everything, and one with B3 "non acquis", on an open list."""
    full = jf.ready_candidacy(ops_version)
    short = jf.ready_candidacy(ops_version, not_acquired=["C3.2.1"])
    return jf.deliberation(ops_version, [full, short]), full, short


def test_total_validation_as_proposed(ready):
    deliberation, full, _ = ready
    decision = decide(deliberation, full, blocks=ALL, kind="total")
    assert (decision.kind, decision.proposed_kind, decision.deadline) == ("total", "total", None)
    rows = BlockDecision.objects.filter(decision=decision).order_by("block__position")
    assert [(r.block.code, r.validated, r.proposed, r.held_before) for r in rows] == [
        (code, True, True, False) for code in ("B1", "B2", "B3", "B4")
    ]
    event = AuditEvent.objects.filter(verb="decision.recorded").get()
    assert event.object_id == str(decision.pk)
    assert event.to_state == "total"
    assert event.payload["blocks"]["B3"] == {
        "validated": True,
        "proposed": True,
        "held_before": False,
    }
    assert event.payload["replaces_unsigned"] is False


def test_partial_validation_needs_reason_and_further_evidence(ready):
    deliberation, _, short = ready
    error = refusal(deliberation, short, blocks=B3_OFF, kind="partial")
    assert error.problems == [
        "Compléments demandés : indiquez ce que le candidat doit encore démontrer.",
        "Motif : obligatoire pour une validation partielle.",
    ]
    decision = decide(
        deliberation,
        short,
        blocks=B3_OFF,
        kind="partial",
        reason="B3 non acquis.",
        further_evidence="Repasser l'épreuve E7.",
    )
    assert decision.deadline.year == deliberation.date.year + 5
    assert decision.further_evidence == "Repasser l'épreuve E7."


def test_total_validation_refused_without_every_block(ready):
    deliberation, _, short = ready
    error = refusal(deliberation, short, blocks=B3_OFF, kind="total", reason="Avis du jury.")
    assert error.problems == [
        "Validation totale impossible : Bloc(s) exigé(s) pour le titre non détenu(s) : "
        "B3 (non acquis)."
    ]


def test_a_departure_from_the_proposal_needs_a_reason(ready):
    deliberation, _, short = ready
    error = refusal(deliberation, short, blocks=ALL, kind="total")
    assert error.problems == [
        "Vous vous écartez de la proposition (proposé : Validation partielle ; bloc(s) B3) : "
        "motivez votre décision dans le motif."
    ]
    decision = decide(
        deliberation, short, blocks=ALL, kind="total", reason="Compétence C3.2 démontrée à l'oral."
    )
    assert (decision.kind, decision.proposed_kind) == ("total", "partial")
    b3 = decision.blocks.get(block__code="B3")
    assert (b3.validated, b3.proposed) == (True, False)


def test_refusal_rules(ready):
    deliberation, _, short = ready
    error = refusal(deliberation, short, blocks=B3_OFF, kind="refused", reason="Non.")
    assert error.problems == [
        "Refus impossible avec des blocs validés (B1, B2, B4) : ne les validez pas ou "
        "choisissez une validation partielle."
    ]
    error = refusal(deliberation, short, blocks={}, kind="refused")
    assert error.problems == ["Motif : obligatoire pour un refus."]
    decision = decide(deliberation, short, blocks={}, kind="refused", reason="Jury souverain.")
    assert decision.kind == DecisionKind.REFUSED
    assert not decision.blocks.filter(validated=True).exists()


def test_partial_refused_when_nothing_or_everything_is_held(ready):
    deliberation, full, short = ready
    error = refusal(
        deliberation, short, blocks={}, kind="partial", reason="x", further_evidence="y"
    )
    assert error.problems == [
        "Validation partielle impossible : aucun bloc n'est validé ni déjà détenu ; validez au "
        "moins un bloc ou choisissez un refus."
    ]
    error = refusal(
        deliberation, full, blocks=ALL, kind="partial", reason="x", further_evidence="y"
    )
    assert error.problems == [
        "Validation partielle impossible : tout ce que la candidature visait est accordé "
        "(blocs validés ou déjà détenus, conditions du parcours remplies) ; la décision est une "
        "validation totale."
    ]


def test_unknown_kind_and_unknown_block(ready):
    deliberation, full, _ = ready
    assert refusal(deliberation, full, blocks=ALL, kind="maybe").problems == [
        "Décision : choisissez validation totale, validation partielle ou refus."
    ]
    error = refusal(deliberation, full, blocks=ALL | {"B9": True}, kind="total")
    assert error.problems == ["Bloc(s) inconnu(s) du référentiel : B9."]


def test_a_block_not_registered_cannot_be_validated(ops_version):
    some = jf.ready_candidacy(ops_version, blocks=["B1", "B2"])
    deliberation = jf.deliberation(ops_version, [some])
    error = refusal(
        deliberation,
        some,
        blocks={"B1": True, "B2": True, "B3": True},
        kind="partial",
        reason="x",
        further_evidence="y",
    )
    assert error.problems[0] == (
        "Le candidat n'est inscrit qu'aux blocs B1, B2 : B3 ne peut pas être validé."
    )


def test_a_candidacy_for_some_blocks_that_gets_them_all_is_a_total_validation(ops_version):
    from acquis.credentials import documents
    from acquis.credentials.enums import DocumentKind
    from acquis.juries.models import HeldBlock

    some = jf.ready_candidacy(ops_version, blocks=["B1", "B2"])
    deliberation = jf.deliberation(ops_version, [some])
    # Every block of its scope granted: a partial validation is refused...
    error = refusal(
        deliberation,
        some,
        blocks={"B1": True, "B2": True},
        kind="partial",
        reason="x",
        further_evidence="y",
    )
    assert error.problems == [
        "Validation partielle impossible : tout ce que la candidature visait est accordé "
        "(blocs validés ou déjà détenus, conditions du parcours remplies) ; la décision est une "
        "validation totale."
    ]
    # ... and a total validation of B1 alone is refused: B2 is in the scope.
    error = refusal(deliberation, some, blocks={"B1": True}, kind="total", reason="x")
    assert error.problems == [
        "Validation totale impossible : Bloc(s) visé(s) par la candidature non validé(s) : "
        "B2 (acquis)."
    ]
    decision = decide(deliberation, some, blocks={"B1": True, "B2": True}, kind="total")
    assert (decision.kind, decision.proposed_kind, decision.title_awarded) == (
        "total",
        "total",
        False,
    )
    assert decision.deadline is None
    jf.sign_all(deliberation)
    assert sorted(
        HeldBlock.objects.filter(decision=decision).values_list("block_code", flat=True)
    ) == ["B1", "B2"]
    decision.refresh_from_db()
    assert documents.kind_for_decision(decision) == DocumentKind.BLOCK_ATTESTATION


def test_training_path_conditions(ops_version):
    short_days = jf.ready_candidacy(ops_version, placement_days=20)
    failed_oral = jf.ready_candidacy(ops_version, memoir_oral=False)
    no_oral = jf.ready_candidacy(ops_version, memoir_oral=None)
    deliberation = jf.deliberation(ops_version, [short_days, failed_oral, no_oral])
    expected = {
        short_days: "Période de mise en application professionnelle : 20 jours sur 29 exigés.",
        failed_oral: "Soutenance orale du mémoire : non réussie.",
        no_oral: "Soutenance orale du mémoire : pas encore passée.",
    }
    for candidacy, message in expected.items():
        error = refusal(deliberation, candidacy, blocks=ALL, kind="total", reason="x")
        assert error.problems == [f"Validation totale impossible : {message}"]


def test_free_candidates_with_no_placement_days_get_no_title(ops_version):
    # The source exempts no one from the 29 days: a free candidate without them does not
    # get the title (presented to the jury by derogation, so that the jury sees it).
    free = jf.ready_candidacy(ops_version, free=True, placement_days=0)
    deliberation = jf.deliberation(ops_version, [free])
    error = refusal(deliberation, free, blocks=ALL, kind="total", reason="x")
    assert error.problems == [
        "Validation totale impossible : Période de mise en application professionnelle : "
        "0 jours sur 29 exigés.",
        "Validation totale impossible : Attestation de la période de mise en application "
        "professionnelle : non déposée.",
    ]
    decision = decide(
        deliberation,
        free,
        blocks=ALL,
        kind="partial",
        reason="Stage non effectué.",
        further_evidence="Effectuer les 29 jours de mise en application.",
    )
    assert not decision.title_awarded


def test_only_an_open_deliberation_decides(ops_version):
    candidacy = jf.ready_candidacy(ops_version)
    prepared = jf.deliberation(ops_version, [candidacy], opened=False)
    error = refusal(prepared, candidacy, blocks=ALL, kind="total")
    assert str(error).startswith("Décision impossible : la délibération est « En préparation »")


def test_only_listed_candidacies_awaiting_the_jury(ready, ops_version):
    deliberation, full, short = ready
    stranger = jf.ready_candidacy(ops_version)
    error = refusal(deliberation, stranger, blocks=ALL, kind="total")
    assert "ne figure pas sur la liste de cette délibération" in str(error)
    candidate_services.move_candidacy(short, "withdrawn", reason="Déménagement.")
    error = refusal(deliberation, short, blocks={}, kind="refused", reason="x")
    assert "est « Désisté » (attendu : « En attente du jury »)" in str(error)


def test_a_second_decision_replaces_the_unsigned_one(ready):
    deliberation, _, short = ready
    decide(deliberation, short, blocks={}, kind="refused", reason="Premier avis.")
    decision = decide(
        deliberation, short, blocks=B3_OFF, kind="partial", reason="Revu.", further_evidence="E7"
    )
    assert Decision.objects.filter(candidacy=short).count() == 1
    assert decision.blocks.filter(validated=True).count() == 3
    assert BlockDecision.objects.filter(decision__candidacy=short).count() == 4
    events = AuditEvent.objects.filter(verb="decision.recorded").order_by("pk")
    assert [(e.from_state, e.to_state) for e in events] == [("", "refused"), ("refused", "partial")]
    assert events.last().payload["replaces_unsigned"] is True


def test_signed_decisions_never_change_through_decide(ops_version):
    candidacy = jf.ready_candidacy(ops_version)
    deliberation = jf.decided_and_signed(ops_version, [candidacy])
    decision = Decision.objects.get(candidacy=candidacy)
    assert decision.frozen
    error = refusal(deliberation, candidacy, blocks={}, kind="refused", reason="Changement.")
    assert "la délibération est « Procès-verbal signé »" in str(error)
    decision.refresh_from_db()
    assert decision.kind == DecisionKind.TOTAL


def test_a_correction_refers_to_the_signed_decision_with_its_reason(ops_version):
    candidacy = jf.ready_candidacy(ops_version, not_acquired=["C3.2.1"])
    other = jf.ready_candidacy(ops_version)
    jf.decided_and_signed(ops_version, [candidacy, other])
    old = Decision.objects.get(candidacy=candidacy)
    correction = jf.correction(old)
    assert "a déjà sa décision signée" in str(
        refusal(correction, candidacy, blocks=ALL, kind="total", reason="x")
    )
    error = refusal(correction, candidacy, blocks=ALL, kind="total", reason="x", corrects=old)
    assert error.problems == [
        "Motif de la correction : obligatoire (erreur matérielle, issue d'un recours…)."
    ]
    wrong = Decision.objects.get(candidacy=other)
    error = refusal(
        correction,
        candidacy,
        blocks=ALL,
        kind="total",
        reason="x",
        corrects=wrong,
        correction_reason="Erreur.",
    )
    assert error.problems == [
        "Correction : la décision corrigée doit être une décision signée de la même candidature."
    ]
    new = decide(
        correction,
        candidacy,
        blocks=ALL,
        kind="total",
        reason="Erreur de report : C3.2 était acquise.",
        corrects=old,
        correction_reason="Erreur matérielle dans la consolidation.",
    )
    assert (new.corrects, new.kind) == (old, DecisionKind.TOTAL)
    old.refresh_from_db()
    assert old.kind == DecisionKind.PARTIAL  # the old one stays as it was


def test_only_the_jury_or_the_certifier_staff_decide(ready, personas):
    deliberation, full, _ = ready
    members = jf.member_users(deliberation)
    absent = deliberation.members.get(user=members[2])
    absent.present = False
    absent.save()
    for outsider in (
        members[2],  # absent from the deliberation
        personas["jure"],  # a juror of the certifier, not on this jury
        personas["admin_autre_certificateur"],  # another certifier's staff
        personas["partenaire"],
    ):
        error = refusal(deliberation, full, blocks=ALL, kind="total", actor=outsider)
        assert "seuls les membres présents du jury" in str(error)
    assert decide(deliberation, full, blocks=ALL, kind="total", actor=members[0])
    assert decide(
        deliberation, full, blocks=ALL, kind="total", actor=personas["responsable_epreuves"]
    )
