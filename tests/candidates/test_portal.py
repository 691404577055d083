"""Opening a candidate's portal: invitation with the candidate role, link to the dossier."""

import pytest
from django.core import mail
from django.urls import reverse

from acquis.audit.models import AuditEvent
from acquis.candidates.exceptions import CandidateError
from acquis.candidates.models import Candidate
from acquis.candidates.portal import give_portal_access
from acquis.organisations.enums import Role
from acquis.organisations.invitations import (
    accept_invitation,
    decide_offer,
    is_pending,
    pending_offers,
)
from acquis.organisations.models import Membership, User
from tests import factories
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(personas):
    return personas["responsable_epreuves"]


def test_a_new_account_is_invited_and_linked(certifier, manager):
    candidate = factories.candidate(certifier, first_name="Inès", email="Ines.Moreau@exemple.fr")
    user = give_portal_access(candidate, actor=manager)
    candidate.refresh_from_db()
    assert candidate.user == user
    assert user.email == "ines.moreau@exemple.fr" and is_pending(user)
    assert user.first_name == "Inès" and user.last_name == candidate.birth_name
    assert user.roles_in(certifier) == {Role.CANDIDATE}
    [message] = mail.outbox
    assert message.to == [user.email] and "invitation à rejoindre OPS Conseil" in message.subject
    event = AuditEvent.objects.for_object(candidate).get(verb="candidate.portal_access_given")
    assert event.actor == manager
    assert event.payload == {"user": user.email, "new_user": True, "resent": False}


def test_the_invited_candidate_then_sees_their_dossier(client, certifier, manager):
    candidate = factories.candidate(certifier, birth_name="Moreau", email="ines@exemple.fr")
    give_portal_access(candidate, actor=manager)
    link = mail.outbox[0].body.split("/invitation/")[1].split()[0]
    uidb64, token = link.strip("/").split("/")
    accept_invitation(uidb64, token, "Un-mot-de-passe-solide-42")
    assert client.login(email="ines@exemple.fr", password="Un-mot-de-passe-solide-42")
    html = client.get(reverse("candidate:dossier")).content.decode()
    assert "MOREAU" in html and "pas encore ouvert" not in html


def test_an_existing_account_is_linked_and_told(certifier, manager, personas):
    juror = personas["jure"]
    candidate = factories.candidate(certifier, email=juror.email.upper())
    assert give_portal_access(candidate, actor=manager) == juror
    # An existing account is offered the role: nothing is attached until the person,
    # logged in, accepts it (« Mes invitations »); the dossier opens then.
    assert juror.roles_in(certifier) == {Role.JUROR}
    (offer,) = pending_offers(juror)
    assert offer.role == Role.CANDIDATE
    decide_offer(offer.pk, juror, accept=True)
    assert juror.roles_in(certifier) == {Role.JUROR, Role.CANDIDATE}
    assert User.objects.filter(email__iexact=juror.email).count() == 1


def test_an_email_is_required(certifier, manager):
    candidate = factories.candidate(certifier, email="")
    users = User.objects.count()
    with pytest.raises(CandidateError) as refused:
        give_portal_access(candidate, actor=manager)
    assert "adresse électronique" in str(refused.value)
    assert "email" in refused.value.field_messages()
    assert not mail.outbox and User.objects.count() == users


def test_an_account_serves_one_dossier_only(certifier, manager):
    first = factories.candidate(certifier, email="meme@exemple.fr")
    give_portal_access(first, actor=manager)
    second = factories.candidate(certifier, email="meme@exemple.fr")
    mail.outbox.clear()
    with pytest.raises(CandidateError, match="déjà celui d'un autre dossier"):
        give_portal_access(second, actor=manager)
    second.refresh_from_db()
    assert second.user is None and not mail.outbox
    assert Candidate.objects.get(pk=first.pk).user.email == "meme@exemple.fr"


def test_a_pending_invitation_is_sent_again(certifier, manager):
    candidate = factories.candidate(certifier, email="relance@exemple.fr")
    user = give_portal_access(candidate, actor=manager)
    assert give_portal_access(candidate, actor=manager) == user
    assert len(mail.outbox) == 2
    events = AuditEvent.objects.for_object(candidate).filter(verb="candidate.portal_access_given")
    assert [e.payload["resent"] for e in events] == [False, True]


