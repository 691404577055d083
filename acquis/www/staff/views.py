"""Certifier staff home (what needs attention), the referentials and the versions of a
referential with what changed between them."""

from django import forms
from django.contrib import messages
from django.db.models import Count, Prefetch
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from acquis.candidates.services import memoirs_to_check
from acquis.credentials.pending import awaiting_issue
from acquis.errors import AcquisError
from acquis.exports import accrochage
from acquis.juries import ledger
from acquis.referential import services as referential_services
from acquis.referential.export import diff_documents
from acquis.referential.models import Certification, CertificationVersion
from acquis.www.bounded import ModelChoiceField
from acquis.www.errors import add_to_form
from acquis.www.perms import (
    admin_required,
    administered_certifiers,
    get_staff_certification,
    staff_required,
    visible_certifications_for_staff,
)
from acquis.www.staff import access

MEMOIRS_SHOWN = 10


@staff_required
def dashboard(request):
    """« À suivre »: where the staff land after logging in."""
    return render(request, "www/staff/dashboard.html", _attention(request.user))


@staff_required
def referentials(request):
    """The referentials loaded for the staff's certifiers, each with its versions."""
    certifications = (
        visible_certifications_for_staff(request.user, Certification.objects.all())
        .prefetch_related(
            Prefetch("versions", queryset=access.light_versions(CertificationVersion.objects.all()))
        )
        .order_by("title")
    )
    return render(request, "www/staff/referentials.html", {"certifications": certifications})


def _attention(user) -> dict:
    """The figures of "À suivre": national declaration, documents to issue, windows for a
    new validation request closing soon."""
    today = timezone.localdate()
    certifiers = list(access.certifiers(user).order_by("pk"))
    to_issue = awaiting_issue(certifiers).aggregate(
        decisions=Count("pk"), deliberations=Count("deliberation", distinct=True)
    )
    return {
        "accrochage": accrochage.summary(certifiers, today=today),
        "to_issue": to_issue,
        "expiring": sum(
            ledger.new_validation_deadlines(certifier, on=today).count() for certifier in certifiers
        ),
        "expiry_months": round(ledger.DEADLINE_NOTICE_DAYS / 30.5),
        # A new or replaced memoir file waits for the staff's check of its parts.
        "memoirs_to_check": list(memoirs_to_check(certifiers)[: MEMOIRS_SHOWN + 1]),
        "memoirs_shown": MEMOIRS_SHOWN,
        "today": today,
    }


@staff_required
def versions(request, code):
    certification = get_staff_certification(request.user, Certification.objects, code=code)
    versions = list(certification.versions.order_by("-number"))
    context = {"certification": certification, "versions": versions}
    old_n, new_n = request.GET.get("de"), request.GET.get("a")
    if len(versions) >= 2 and not (old_n or new_n):
        old_n, new_n = str(versions[1].number), str(versions[0].number)
    if old_n or new_n:
        context.update(_diff(versions, old_n, new_n))
    return render(request, "www/staff/versions.html", context)


def _diff(versions, old_n, new_n) -> dict:
    by_number = {str(v.number): v for v in versions}
    old, new = by_number.get(old_n or ""), by_number.get(new_n or "")
    if old is None or new is None:
        return {"diff_error": "Choisissez deux versions existantes à comparer."}
    return {
        "old": old,
        "new": new,
        "changes": diff_documents(old.document, new.document),
    }


class LoadForm(forms.Form):
    file = forms.FileField(
        label="Fichier du référentiel (YAML ou JSON)",
        help_text="Au format acquis-referential/1 : le même contenu ne crée pas de nouvelle "
        "version, un contenu modifié crée la version suivante.",
    )
    certifier = ModelChoiceField(
        label="Certificateur du titre",
        queryset=None,
        empty_label=None,
        help_text="Un titre appartient à un seul certificateur : le titre d'un autre "
        "certificateur est refusé.",
    )

    def __init__(self, *args, certifiers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["certifier"].queryset = certifiers


@admin_required
@require_http_methods(["GET", "POST"])
def load_referential(request):
    """Load a title's referential for one of the certifiers this administrator runs."""
    certifiers = administered_certifiers(request.user).order_by("name")
    posted = request.method == "POST"
    form = LoadForm(
        request.POST if posted else None, request.FILES if posted else None, certifiers=certifiers
    )
    if posted and form.is_valid():
        try:
            result = referential_services.load_referential_upload(
                form.cleaned_data["file"],
                owner=form.cleaned_data["certifier"],
                actor=request.user,
            )
        except AcquisError as error:
            add_to_form(form, error)
        else:
            version = result.version
            if result.created:
                messages.success(
                    request,
                    f"Version {version.number} de « {version.title} » chargée "
                    f"({version.get_status_display().lower()}).",
                )
            else:
                messages.info(
                    request,
                    f"Déjà chargé : identique à la version {version.number} ; rien n'a changé.",
                )
            return redirect("staff:versions", code=version.certification.code)
    return render(
        request,
        "www/staff/referential_load.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
