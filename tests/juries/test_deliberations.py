"""The life of a deliberation before its minutes: preparation, jury, candidates, opening,
suspension; every change audited, every refusal in French, nothing half-written."""

from datetime import date

import pytest

from acquis.audit.models import AuditEvent
from acquis.candidates import services as candidate_services
from acquis.candidates.enums import CandidacyStatus
from acquis.candidates.models import Candidate
from acquis.juries import deliberations
from acquis.juries.enums import DeliberationStatus, JuryKind, JuryRole
from acquis.juries.exceptions import JuryError
from acquis.juries.models import Deliberation, DeliberationCandidate, JuryMember
from acquis.organisations.enums import Role
from acquis.referential.enums import VersionStatus
from acquis.referential.services import transition_version
from tests import factories
from tests.conftest import make_user
from tests.juries import factories as jf

pytestmark = pytest.mark.django_db
ON = date(2026, 6, 15)


def awaiting(version, **kw):
    """A candidacy sent to the jury (no evaluation needed to be listed)."""
    candidacy = factories.candidacy(version, started=True, **kw)
    candidate_services.move_candidacy(
        candidacy, CandidacyStatus.AWAITING_JURY, override_reason=jf.DEROGATION
    )
    candidacy.refresh_from_db()
    return candidacy


def awaiting_vae(version):
    return jf.ready_candidacy(version, vae=True, vae_oral=False)


def prepared(version, candidacies=(), **kw):
    return jf.deliberation(version, candidacies, opened=False, on=ON, **kw)


def verbs(deliberation):
    return list(
        AuditEvent.objects.for_object(deliberation).order_by("pk").values_list("verb", flat=True)
    )


# --- preparation ----------------------------------------------------------------------------


def test_prepare_creates_a_prepared_deliberation_audited(ops_version, certifier):
    manager = make_user("rp@test.fr", certifier, Role.EXAM_MANAGER)
    deliberation = deliberations.prepare(
        certifier,
        ops_version,
        kind=JuryKind.CERTIFICATION,
        title="  Jury de juin ",
        on=ON,
        place="Bron",
        actor=manager,
    )
    assert deliberation.status == DeliberationStatus.PREPARED
    assert deliberation.title == "Jury de juin"
    event = AuditEvent.objects.for_object(deliberation).get()
    assert (event.verb, event.actor, event.to_state) == (
        "deliberation.prepare",
        manager,
        "prepared",
    )


def test_prepare_refuses_each_missing_field(ops_version, certifier):
    with pytest.raises(JuryError) as refused:
        deliberations.prepare(
            certifier, ops_version, kind="autre", title=" ", on=None, place="", actor=None
        )
    assert refused.value.problems == [
        "Jury : choisissez un jury de certification ou un jury VAE.",
        "Intitulé : il est obligatoire.",
        "Lieu : il est obligatoire (il figure au procès-verbal).",
        "Date : elle est obligatoire (elle fixe la date limite d'une validation partielle).",
    ]
    assert not Deliberation.objects.exists()


def test_prepare_refuses_another_certifiers_referential(ops_version, other_certifier):
    with pytest.raises(JuryError) as refused:
        deliberations.prepare(
            other_certifier, ops_version, kind="vae", title="J", on=ON, place="Lyon", actor=None
        )
    assert refused.value.problems == ["Référentiel : il n'appartient pas à ce certificateur."]


def test_prepare_refuses_an_unpublished_referential(certifier, ops_version):
    transition_version(ops_version, VersionStatus.WITHDRAWN)
    ops_version.refresh_from_db()
    with pytest.raises(JuryError) as refused:
        deliberations.prepare(
            certifier, ops_version, kind="vae", title="J", on=ON, place="L", actor=None
        )
    assert refused.value.problems == [f"Référentiel : la version {ops_version} n'est pas publiée."]


# --- the jury -------------------------------------------------------------------------------


def test_member_needs_a_juror_account(ops_version, certifier):
    deliberation = prepared(ops_version)
    stranger = make_user("externe@exemple.fr", first_name="Ali", last_name="Sans")
    with pytest.raises(JuryError) as refused:
        deliberations.add_member(
            deliberation,
            stranger,
            role=JuryRole.EMPLOYER_REPRESENTATIVE,
            external=True,
            actor=None,
        )
    assert str(refused.value) == (
        "Ali Sans n'a pas de compte actif de membre de jury chez OPS Conseil : il ne pourrait "
        "pas signer le procès-verbal."
    )
    assert deliberation.members.count() == 3


def test_member_sits_once(ops_version):
    deliberation = prepared(ops_version)
    user = deliberation.members.first().user
    with pytest.raises(JuryError, match="siège déjà dans ce jury"):
        deliberations.add_member(
            deliberation, user, role=JuryRole.EMPLOYEE_REPRESENTATIVE, external=True, actor=None
        )