def test_an_open_portal_is_not_opened_twice(certifier, manager):
    candidate = factories.candidate(certifier, email="active@exemple.fr")
    user = give_portal_access(candidate, actor=manager)
    user.set_password(PASSWORD)
    user.is_active = True
    user.save()
    with pytest.raises(CandidateError, match="déjà accès"):
        give_portal_access(candidate, actor=manager)


@pytest.mark.parametrize("role", ["jure", "partenaire", "candidat", "admin_autre_certificateur"])
def test_only_the_certifiers_staff_may_open_it(certifier, personas, role):
    candidate = factories.candidate(certifier, email="refus@exemple.fr")
    with pytest.raises(CandidateError):
        give_portal_access(candidate, actor=personas[role])
    candidate.refresh_from_db()
    assert candidate.user is None and not mail.outbox
    assert not Membership.objects.filter(user__email="refus@exemple.fr").exists()


def test_the_administrator_may_open_it_too(certifier, personas):
    candidate = factories.candidate(certifier, email="admin-ok@exemple.fr")
    user = give_portal_access(candidate, actor=personas["administrateur"])
    assert Candidate.objects.get(user=user) == candidate


def test_a_deactivated_account_is_refused_in_french(certifier, manager):
    # A former juror of this certifier, whose account was deactivated: the certifier knows
    # the account, so it is told why (another certifier would learn nothing).
    make_user("parti@exemple.fr", certifier, Role.JUROR, is_active=False)
    candidate = factories.candidate(certifier, email="parti@exemple.fr")
    with pytest.raises(CandidateError, match="désactivé"):
        give_portal_access(candidate, actor=manager)
    candidate.refresh_from_db()
    assert candidate.user is None


# --- status shown to the staff, and a whole cohort invited ----------------------------------


def test_the_status_follows_the_invitation_then_the_activation(certifier, manager):
    from acquis.candidates.portal import portal_status

    candidate = factories.candidate(certifier, email="lea@exemple.fr")
    assert portal_status(candidate).code == "none" and portal_status(candidate).may_invite
    give_portal_access(candidate, actor=manager)
    status = portal_status(candidate)
    assert status.code == "pending" and status.email == "lea@exemple.fr"
    assert status.invited_at is not None and status.may_invite
    assert status.label == "Invitation envoyée, compte pas encore activé"
    link = mail.outbox[0].body.split("/invitation/")[1].split()[0]
    accept_invitation(*link.strip("/").split("/"), "Un-mot-de-passe-solide-42")
    candidate.refresh_from_db()
    assert portal_status(candidate).code == "active"
    assert not portal_status(candidate).may_invite


def test_a_cohort_is_invited_each_candidate_on_their_own(certifier, manager, ops_version):
    from acquis.candidates.portal import invite_cohort
    from acquis.candidates.services import create_cohort

    cohort = create_cohort(certifier=certifier, version=ops_version, name="Lyon 2026")
    other = create_cohort(certifier=certifier, version=ops_version, name="Autre")
    with_email = factories.candidacy(ops_version, cohort=cohort).candidate
    without = factories.candidacy(
        ops_version, cohort=cohort, person=factories.candidate(certifier, email="")
    ).candidate
    active = factories.candidacy(ops_version, cohort=cohort).candidate
    give_portal_access(active, actor=manager)
    link = mail.outbox[0].body.split("/invitation/")[1].split()[0]
    accept_invitation(*link.strip("/").split("/"), "Un-mot-de-passe-solide-42")
    outside = factories.candidacy(ops_version, cohort=other).candidate
    mail.outbox.clear()

    result = invite_cohort(cohort, actor=manager)

    assert result.invited == [with_email]
    assert [c for c, _ in result.refused] == [without]
    assert "adresse électronique" in result.refused[0][1]
    assert [c.pk for c in result.already_active] == [active.pk]
    assert [m.to for m in mail.outbox] == [[with_email.email]]
    outside.refresh_from_db()
    assert outside.user is None


def test_only_staff_of_the_certifier_may_invite_a_cohort(certifier, personas, ops_version):
    from acquis.candidates.portal import invite_cohort
    from acquis.candidates.services import create_cohort

    cohort = create_cohort(certifier=certifier, version=ops_version, name="Lyon 2026")
    factories.candidacy(ops_version, cohort=cohort)
    result = invite_cohort(cohort, actor=personas["admin_autre_certificateur"])
    assert result.invited == [] and len(result.refused) == 1
    assert mail.outbox == []
