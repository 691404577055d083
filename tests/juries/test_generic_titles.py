"""A second certifier's title on the same installation: PV numbers per certifier with its
prefix, the registry number printed once, jury roles taken from the referential."""

from datetime import date

import pytest

from acquis.juries import composition, deliberations, minutes
from acquis.juries.enums import JuryKind
from acquis.juries.exceptions import JuryError
from acquis.juries.models import Minutes
from acquis.organisations.enums import Role
from acquis.referential.models import registry_code
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
ON = date(2026, 6, 15)


@pytest.mark.parametrize(
    ("kind", "number", "expected"),
    [
        ("RNCP", "RNCP36612", "RNCP36612"),  # the documented form: the prefix once
        ("RNCP", "36612", "RNCP36612"),
        ("RS", "RS5521", "RS5521"),
        ("", "RNCP36612", "RNCP36612"),
        ("RNCP", "", ""),
        ("RNCP", None, ""),
        ("RNCP", "RNCP", ""),  # no number: no code
    ],
)
def test_registry_code_prints_the_prefix_once(kind, number, expected):
    assert registry_code(kind, number) == expected


def test_version_registry_code(cns_version):
    assert cns_version.registry_kind == "RNCP"
    assert cns_version.registry_code == "RNCP99871"
    assert cns_version.certification.registry_code == "RNCP99871"


def test_pv_numbers_are_per_certifier_with_a_prefix(certifier, cns_certifier):
    assert minutes.next_number(certifier, 2026) == "PV-OPS-2026-0001"
    assert minutes.next_number(cns_certifier, 2026) == "PV-CND-2026-0001"
    assert minutes.next_number(cns_certifier, 2026) == "PV-CND-2026-0002"
    assert minutes.next_number(certifier, 2026) == "PV-OPS-2026-0002"


def test_two_certifiers_may_hold_the_same_pv_number(ops_version, cns_version):
    """Numbers are unique per certifier only: even a shared prefix never collides."""
    for version in (ops_version, cns_version):
        owner = version.certification.owner
        deliberation = deliberations.prepare(
            owner,
            version,
            kind=JuryKind.CERTIFICATION,
            title="Jury",
            on=ON,
            place="Salle",
            actor=None,
        )
        Minutes.objects.create(
            deliberation=deliberation,
            certifier=owner,
            number="PV-X-2026-0001",
            content={},
            content_hash="0" * 64,
            generated_at=deliberation.created_at,
        )
    assert Minutes.objects.filter(number="PV-X-2026-0001").count() == 2


def _cns_deliberation(cns_version):
    return deliberations.prepare(
        cns_version.certification.owner,
        cns_version,
        kind=JuryKind.CERTIFICATION,
        title="Jury de certification",
        on=ON,
        place="Montpellier",
        actor=None,
    )


def test_roles_come_from_the_referential(cns_version):
    deliberation = _cns_deliberation(cns_version)
    assert composition.roles_of(deliberation) == [
        ("professional", "Professionnel de la médiation numérique")
    ]


def test_add_member_accepts_the_referential_role_and_labels_it(cns_version, cns_certifier):
    deliberation = _cns_deliberation(cns_version)
    user = make_user("pro@cns.fr", cns_certifier, Role.JUROR, first_name="Paule", last_name="Pro")
    member = deliberations.add_member(
        deliberation, user, role="professional", external=True, actor=None
    )
    assert member.get_role_display() == "Professionnel de la médiation numérique"
    assert "Professionnel de la médiation numérique" in str(member)


def test_add_member_refuses_a_role_the_referential_does_not_have(cns_version, cns_certifier):
    deliberation = _cns_deliberation(cns_version)
    user = make_user("pro2@cns.fr", cns_certifier, Role.JUROR)
    with pytest.raises(JuryError, match="Qualité inconnue") as refusal:
        deliberations.add_member(
            deliberation, user, role="employer_representative", external=True, actor=None
        )
    assert "Professionnel de la médiation numérique" in str(refusal.value.problems[0])
    assert not deliberation.members.exists()


def test_builtin_roles_still_accepted(ops_version, certifier):
    deliberation = deliberations.prepare(
        certifier, ops_version, kind=JuryKind.CERTIFICATION, title="J", on=ON, place="B", actor=None
    )
    user = make_user("emp@ops.fr", certifier, Role.JUROR)
    member = deliberations.add_member(
        deliberation, user, role="employer_representative", external=True, actor=None
    )
    assert member.get_role_display() == "Représentant employeurs"
