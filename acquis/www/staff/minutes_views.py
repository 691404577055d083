"""Staff screens of the PV (/gestion/deliberations/<pk>/pv/) and of corrections.

The exam manager reads the PV and follows its signatures; once it is signed, they see who
has not been notified (no address, or the email failed) and send again what is missing,
and they start the correction of a decision (`corrections.start_correction`): a new
deliberation whose jury is composed and which decides as any other, with its own signed PV.
"""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from acquis.errors import AcquisError
from acquis.juries import corrections, notifications
from acquis.juries import minutes as pv
from acquis.juries.enums import DeliberationStatus
from acquis.juries.models import Decision, Deliberation
from acquis.www.perms import staff_required
from acquis.www.shared.minutes import minutes_context
from acquis.www.staff import access


class CorrectionForm(forms.Form):
    title = forms.CharField(
        label="Intitulé de la délibération de correction",
        max_length=160,
        initial="Correction d'une décision",
    )
    on = forms.DateField(
        label="Date de la délibération",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    place = forms.CharField(label="Lieu", max_length=255)


def _deliberations(user):
    return Deliberation.objects.filter(certifier__in=access.certifier_ids(user)).select_related(
        "certifier", "version__certification"
    )


@require_GET
@staff_required
def staff_minutes(request, pk):
    deliberation = access.get_or_404(_deliberations(request.user), pk=pk)
    minutes = pv.current_minutes(deliberation)
    decisions = []
    if deliberation.status == DeliberationStatus.SIGNED:
        decisions = list(
            deliberation.decisions.select_related("candidacy__candidate")
            .prefetch_related("corrections__deliberation")
            .order_by("pk")
        )
    context = minutes_context(deliberation, minutes) | {
        "decisions": decisions,
        "not_notified": [d for d in decisions if d.notified_at is None],
    }
    return render(request, "www/juries/minutes_staff.html", context)


@staff_required
@require_POST
def staff_minutes_notify(request, pk):
    """Send again the decision emails that failed (`notify_decisions` sends only those)."""
    deliberation = access.get_or_404(_deliberations(request.user), pk=pk)
    try:
        summary = notifications.notify_decisions(deliberation)
    except AcquisError as error:
        messages.error(request, str(error))
        return redirect("staff:minutes", pk=deliberation.pk)
    if summary.sent:
        messages.success(request, "Décision notifiée par courriel à : " + ", ".join(summary.sent))
    if summary.failed:
        messages.error(
            request,
            "Envoi impossible pour : " + ", ".join(summary.failed) + ". Réessayez plus tard.",
        )
    if summary.without_email:
        messages.warning(
            request,
            "Sans adresse électronique (remettez-leur la lettre de décision) : "
            + ", ".join(summary.without_email),
        )
    if not (summary.sent or summary.failed or summary.without_email):
        messages.info(request, "Tous les candidats ont déjà été notifiés.")
    return redirect("staff:minutes", pk=deliberation.pk)


def _after_correction(deliberation) -> str:
    try:
        return reverse("staff:deliberation", args=[deliberation.pk])
    except NoReverseMatch:
        return reverse("staff:minutes", args=[deliberation.pk])


@require_http_methods(["GET", "POST"])
@staff_required
def staff_decision_correction(request, pk):
    decision = access.get_or_404(
        Decision.objects.filter(
            deliberation__certifier__in=access.certifier_ids(request.user)
        ).select_related("deliberation", "candidacy__candidate", "candidacy__version"),
        pk=pk,
    )
    form = CorrectionForm(request.POST or None, initial={"place": decision.deliberation.place})
    refusal = None
    if request.method == "POST" and form.is_valid():
        try:
            deliberation = corrections.start_correction(
                decision,
                title=form.cleaned_data["title"],
                on=form.cleaned_data["on"],
                place=form.cleaned_data["place"],
                actor=request.user,
            )
        except AcquisError as exc:
            refusal = exc
        else:
            messages.success(
                request,
                f"Délibération de correction préparée pour {decision.candidacy.candidate} : "
                "composez son jury, puis ouvrez-la.",
            )
            return redirect(_after_correction(deliberation))
    return render(
        request,
        "www/juries/minutes_correction.html",
        {"decision": decision, "form": form, "refusal": refusal},
        status=400 if (form.errors or refusal) else 200,
    )
