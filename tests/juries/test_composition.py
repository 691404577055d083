"""The jury's composition (referential: 3 members, two external representatives and a trainer
of the certifier) and the quorum: each rule refused with a French message naming the role or
the person, through composition.problems and open_deliberation."""

import copy
from datetime import date

import pytest

from acquis.evaluations import services as evaluation_services
from acquis.juries import composition, deliberations
from acquis.juries.composition import CompositionRule
from acquis.juries.enums import JuryKind, JuryRole
from acquis.juries.exceptions import JuryError
from acquis.organisations.enums import Role
from acquis.organisations.services import grant_role
from acquis.referential.models import CertificationVersion
from tests.conftest import make_user
from tests.juries import factories as jf

pytestmark = pytest.mark.django_db


def prepared(version, members=None, kind=JuryKind.CERTIFICATION):
    return jf.deliberation(version, members=members, opened=False, kind=kind)


def seats(certifier):
    """The lawful seats, with readable names."""
    users = jf.jury_users(certifier)
    names = [("Jean", "Dupont"), ("Marie", "Roux"), ("Luc", "Martin")]
    for (user, *_), (first, last) in zip(users, names, strict=True):
        user.first_name, user.last_name = first, last
        user.save(update_fields=["first_name", "last_name"])
    return users


def messages(deliberation):
    return [p.message for p in composition.problems(deliberation)]


def rules_of(deliberation):
    return {p.rule for p in composition.problems(deliberation)}


def test_lawful_jury_all_present_has_no_problem(ops_version, certifier):
    deliberation = prepared(ops_version, seats(certifier))
    assert composition.problems(deliberation) == []


def test_vae_jury_reads_its_own_rule(ops_version, certifier):
    deliberation = prepared(ops_version, seats(certifier), kind=JuryKind.VAE)
    assert composition.problems(deliberation) == []


def test_missing_role_is_named(ops_version, certifier):
    employer, _employee, trainer = seats(certifier)
    deliberation = prepared(ops_version, [employer, trainer])
    assert messages(deliberation) == ["Représentant salariés : aucun membre."]


def test_role_twice_is_refused(ops_version, certifier):
    employer, employee, trainer = seats(certifier)
    user = make_user("second@jury.fr", certifier, Role.JUROR, first_name="Paul", last_name="Bis")
    jf.professional(user, certifier)
    extra = (user, JuryRole.EMPLOYER_REPRESENTATIVE, True, "Medef")
    deliberation = prepared(ops_version, [employer, extra, employee, trainer])
    assert messages(deliberation) == [
        "Représentant employeurs : 2 membres, 1 attendu(s) ; retirez-en 1."
    ]


def test_representative_must_be_external(ops_version, certifier):
    (user, role, _, org), employee, trainer = seats(certifier)
    deliberation = prepared(ops_version, [(user, role, False, org), employee, trainer])
    assert messages(deliberation) == [
        "Jean Dupont (représentant employeurs) doit être extérieur au certificateur."
    ]
    assert rules_of(deliberation) == {CompositionRule.EXTERNAL}


def test_trainer_must_belong_to_the_certifier(ops_version, certifier):
    employer, employee, (user, role, _, _) = seats(certifier)
    jf.professional(user, certifier)  # qualified, but the trainer's seat is the certifier's
    deliberation = prepared(ops_version, [employer, employee, (user, role, True, "Ailleurs")])
    assert messages(deliberation) == [
        "Luc Martin (formateur de l'organisme certificateur) doit appartenir à l'organisme "
        "certificateur."
    ]


def test_declared_external_but_staff_of_the_certifier(ops_version, certifier):
    employer, employee, trainer = seats(certifier)
    grant_role(employer[0], certifier, Role.EXAM_MANAGER)
    deliberation = prepared(ops_version, [employer, employee, trainer])
    (message,) = messages(deliberation)
    assert message.startswith("Jean Dupont (représentant employeurs) est déclaré extérieur, mais")
    assert "responsable de l'organisation des épreuves" in message


