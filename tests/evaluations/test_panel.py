"""The evaluation panel validator: every rule of the referential, and for whom it fails."""

from datetime import date

import pytest

from acquis.audit.models import AuditEvent
from acquis.evaluations import eligibility, services
from acquis.evaluations.enums import PanelRule, SessionStatus
from acquis.evaluations.exceptions import EvaluationError
from acquis.organisations.enums import Habilitation, Role
from acquis.organisations.services import grant_role
from tests import evaluation_factories as ef
from tests import factories
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
SESSION_DAY = date(2026, 12, 15)


@pytest.fixture
def session(ops_version, certifier):
    return services.plan_session(
        certifier=certifier,
        version=ops_version,
        title="Session B1",
        on=SESSION_DAY,
        place="OPS Conseil, Bron",
    )


def juror(
    certifier,
    version,
    email,
    *,
    years=5,
    proof=True,
    trained=True,
    represents=False,
    role="Conseiller emploi",
    sector="insertion",
    structure="",
):
    user = make_user(email, certifier, Role.JUROR)
    profile = services.record_juror(
        user=user,
        certifier=certifier,
        sector=sector,
        role=role,
        years_experience=years,
        represents_certifier=represents,
        structure=structure,
        proof=factories.pdf_upload() if proof else None,
    )
    if trained:
        ef.train(profile, version, on=date(2026, 11, 2))
    return profile


def rules_of(problems):
    return [(p.rule, p.juror.user.email if p.juror else None) for p in problems]


def test_a_lawful_panel_is_confirmed(session, certifier, ops_version):
    services.add_panel_member(session, juror(certifier, ops_version, "a@j.fr", represents=True))
    services.add_panel_member(session, juror(certifier, ops_version, "b@j.fr", years=3))
    services.confirm_panel(session)
    session.refresh_from_db()
    assert session.status == SessionStatus.PANEL_CONFIRMED
    event = AuditEvent.objects.filter(verb="session.confirm_panel").get()
    assert (event.from_state, event.to_state) == ("planned", "panel_confirmed")


def test_each_refusal_names_the_rule_and_the_person(session, certifier, ops_version):
    services.add_panel_member(session, juror(certifier, ops_version, "junior@j.fr", years=2))
    services.add_panel_member(session, juror(certifier, ops_version, "noproof@j.fr", proof=False))
    services.add_panel_member(
        session, juror(certifier, ops_version, "untrained@j.fr", trained=False)
    )
    with pytest.raises(EvaluationError) as exc:
        services.confirm_panel(session)
    found = {(p.rule, p.juror.user.email if p.juror else None) for p in exc.value.problems}
    assert found == {
        (PanelRule.EXPERIENCE, "junior@j.fr"),
        (PanelRule.EXPERIENCE_PROOF, "noproof@j.fr"),
        (PanelRule.TRAINING, "untrained@j.fr"),
        (PanelRule.CERTIFIER_REPRESENTATIVE, None),
        (PanelRule.PROFESSIONALS, None),
    }
    messages = " ".join(p.message for p in exc.value.problems)
    assert "2 an(s) d'expérience dans le secteur « Insertion », 3 exigé(s)" in messages
    session.refresh_from_db()
    assert session.status == SessionStatus.PLANNED


def test_training_must_come_before_the_session_date(certifier, ops_version):
    late = services.plan_session(
        certifier=certifier, version=ops_version, title="S", on=date(2026, 11, 2), remote=True
    )
    member = juror(certifier, ops_version, "a@j.fr", represents=True)  # trained on 02/11
    services.add_panel_member(late, member)
    services.add_panel_member(late, juror(certifier, ops_version, "b@j.fr", trained=False))
    services.record_training(
        late.panel.get(juror__user__email="b@j.fr").juror,
        version=ops_version,
        trained_on=date(2026, 11, 2),
        trainer=ef.trainer_of(certifier),
        attendance=factories.pdf_upload("emargement.pdf"),
    )
    with pytest.raises(EvaluationError) as exc:
        services.confirm_panel(late)
    assert rules_of(exc.value.problems) == [
        (PanelRule.TRAINING, "a@j.fr"),
        (PanelRule.TRAINING, "b@j.fr"),
        (PanelRule.PROFESSIONALS, None),
    ]
    assert (
        "la formation du 02/11/2026 ne compte pas : elle n'a pas eu lieu avant le 02/11/2026"
        in (exc.value.problems[0].message)
    )


