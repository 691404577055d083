"""The evaluation panel validator: every rule of the referential, and for whom it fails."""

from datetime import date

import pytest

from acquis.audit.models import AuditEvent
from acquis.evaluations import services
from acquis.evaluations.enums import PanelRule, SessionStatus
from acquis.evaluations.exceptions import EvaluationError
from acquis.organisations.enums import Habilitation, Role
from acquis.organisations.services import grant_role
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
):
    user = make_user(email, certifier, Role.JUROR)
    profile = services.record_juror(
        user=user,
        certifier=certifier,
        sector="insertion",
        role=role,
        years_experience=years,
        represents_certifier=represents,
        proof=factories.pdf_upload() if proof else None,
    )
    if trained:
        services.record_training(
            profile,
            version=version,
            trained_on=date(2026, 11, 2),
            trained_by="Présidente d'OPS Conseil",
        )
    return profile


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
    }
    messages = " ".join(p.message for p in exc.value.problems)
    assert "2 an(s) d'expérience dans insertion, 3 exigé(s)" in messages
    session.refresh_from_db()
    assert session.status == SessionStatus.PLANNED


def test_training_must_come_before_the_session_date(certifier, ops_version):
    late = services.plan_session(
        certifier=certifier, version=ops_version, title="S", on=date(2026, 11, 2), remote=True
    )
    member = juror(certifier, ops_version, "a@j.fr", represents=True)  # trained on 02/11
    services.add_panel_member(late, member)
    with pytest.raises(EvaluationError) as exc:
        services.confirm_panel(late)
    assert [p.rule for p in exc.value.problems] == [PanelRule.TRAINING]


def test_empty_panel_and_closed_role_list(session, certifier, ops_version):
    with pytest.raises(EvaluationError) as exc:
        services.confirm_panel(session)
    assert exc.value.problems[0].rule == PanelRule.NOT_EMPTY
    # The OPS list of roles is open ("..."); a closed list refuses other roles.
    rules = ops_version.rules["evaluation_panel"] | {"accepted_roles_open": False}
    member = juror(certifier, ops_version, "x@j.fr", role="Comptable", represents=True)
    problems = services._role_problems(member, rules)
    assert [p.rule for p in problems] == [PanelRule.ROLE]
    assert (
        services._role_problems(
            juror(certifier, ops_version, "y@j.fr", role="conseiller emploi"), rules
        )
        == []
    )


def test_a_confirmed_panel_does_not_change_until_reopened(session, certifier, ops_version):
    services.add_panel_member(session, juror(certifier, ops_version, "a@j.fr", represents=True))
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
    stranger = juror(other_certifier, ops_version, "s@j.fr")
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
    with pytest.raises(EvaluationError, match="une fois faite"):
        services.record_training(
            profile, version=ops_version, trained_on=date(2999, 1, 1), trained_by="x"
        )
    with pytest.raises(EvaluationError, match="Lieu"):
        services.plan_session(certifier=certifier, version=ops_version, title="S", on=SESSION_DAY)
