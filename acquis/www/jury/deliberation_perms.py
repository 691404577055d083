"""Who may see a certification jury's deliberation in the jury portal (/jury/deliberations/).

A member of that deliberation's jury (JuryMember.user), who still holds the juror role in
the deliberation's certifier. Anonymous → login page; a logged-in user who sits on no jury
→ 403; a deliberation they do not sit on → 404 (nobody learns which numbers exist).
"""

from django.http import Http404

from acquis.juries.models import JuryMember
from acquis.organisations.enums import Role
from acquis.www.perms import holds_juror_role, role_required


def sits_on_a_jury(user) -> bool:
    return (
        user.is_authenticated
        and user.memberships.filter(role=Role.JUROR).exists()
        and JuryMember.objects.filter(user=user).exists()
    )


def member_of(user, deliberation_pk) -> JuryMember:
    """The user's seat in this deliberation's jury; 404 otherwise."""
    member = (
        JuryMember.objects.filter(deliberation_id=deliberation_pk, user=user)
        .select_related("deliberation__version__certification", "deliberation__certifier")
        .first()
    )
    if (
        member is None
        or not user.memberships.filter(
            role=Role.JUROR, organisation_id=member.deliberation.certifier_id
        ).exists()
    ):
        raise Http404("Délibération introuvable.")
    return member


def _attach_jury_member(request, pk, *args, **kwargs) -> None:
    request.jury_member = member_of(request.user, pk)


# The audience of the deliberation pages: sets `request.jury_member` for the view's `pk`.
jury_member_required = role_required(
    holds_juror_role, message="Réservé aux membres de jury.", attach=_attach_jury_member
)