def test_empty_panel_and_closed_role_list(session, certifier, ops_version):
    with pytest.raises(EvaluationError) as exc:
        services.confirm_panel(session)
    assert exc.value.problems[0].rule == PanelRule.NOT_EMPTY
    # The OPS list of roles is open ("..."); a closed list refuses other roles.
    panel = ops_version.rules["evaluation_panel"]
    closed = eligibility.Conditions(roles=tuple(panel["accepted_roles"]), roles_open=False)
    member = juror(certifier, ops_version, "x@j.fr", role="Comptable", represents=True)
    problems = eligibility._role_failures(member, closed)
    assert [p.rule for p in problems] == [PanelRule.ROLE]
    other = juror(certifier, ops_version, "y@j.fr", role="conseiller emploi")
    assert eligibility._role_failures(other, closed) == []


def test_a_confirmed_panel_does_not_change_until_reopened(session, certifier, ops_version):
    services.add_panel_member(session, juror(certifier, ops_version, "a@j.fr", represents=True))
    services.add_panel_member(session, juror(certifier, ops_version, "c@j.fr"))
    services.confirm_panel(session)
    other = juror(certifier, ops_version, "b@j.fr")
    with pytest.raises(EvaluationError, match="confirmée"):
        services.add_panel_member(session, other)
    services.reopen_panel(session)
    session.refresh_from_db()
    services.add_panel_member(session, other)
    with pytest.raises(EvaluationError, match="motif"):
        services.cancel_session(session, reason=" ")


def test_juror_of_another_certifier_cannot_sit(session, other_certifier, ops_version):
    stranger = juror(other_certifier, ops_version, "s@j.fr", trained=False)
    with pytest.raises(EvaluationError, match="pas membre de jury de ce certificateur"):
        services.add_panel_member(session, stranger)


def test_conflicts_of_interest(certifier, ops_version, partner):
    member = juror(certifier, ops_version, "a@j.fr")
    candidacy = factories.candidacy(ops_version)
    assert services.conflict_with(member, candidacy) is None
    services.declare_conflict(member, candidate=candidacy.candidate, kind="employer")
    assert "employeur du candidat" in services.conflict_with(member, candidacy)
    with pytest.raises(EvaluationError, match="Précisez"):
        services.declare_conflict(member, candidate=candidacy.candidate, kind="other")


def test_partner_staff_never_grade_the_candidates_they_trained(certifier, ops_version, partner):
    partner.habilitation = Habilitation.BOTH
    partner.save()
    member = juror(certifier, ops_version, "trainer@j.fr")
    grant_role(member.user, partner, Role.PARTNER_STAFF)
    trained = factories.candidacy(ops_version, partner=partner)
    assert "organisme qui a formé ce candidat" in services.conflict_with(member, trained)
    assert services.conflict_with(member, factories.candidacy(ops_version)) is None


def test_records_refuse_bad_input(certifier, ops_version):
    user = make_user("z@j.fr", certifier, Role.JUROR)
    with pytest.raises(EvaluationError, match="entre 0 et 60"):
        services.record_juror(
            user=user, certifier=certifier, sector="insertion", role="x", years_experience=99
        )
    profile = services.record_juror(
        user=user, certifier=certifier, sector="insertion", role="x", years_experience=4
    )
    with pytest.raises(EvaluationError) as exc:
        services.record_training(
            profile,
            version=ops_version,
            trained_on=date(2999, 1, 1),
            trainer=ef.trainer_of(certifier),
            attendance=factories.pdf_upload(),
        )
    assert "une formation ne se déclare qu'une fois faite" in exc.value.problems[0]
    with pytest.raises(EvaluationError, match="Lieu"):
        services.plan_session(certifier=certifier, version=ops_version, title="S", on=SESSION_DAY)


# --- the panel as the source sets it: professionals and the certifier's representative ----