def test_declared_external_but_represents_the_certifier(ops_version, certifier):
    employer, employee, trainer = seats(certifier)
    evaluation_services.record_juror(
        user=employee[0],
        certifier=certifier,
        sector="insertion",
        role="Formatrice",
        years_experience=8,
        represents_certifier=True,
    )
    deliberation = prepared(ops_version, [employer, employee, trainer])
    assert messages(deliberation) == [
        "Marie Roux (représentant salariés) est déclaré extérieur, mais sa fiche de membre de "
        "jury indique qu'il représente le certificateur : il n'est pas extérieur au "
        "certificateur."
    ]


def test_member_without_juror_role_cannot_sign(ops_version, certifier):
    employer, employee, trainer = seats(certifier)
    deliberation = prepared(ops_version, [employer, employee, trainer])
    employer[0].memberships.filter(role=Role.JUROR).delete()
    (problem,) = composition.problems(deliberation)
    assert problem.rule == CompositionRule.JUROR_ROLE
    assert problem.message == (
        "Jean Dupont (représentant employeurs) n'a pas de compte actif de membre de jury chez "
        "OPS Conseil : il ne pourrait pas signer le procès-verbal."
    )
    assert problem.rule_label == "Compte de membre de jury chez le certificateur"


def test_quorum_names_the_absent_member(ops_version, certifier):
    employer, employee, trainer = seats(certifier)
    deliberation = prepared(ops_version, [employer, employee, trainer])
    member = deliberation.members.get(user=employee[0])
    deliberations.set_presence(member, False, actor=None)
    assert messages(deliberation) == ["Quorum : Marie Roux est absent(e)."]


def test_size_differs_from_the_referential(ops_version, certifier):
    """A referential of 4 seats whose roles are filled by 3 members: the size rule speaks."""
    deliberation = prepared(ops_version, seats(certifier))
    rules = copy.deepcopy(ops_version.rules)
    rules["certification_jury"]["size"] = 4
    CertificationVersion.objects.filter(pk=ops_version.pk).update(rules=rules)
    deliberation.refresh_from_db()
    assert messages(deliberation) == ["Le jury compte 3 membre(s) ; le référentiel en fixe 4."]


def test_referential_without_composition(ops_version, certifier):
    deliberation = prepared(ops_version, seats(certifier))
    rules = {k: v for k, v in ops_version.rules.items() if k != "certification_jury"}
    CertificationVersion.objects.filter(pk=ops_version.pk).update(rules=rules)
    deliberation.refresh_from_db()
    (message,) = messages(deliberation)
    assert "ne fixe pas la composition du jury de certification" in message


def test_empty_jury_lists_every_missing_role(ops_version, certifier):
    deliberation = deliberations.prepare(
        certifier,
        ops_version,
        kind="certification",
        title="J",
        on=date(2026, 6, 1),
        place="Bron",
        actor=None,
    )
    assert messages(deliberation) == [
        "Représentant employeurs : aucun membre.",
        "Représentant salariés : aucun membre.",
        "Formateur de l'organisme certificateur : aucun membre.",
    ]


def test_opening_is_refused_with_every_problem(ops_version, certifier):
    employer, employee, trainer = seats(certifier)
    user, role, _, org = employer
    deliberation = prepared(ops_version, [(user, role, False, org), trainer])
    deliberations.set_presence(deliberation.members.get(user=trainer[0]), False, actor=None)
    with pytest.raises(JuryError) as refused:
        deliberations.open_deliberation(deliberation, actor=None)
    assert str(refused.value) == "La délibération ne peut pas s'ouvrir."
    assert refused.value.problems == [
        "Représentant salariés : aucun membre.",
        "Jean Dupont (représentant employeurs) doit être extérieur au certificateur.",
        "Quorum : Luc Martin est absent(e).",
        "Candidats : la liste est vide.",
    ]
    deliberation.refresh_from_db()
    assert deliberation.status == "prepared"