def test_unknown_role_is_refused(ops_version, certifier):
    deliberation = prepared(ops_version)
    user = make_user("x@jury.fr", certifier, Role.JUROR)
    with pytest.raises(JuryError, match="Qualité inconnue"):
        deliberations.add_member(deliberation, user, role="president", external=True, actor=None)


def test_remove_member_then_add_back(ops_version):
    deliberation = prepared(ops_version)
    member = deliberation.members.get(role=JuryRole.EMPLOYEE_REPRESENTATIVE)
    deliberations.remove_member(member, actor=None)
    assert deliberation.members.count() == 2
    deliberations.add_member(
        deliberation,
        member.user,
        role=JuryRole.EMPLOYEE_REPRESENTATIVE,
        external=True,
        organisation="CFDT",
        actor=None,
    )
    assert verbs(deliberation)[-2:] == ["deliberation.remove_member", "deliberation.add_member"]


def test_jury_is_fixed_once_open(ops_version, certifier):
    deliberation = jf.deliberation(ops_version, [awaiting(ops_version)], on=ON)
    member = deliberation.members.first()
    user = make_user("y@jury.fr", certifier, Role.JUROR)
    with pytest.raises(JuryError) as refused:
        deliberations.add_member(
            deliberation, user, role=JuryRole.CERTIFIER_TRAINER, external=False, actor=None
        )
    assert str(refused.value) == (
        "Ajout d'un membre impossible : la délibération est « En délibération »."
    )
    with pytest.raises(JuryError, match="Retrait d'un membre impossible"):
        deliberations.remove_member(member, actor=None)
    with pytest.raises(JuryError, match="Modification des présences impossible"):
        deliberations.set_presence(member, False, actor=None)
    assert JuryMember.objects.get(pk=member.pk).present is True


# --- candidates -----------------------------------------------------------------------------


def test_add_candidates_in_order_audited(ops_version):
    first, second = awaiting(ops_version), awaiting(ops_version)
    deliberation = prepared(ops_version)
    deliberations.add_candidates(deliberation, [second, first], actor=None)
    listed = list(deliberation.entries.values_list("candidacy_id", flat=True))
    assert listed == [second.pk, first.pk]
    event = AuditEvent.objects.for_object(deliberation).filter(verb="deliberation.add_candidates")
    assert event.get().payload["candidacies"] == [second.pk, first.pk]


def test_add_candidates_is_all_or_nothing_and_names_each_refusal(ops_version):
    good = awaiting(ops_version)
    not_ready = factories.candidacy(ops_version, started=True)
    vae = awaiting_vae(ops_version)
    deliberation = prepared(ops_version)
    with pytest.raises(JuryError) as refused:
        deliberations.add_candidates(deliberation, [good, not_ready, vae], actor=None)
    assert str(refused.value) == "Aucun candidat n'a été ajouté."
    assert refused.value.problems == [
        f"{not_ready.candidate.full_name} : la candidature est « En formation / en évaluation », "
        "pas « En attente du jury ».",
        f"{vae.candidate.full_name} : la voie « VAE » ne relève pas d'un jury de certification.",
    ]
    assert not deliberation.entries.exists()


def test_vae_jury_takes_only_vae_candidacies(ops_version):
    vae, training = awaiting_vae(ops_version), awaiting(ops_version)
    deliberation = prepared(ops_version, kind=JuryKind.VAE)
    deliberations.add_candidates(deliberation, [vae], actor=None)
    with pytest.raises(JuryError) as refused:
        deliberations.add_candidates(deliberation, [training], actor=None)
    assert refused.value.problems == [
        f"{training.candidate.full_name} : la voie « Formation » ne relève pas d'un jury VAE."
    ]


def test_candidacy_on_one_unsigned_deliberation_at_a_time(ops_version):
    candidacy = awaiting(ops_version)
    first = prepared(ops_version, [candidacy], title="Jury de juin")
    second = prepared(ops_version, title="Jury de juillet")
    with pytest.raises(JuryError) as refused:
        deliberations.add_candidates(second, [candidacy], actor=None)
    assert refused.value.problems == [
        f"{candidacy.candidate.full_name} : figure déjà sur la délibération « {first} »."
    ]
    assert list(deliberations.eligible_candidacies(second)) == []


def test_candidacy_of_another_certifier_is_refused(ops_version, other_certifier):
    stranger = awaiting(ops_version)
    Candidate.objects.filter(pk=stranger.candidate_id).update(certifier=other_certifier)
    stranger.refresh_from_db()
    deliberation = prepared(ops_version)
    assert stranger not in deliberations.eligible_candidacies(deliberation)
    with pytest.raises(JuryError) as refused:
        deliberations.add_candidates(deliberation, [stranger], actor=None)
    assert refused.value.problems == [
        f"{stranger.candidate.full_name} : candidature d'un autre certificateur."
    ]