def test_the_representative_alone_is_refused(session, certifier, ops_version):
    """ "un jury composé de professionnels du secteur qualifiés [...] et d'un représentant
    d'OPS Conseil": never the representative alone (min_professionals, default 1)."""
    representative = juror(certifier, ops_version, "rep@j.fr", represents=True, years=0)
    services.add_panel_member(session, representative)
    with pytest.raises(EvaluationError) as exc:
        services.confirm_panel(session)
    (problem,) = exc.value.problems
    assert problem.rule == PanelRule.PROFESSIONALS
    assert problem.message == (
        "Le jury ne compte aucun professionnel qualifié du secteur en plus du représentant du "
        "certificateur ; le référentiel en exige au moins 1."
    )
    # The representative's own conditions: none of experience in the OPS file (0 years, no
    # proof are fine); a professional who is not qualified does not count.
    services.add_panel_member(session, juror(certifier, ops_version, "new@j.fr", years=1))
    assert rules_of(services.panel_problems(session)) == [
        (PanelRule.EXPERIENCE, "new@j.fr"),
        (PanelRule.PROFESSIONALS, None),
    ]
    services.add_panel_member(session, juror(certifier, ops_version, "pro@j.fr"))
    assert rules_of(services.panel_problems(session)) == [(PanelRule.EXPERIENCE, "new@j.fr")]


def _version_with(certifier, builtin_file, tmp_path, *replacements):
    from acquis.referential.services import load_referential_file, transition_version

    text = builtin_file.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "variante.yaml"
    path.write_text(text, encoding="utf-8")
    version = load_referential_file(path, owner=certifier).version
    if version.status != "published":
        transition_version(version, "published")
    return version


def test_the_number_and_conditions_of_members_are_rule_parameters(
    certifier, builtin_file, tmp_path
):
    version = _version_with(
        certifier,
        builtin_file,
        tmp_path,
        ("min_professionals: 1 ", "min_professionals: 2 "),
        (
            "representative: {sectors: null, min_sector_experience_years: null, "
            "experience_proof_required: false,",
            "representative: {sectors: [insertion], min_sector_experience_years: 2, "
            "experience_proof_required: true,",
        ),
    )
    session = services.plan_session(
        certifier=certifier, version=version, title="S", on=SESSION_DAY, remote=True
    )
    rep = juror(certifier, version, "rep@j.fr", represents=True, years=1, proof=False)
    services.add_panel_member(session, rep)
    services.add_panel_member(session, juror(certifier, version, "pro@j.fr"))
    assert rules_of(services.panel_problems(session)) == [
        (PanelRule.EXPERIENCE, "rep@j.fr"),
        (PanelRule.EXPERIENCE_PROOF, "rep@j.fr"),
        (PanelRule.PROFESSIONALS, None),
    ]
    assert "compte 1 professionnel(s) qualifié(s)" in services.panel_problems(session)[-1].message


def test_the_professionals_sector_is_from_the_closed_list(session, certifier, ops_version):
    services.add_panel_member(session, juror(certifier, ops_version, "r@j.fr", represents=True))
    services.add_panel_member(session, juror(certifier, ops_version, "btp@j.fr", sector="btp"))
    problems = services.panel_problems(session)
    assert rules_of(problems) == [(PanelRule.SECTOR, "btp@j.fr"), (PanelRule.PROFESSIONALS, None)]
    assert problems[0].message.endswith(
        "secteur d'expérience « btp » ; le référentiel exige une expérience dans le secteur "
        "« Insertion »."
    )


