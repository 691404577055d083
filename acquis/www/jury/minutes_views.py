"""The PV of a deliberation for its jury members (/jury/deliberations/<pk>/pv/).

Printable: number, hash, members and their signatures, each candidate's decision; once
issued, the signed PDF of the PV (`jury_minutes_pdf`). A member closes the deliberation (the
PV is generated), reopens it while nobody has signed, and signs after re-entering their
password. Each action runs one verb of `acquis.juries.minutes`; a refusal is shown with its
French message.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from acquis.credentials import minutes_pdf
from acquis.errors import AcquisError
from acquis.juries import minutes as pv
from acquis.juries.enums import DeliberationStatus
from acquis.security import reauth
from acquis.www import confirm
from acquis.www.jury.deliberation_perms import jury_member_required
from acquis.www.shared.downloads import download
from acquis.www.shared.minutes import minutes_context


class SignForm(forms.Form):
    password = forms.CharField(
        label="Mot de passe (confirmation de votre signature)",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Saisissez votre mot de passe pour signer."},
    )
    code = forms.CharField(
        label="Code de vérification (application d'authentification)",
        required=False,
        max_length=20,
        help_text="Le code à 6 chiffres de votre application, ou l'un de vos codes de secours.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _act(request, member, minutes, form):
    """Run the posted action; returns the bound form with errors, or None on success."""
    deliberation, action = member.deliberation, request.POST.get("action")
    try:
        if action == "close":
            created = pv.close_deliberation(deliberation, actor=request.user)
            messages.success(
                request, f"Délibération close : procès-verbal {created.number} établi."
            )
        elif action == "reopen":
            pv.reopen(deliberation, actor=request.user)
            messages.success(request, "Délibération rouverte : le procès-verbal est remplacé.")
        elif action == "sign" and minutes is not None:
            if not form.is_valid():
                return form
            # Password and second factor again, counted and audited outside the signature's
            # transaction (a refusal rolls the signature back, not the count).
            try:
                reauth.confirm_identity(
                    request.user,
                    password=form.cleaned_data["password"],
                    code=form.cleaned_data["code"],
                    purpose="minutes.sign",
                )
            except AcquisError as exc:
                form.add_error(exc.field or "password", exc.message)
                return form
            pv.sign(
                minutes, request.user, password=form.cleaned_data["password"], actor=request.user
            )
            update_session_auth_hash(request, request.user)
            messages.success(request, f"Vous avez signé le procès-verbal {minutes.number}.")
    except AcquisError as exc:
        if action == "sign" and exc.problem_for("password"):
            form.add_error("password", exc.message)
            return form
        for problem in exc.problems:
            messages.error(request, str(problem.message))
        messages.error(request, str(exc))
    return None


@require_http_methods(["GET", "POST"])
@jury_member_required
def jury_minutes(request, pk):
    member = request.jury_member
    deliberation = member.deliberation
    minutes = pv.current_minutes(deliberation)
    form = SignForm(request.POST if request.POST.get("action") == "sign" else None)
    if request.method == "POST":
        if request.POST.get("action") == "close" and not confirm.confirmed(request):
            return confirm.ask(
                request,
                **confirm.CLOSE_DELIBERATION,
                back_url=reverse("jury:minutes", args=[pk]),
                keep=("action",),
            )
        failed = _act(request, member, minutes, form)
        if failed is None:
            return redirect("jury:minutes", pk=pk)
        form = failed
    signed_by_me = minutes is not None and minutes.signatures.filter(member=member).exists()
    context = minutes_context(deliberation, minutes) | {
        "member": member,
        "form": form,
        "signed_by_me": signed_by_me,
        "member_count": deliberation.members.count(),
        "can_sign": minutes is not None
        and deliberation.status == DeliberationStatus.SIGNING
        and member.present
        and not signed_by_me,
        "can_reopen": minutes is not None
        and deliberation.status == DeliberationStatus.SIGNING
        and not minutes.signatures.exists(),
    }
    return render(
        request,
        "www/juries/minutes.html",
        context,
        status=400 if form.errors else 200,
    )


@require_GET
@jury_member_required
def jury_minutes_pdf(request, pk):
    """The signed PDF of the PV, for the members of that jury (404 until it is issued)."""
    minutes = pv.current_minutes(request.jury_member.deliberation)
    document = minutes_pdf.issued_minutes(minutes) if minutes is not None else None
    if document is None:
        raise Http404("Le procès-verbal signé n'est pas encore délivré.")
    return download(document)