def test_eligible_candidacies_by_cohort(ops_version, certifier):
    cohort = candidate_services.create_cohort(certifier=certifier, version=ops_version, name="P1")
    in_cohort, outside = awaiting(ops_version, cohort=cohort), awaiting(ops_version)
    factories.candidacy(ops_version, started=True, cohort=cohort)  # not sent to the jury
    deliberation = prepared(ops_version)
    assert list(deliberations.eligible_candidacies(deliberation, cohort)) == [in_cohort]
    assert set(deliberations.eligible_candidacies(deliberation)) == {in_cohort, outside}


def test_remove_candidate_without_decision(ops_version):
    candidacy = awaiting(ops_version)
    deliberation = prepared(ops_version, [candidacy])
    deliberations.remove_candidate(deliberation, candidacy, actor=None)
    assert not deliberation.entries.exists()
    assert verbs(deliberation)[-1] == "deliberation.remove_candidate"
    with pytest.raises(JuryError, match="ne figure pas sur cette délibération"):
        deliberations.remove_candidate(deliberation, candidacy, actor=None)


def test_candidate_with_a_decision_stays_on_the_list(ops_version):
    pytest.importorskip("acquis.juries.decisions")
    candidacy = jf.ready_candidacy(ops_version, blocks=["B3"])
    deliberation = jf.deliberation(ops_version, [candidacy], on=ON)
    jf.decide_as_proposed(deliberation, candidacy)
    with pytest.raises(JuryError) as refused:
        deliberations.remove_candidate(deliberation, candidacy, actor=None)
    assert str(refused.value) == (
        f"{candidacy.candidate.full_name} a déjà une décision dans cette délibération : la "
        "candidature reste sur la liste."
    )
    assert DeliberationCandidate.objects.filter(candidacy=candidacy).exists()


# --- opening, suspension, the state table ---------------------------------------------------


def test_open_then_suspend_then_open_again(ops_version):
    deliberation = prepared(ops_version, [awaiting(ops_version)])
    deliberations.open_deliberation(deliberation, actor=None)
    assert Deliberation.objects.get(pk=deliberation.pk).status == DeliberationStatus.OPEN
    deliberations.suspend(deliberation, actor=None, reason="Un membre doit partir.")
    assert Deliberation.objects.get(pk=deliberation.pk).status == DeliberationStatus.PREPARED
    deliberations.open_deliberation(deliberation, actor=None)
    events = list(
        AuditEvent.objects.for_object(deliberation)
        .filter(verb__in=["deliberation.open", "deliberation.suspend"])
        .order_by("pk")
    )
    assert [(e.verb, e.from_state, e.to_state) for e in events] == [
        ("deliberation.open", "prepared", "open"),
        ("deliberation.suspend", "open", "prepared"),
        ("deliberation.open", "prepared", "open"),
    ]
    assert len(events[0].payload["members"]) == 3
    assert events[1].payload == {"reason": "Un membre doit partir."}


def test_opening_refuses_a_candidate_no_longer_awaiting(ops_version):
    candidacy = awaiting(ops_version)
    deliberation = prepared(ops_version, [candidacy])
    candidate_services.move_candidacy(candidacy, "withdrawn", reason="Déménagement.")
    with pytest.raises(JuryError) as refused:
        deliberations.open_deliberation(deliberation, actor=None)
    assert refused.value.problems == [
        f"{candidacy.candidate.full_name} : la candidature est « Désisté » ; retirez-la de la "
        "liste."
    ]


def test_open_twice_and_suspend_prepared_are_refused(ops_version):
    deliberation = prepared(ops_version, [awaiting(ops_version)])
    with pytest.raises(JuryError, match="Suspension impossible"):
        deliberations.suspend(deliberation, actor=None)
    deliberations.open_deliberation(deliberation, actor=None)
    with pytest.raises(JuryError, match="Ouverture impossible : la délibération est « En "):
        deliberations.open_deliberation(deliberation, actor=None)


def test_move_follows_the_transition_table(ops_version):
    deliberation = prepared(ops_version, [awaiting(ops_version)])
    with pytest.raises(JuryError, match="Action impossible"):
        deliberations._move(deliberation, DeliberationStatus.SIGNED, actor=None)
    assert Deliberation.objects.get(pk=deliberation.pk).status == DeliberationStatus.PREPARED
    assert "deliberation.sign" not in verbs(deliberation)


def test_list_is_editable_while_open_not_after(ops_version):
    deliberation = jf.deliberation(ops_version, [awaiting(ops_version)], on=ON)
    late = awaiting(ops_version)
    deliberations.add_candidates(deliberation, [late], actor=None)
    Deliberation.objects.filter(pk=deliberation.pk).update(status=DeliberationStatus.SIGNING)
    with pytest.raises(JuryError, match="Retrait d'un candidat impossible"):
        deliberations.remove_candidate(deliberation, late, actor=None)


def test_for_member(ops_version):
    deliberation = prepared(ops_version)
    user = deliberation.members.first().user
    prepared(ops_version)  # another jury
    assert list(deliberations.for_member(user)) == [deliberation]