def test_the_training_is_given_by_the_person_the_referential_names(
    session, certifier, ops_version, personas
):
    """ "formés en amont par la responsable de l'organisation des épreuves": a user of the
    certifier holding that role (juror_training.trainer_role), with an attendance record."""
    profile = juror(certifier, ops_version, "x@j.fr", trained=False)

    def train(trainer, attendance=True):
        with pytest.raises(EvaluationError) as exc:
            services.record_training(
                profile,
                version=ops_version,
                trained_on=date(2026, 11, 2),
                trainer=trainer,
                attendance=factories.pdf_upload() if attendance else None,
            )
        return exc.value.problems

    assert train(personas["administrateur"]) == [
        "Formé par : admin@test.fr n'a pas le rôle « responsable de l'organisation des "
        "épreuves » chez OPS Conseil ; le référentiel exige que les membres de jury soient "
        "formés par cette personne."
    ]
    assert train(profile.user) == ["Formé par : un membre de jury ne se forme pas lui-même."]
    assert train(personas["responsable_epreuves"], attendance=False) == [
        "Feuille d'émargement : joignez la feuille d'émargement (ou l'attestation de présence) "
        "de la formation."
    ]
    assert not profile.trainings.exists()
    training = services.record_training(
        profile,
        version=ops_version,
        trained_on=date(2026, 11, 2),
        trainer=personas["responsable_epreuves"],
        attendance=factories.pdf_upload("emargement.pdf"),
    )
    assert (training.trainer_role, training.attendance_record.kind) == (
        Role.EXAM_MANAGER,
        "juror_training_attendance",
    )
    event = AuditEvent.objects.filter(verb="juror.trained").get()
    assert event.payload["trainer"] == personas["responsable_epreuves"].pk
    assert len(event.payload["attendance_sha256"]) == 64


def test_a_training_recorded_as_free_text_is_kept_but_no_longer_counts(
    session, certifier, ops_version
):
    """Trainings recorded before the trainer was a user keep their text (history); they do
    not satisfy a referential that names the trainer's role."""
    from acquis.evaluations.models import JurorTraining

    services.add_panel_member(session, juror(certifier, ops_version, "r@j.fr", represents=True))
    legacy = juror(certifier, ops_version, "old@j.fr", trained=False)
    JurorTraining.objects.create(
        juror=legacy,
        version=ops_version,
        trained_on=date(2025, 1, 6),
        trained_by_text="Présidente d'OPS Conseil",
    )
    services.add_panel_member(session, legacy)
    problems = [p for p in services.panel_problems(session) if p.rule == PanelRule.TRAINING]
    assert [p.message for p in problems] == [
        "old@j.fr : la formation du 06/01/2025 ne compte pas : elle n'a pas été donnée par la "
        "personne « responsable de l'organisation des épreuves » du certificateur (formateur "
        "indiqué : Présidente d'OPS Conseil)."
    ]


def test_a_training_on_an_earlier_version_counts_only_when_the_referential_says_so(
    certifier, ops_version, builtin_file, tmp_path
):
    pro = juror(certifier, ops_version, "pro@j.fr")  # trained on version 1
    rep = juror(certifier, ops_version, "rep@j.fr", represents=True)
    strict = _version_with(
        certifier, builtin_file, tmp_path, ("La présentation est claire et précise.", "Clair.")
    )
    session = services.plan_session(
        certifier=certifier, version=strict, title="S", on=SESSION_DAY, remote=True
    )
    for member in (pro, rep):
        services.add_panel_member(session, member)
    problems = services.panel_problems(session)
    assert [p.rule for p in problems if p.juror == pro] == [PanelRule.TRAINING]
    assert "porte sur la version 1 du référentiel, et le référentiel de la version 2" in (
        problems[0].message
    )
    lenient = _version_with(
        certifier,
        builtin_file,
        tmp_path,
        ("earlier_versions_count: false", "earlier_versions_count: true"),
    )
    later = services.plan_session(
        certifier=certifier, version=lenient, title="S", on=SESSION_DAY, remote=True
    )
    for member in (pro, rep):
        services.add_panel_member(later, member)
    assert services.panel_problems(later) == []


def test_the_structure_where_the_candidate_works_is_a_conflict(certifier, ops_version):
    from acquis.candidates import services as candidate_services

    member = juror(certifier, ops_version, "m@j.fr", structure="Mission Locale de Bron")
    candidacy = factories.candidacy(ops_version)
    assert services.conflict_with(member, candidacy) is None
    candidate_services.record_placement(
        candidacy, host_structure="Mission locale de  BRON", position="Stagiaire", tutor_name="T"
    )
    assert services.conflict_with(member, candidacy) == (
        "m@j.fr travaille pour Mission locale de  BRON, la structure où le candidat exerce "
        "(structure d'accueil ou employeur)."
    )
