"""Certifier staff pages for partner organisations and users (invitations)."""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect, render

from acquis.candidates import portal
from acquis.errors import AcquisError
from acquis.organisations.enums import Role
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
        except AcquisError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, f"L'organisme partenaire « {partner} » est ajouté.")
            return redirect("staff:partners")
    return render(request, "www/staff/org/partner_form.html", {"form": form})


@staff_required
def users(request):
    targets = invitable_organisations(request.user)
    form = InvitationForm(request.POST or None, targets=targets) if targets else None
    if request.method == "POST" and form is not None and form.is_valid():
        if form.cleaned_data["role"] == Role.CANDIDATE:
            response = _invite_candidate(request, form)
            if response is not None:
                return response
        else:
            try:
                invitation = invite_user(**form.cleaned_data, actor=request.user)
            except AcquisError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, _sent_message(invitation))
                return redirect("staff:users")
    context = {
        "users": visible_users_for_staff(request.user),
        "offers": RoleInvitation.objects.filter(
            organisation__in=staff_organisations(request.user).values("pk"),
            status=RoleInvitation.Status.PENDING,
        ).select_related("organisation"),
        "form": form,
    }
    return render(request, "www/staff/org/users.html", context)


def _invite_candidate(request, form):
    """A candidate's account is always linked to her dossier (else she would reach an empty
    space): the address must be the one of a dossier of the certifier; the invitation then
    goes through « Ouvrir l'espace candidat »."""
    data = form.cleaned_data
    certifier = data["organisation"]
    candidate = portal.candidate_by_email(certifier, data["email"])
    if candidate is None:
        form.add_error(
            "email",
            "Aucun dossier candidat sans espace actif n'a cette adresse : enregistrez d'abord "
            "le candidat (ou son adresse), puis ouvrez son espace depuis sa fiche "
            "(« Ouvrir l'espace candidat ») ; le compte y est lié.",
        )
        return None
    try:
        user = portal.give_portal_access(candidate, actor=request.user)
    except AcquisError as exc:
        add_to_form(form, exc)
        return None
    messages.success(
        request,
        f"Invitation envoyée à {user.email} : le compte est lié au dossier de "
        f"{candidate.full_name}.",
    )
    return redirect("staff:candidate", pk=candidate.pk)


def _sent_message(invitation) -> str:
    # The same words whether the address has an account or not (nothing to learn here).
    return f"Invitation envoyée à {invitation.user.email}."
