"""The jury portal's deliberations (/jury/deliberations/): the members read every candidate's
evidence and the engine's proposal, and decide while the deliberation is open.

Access (deliberation_perms.py): a member of that deliberation's jury holding the juror role
in its certifier; another deliberation is 404. A member decides only while present (the
quorum was checked at opening; an absent member cannot have an open deliberation, but the
check stays here in case). The screen is shared with the staff (acquis/www/shared/
deliberation.py, www/juries/_screen.html).
"""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from acquis.juries import deliberations
from acquis.juries.enums import DeliberationStatus
from acquis.organisations.enums import Role
from acquis.www.jury.deliberation_perms import jury_member_required, sits_on_a_jury
from acquis.www.pagination import paginate
from acquis.www.shared.deliberation import record_decision, screen_context


def member_deliberations(user):
    """The deliberations the user sits on, in certifiers where they hold the juror role."""
    certifiers = user.memberships.filter(role=Role.JUROR).values("organisation_id")
    return deliberations.for_member(user).filter(certifier__in=certifiers)


@require_GET
def deliberation_list(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not sits_on_a_jury(request.user):
        raise PermissionDenied("Réservé aux membres d'un jury de certification.")
    rows = paginate(request, member_deliberations(request.user))
    return render(request, "www/juries/deliberations.html", {"deliberations": rows})


def _render(request, *, posted=None):
    member = request.jury_member
    deliberation = member.deliberation
    members = list(deliberation.members.select_related("user").order_by("pk"))
    context = {
        "deliberation": deliberation,
        "member": member,
        "members": members,
        "open": deliberation.status == DeliberationStatus.OPEN,
    } | screen_context(
        deliberation,
        decide_name="jury:deliberation_decide",
        can_decide=member.present,
        posted=posted,
    )
    return render(request, "www/juries/deliberation.html", context)


@jury_member_required
@require_GET
def deliberation_detail(request, pk):
    return _render(request)


@jury_member_required
@require_POST
def deliberation_decide(request, pk, candidacy_pk):
    member = request.jury_member
    if not member.present:
        raise PermissionDenied("Seuls les membres présents décident.")
    page = reverse("jury:deliberation", args=[pk])

    def rerender(posted):
        member.deliberation.refresh_from_db()
        return _render(request, posted=posted)

    return record_decision(
        request, member.deliberation, candidacy_pk, rerender=rerender, page_url=page
    )
