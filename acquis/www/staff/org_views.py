"""Certifier staff pages for partner organisations and users (invitations)."""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect, render

from acquis.organisations.exceptions import OrganisationError
from acquis.organisations.invitations import invitable_organisations, invite_user
from acquis.organisations.models import Organisation, RoleInvitation
from acquis.organisations.partners import create_partner
from acquis.www.errors import add_to_form
from acquis.www.perms import (
    admin_required,
    administered_certifiers,
    staff_certifiers_for,
    staff_organisations,
    staff_required,
    visible_users_for_staff,
)
from acquis.www.staff.forms_org import InvitationForm, PartnerForm


@staff_required
def partners(request):
    partners = (
        Organisation.objects.filter(certifier__in=staff_certifiers_for(request.user).values("pk"))
        .select_related("certifier")
        .annotate(people=Count("memberships__user", distinct=True))
        .order_by("name")
    )
    context = {
        "partners": partners,
        "can_add": administered_certifiers(request.user).exists(),
    }
    return render(request, "www/staff/org/partners.html", context)


@admin_required
def partner_create(request):
    form = PartnerForm(request.POST or None, certifiers=administered_certifiers(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            partner = create_partner(**form.cleaned_data, actor=request.user)
        except OrganisationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, f"L'organisme partenaire « {partner} » est ajouté.")
            return redirect("staff_partners")
    return render(request, "www/staff/org/partner_form.html", {"form": form})


@staff_required
def users(request):
    targets = invitable_organisations(request.user)
    form = InvitationForm(request.POST or None, targets=targets) if targets else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            invitation = invite_user(**form.cleaned_data, actor=request.user)
        except OrganisationError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _sent_message(invitation))
            return redirect("staff_users")
    context = {
        "users": visible_users_for_staff(request.user),
        "offers": RoleInvitation.objects.filter(
            organisation__in=staff_organisations(request.user).values("pk"),
            status=RoleInvitation.Status.PENDING,
        ).select_related("organisation"),
        "form": form,
    }
    return render(request, "www/staff/org/users.html", context)


def _sent_message(invitation) -> str:
    # The same words whether the address has an account or not (nothing to learn here).
    return f"Invitation envoyée à {invitation.user.email}."
