"""The staff scope and the QuerySet methods that take their certifier filter from it: another
certifier's rows never appear."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from acquis.audit.models import AuditEvent
from acquis.candidates import services as candidate_services
from acquis.candidates.models import Candidacy, Candidate, Cohort
from acquis.errors import AcquisError
from acquis.organisations.enums import Role
from acquis.organisations.models import Organisation, User
from acquis.organisations.scope import NOT_CHOSEN, CertifierNotChosen, StaffScope
from acquis.organisations.services import grant_role
from acquis.referential.models import Certification, CertificationVersion
from tests import factories
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(personas, certifier, other_certifier, ops_version):
    """A row of each kind at OPS Conseil and at the other certifier."""
    ours = factories.candidacy(ops_version)
    theirs_title = Certification.objects.create(code="autre", title="Autre", owner=other_certifier)
    theirs_candidate = factories.candidate(other_certifier, birth_name="Autre")
    candidate_services.create_cohort(certifier=certifier, version=ops_version, name="Nôtre")
    Cohort.objects.create(certifier=other_certifier, version=ops_version, name="Leur")
    return {"ours": ours, "theirs_title": theirs_title, "theirs_candidate": theirs_candidate}


def test_each_staff_sees_only_their_certifiers_rows(two, personas, certifier, other_certifier):
    ours = StaffScope(personas["responsable_epreuves"])
    theirs = StaffScope(personas["admin_autre_certificateur"])
    assert list(Candidate.objects.for_staff(ours)) == [two["ours"].candidate]
    assert list(Candidate.objects.for_staff(theirs)) == [two["theirs_candidate"]]
    assert list(Candidacy.objects.for_staff(ours)) == [two["ours"]]
    assert list(Candidacy.objects.for_staff(theirs)) == []
    assert [c.name for c in Cohort.objects.for_staff(ours)] == ["Nôtre"]
    assert [c.name for c in Cohort.objects.for_staff(theirs)] == ["Leur"]
    assert two["theirs_title"] not in Certification.objects.visible_to_staff(ours)
    assert two["theirs_title"] in Certification.objects.visible_to_staff(theirs)
    assert CertificationVersion.objects.for_staff(theirs).count() == 0
    assert CertificationVersion.objects.for_staff(ours).count() == 1


def test_users_and_organisations_visible_to_staff(personas, certifier, other_certifier, partner):
    ours = StaffScope(personas["administrateur"])
    theirs = StaffScope(personas["admin_autre_certificateur"])
    assert set(Organisation.objects.managed_by(ours)) == {certifier, partner}
    assert list(Organisation.objects.managed_by(theirs)) == [other_certifier]
    assert list(Organisation.objects.partners_of(theirs)) == []
    assert personas["partenaire"] in User.objects.visible_to_staff(ours)
    assert list(User.objects.visible_to_staff(theirs)) == [personas["admin_autre_certificateur"]]
    # A juror of both certifiers: each certifier's staff sees only the roles held with it.
    grant_role(personas["jure"], other_certifier, Role.JUROR)
    seen = User.objects.visible_to_staff(theirs).get(pk=personas["jure"].pk)
    assert [m.organisation for m in seen.visible_memberships] == [other_certifier]


def test_jurors_of_a_certifier(personas, certifier, other_certifier):
    assert list(User.objects.jurors_of(certifier)) == [personas["jure"]]
    assert list(User.objects.jurors_of(other_certifier)) == []
    both = Organisation.objects.filter(pk__in=[certifier.pk, other_certifier.pk])
    assert list(User.objects.jurors_of(both)) == [personas["jure"]]


def test_administered_certifiers(personas, certifier, other_certifier):
    assert list(Organisation.objects.administered_by(personas["administrateur"])) == [certifier]
    assert list(Organisation.objects.administered_by(personas["responsable_epreuves"])) == []
    boss = make_user("boss@test.fr", is_superuser=True)
    assert set(Organisation.objects.administered_by(boss)) == {certifier, other_certifier}


def test_a_staff_of_one_certifier_works_for_it_without_choosing(personas, certifier):
    scope = StaffScope(personas["responsable_epreuves"])
    assert scope.has_choice is False
    assert scope.require_current() == certifier


def test_a_staff_of_several_must_choose(personas, certifier, other_certifier):
    user = personas["administrateur"]
    grant_role(user, other_certifier, Role.EXAM_MANAGER)
    scope = StaffScope(user)
    assert scope.has_choice is True
    assert scope.current is None
    with pytest.raises(CertifierNotChosen, match=NOT_CHOSEN):
        scope.require_current()
    assert StaffScope(user, current_id=other_certifier.pk).require_current() == other_certifier
    # A stored choice that is no longer theirs counts as none.
    assert StaffScope(personas["responsable_epreuves"], current_id=other_certifier.pk).current == (
        certifier
    )
    stranger = Organisation.objects.create(kind="certifier", name="Tiers")
    assert StaffScope(user, current_id=stranger.pk).current is None


def test_choosing_is_audited_and_limited_to_ones_certifiers(personas, certifier, other_certifier):
    user = personas["administrateur"]
    grant_role(user, other_certifier, Role.ADMIN)
    scope = StaffScope(user)
    assert scope.choose(str(other_certifier.pk)) == other_certifier
    event = AuditEvent.objects.filter(verb="organisation.certifier_chosen").get()
    assert (event.actor, event.to_state) == (user, str(other_certifier.pk))
    stranger = Organisation.objects.create(kind="certifier", name="Tiers")
    with pytest.raises(AcquisError):
        StaffScope(personas["responsable_epreuves"]).choose(other_certifier.pk)
    with pytest.raises(AcquisError):
        scope.choose(stranger.pk)
    assert AuditEvent.objects.filter(verb="organisation.certifier_chosen").count() == 1


def test_a_superuser_chooses_among_every_certifier(certifier, other_certifier):
    boss = make_user("boss@test.fr", is_superuser=True)
    scope = StaffScope(boss)
    assert scope.choices == [other_certifier, certifier]  # by name
    assert scope.current is None
    assert scope.choose(certifier.pk) == certifier


def test_the_scope_takes_its_certifiers_from_the_roles_read_once(
    personas, certifier, other_certifier
):
    """The staff check, the navigation and the scope share one reading of the user's roles
    (`User.membership_rows`): the scope's certifiers cost no query of their own, and a role
    that is not staff (juror elsewhere) or at a partner is not one of them."""
    manager = User.objects.get(pk=personas["responsable_epreuves"].pk)
    grant_role(manager, other_certifier, Role.JUROR)
    manager = User.objects.get(pk=manager.pk)
    with CaptureQueriesContext(connection) as roles:
        rows = manager.membership_rows
    with CaptureQueriesContext(connection) as scope:
        ids = StaffScope(manager).certifier_ids
    assert len(roles) == 1 and len(scope) == 0
    assert (Role.JUROR, "certifier", other_certifier.pk) in rows
    assert ids == [certifier.pk]
    assert ids == list(Organisation.objects.staffed_by(manager).values_list("pk", flat=True))
    boss = User.objects.create_superuser(email="root@test.fr", password="x")  # noqa: S106
    assert sorted(StaffScope(boss).certifier_ids) == sorted([certifier.pk, other_certifier.pk])
    assert StaffScope(personas["jure"]).certifier_ids == []
    assert list(Candidacy.objects.for_staff(StaffScope(personas["jure"]))) == []
