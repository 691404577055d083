"""Insertion surveys for the certifier's staff: campaigns (prepare, open, close,
pseudonymise), their indicators, and the renewal file (page, XLSX, PDF).

Thin views: verbs in acquis.followup.services, figures in indicators / renewal; only the
staff user's certifiers' campaigns and certifications (another's: 404).
"""

from django.contrib import messages
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from acquis.errors import AcquisError
from acquis.evaluations.enums import SessionStatus
from acquis.evaluations.models import EvaluationSession
from acquis.followup import clock, indicators, renewal, satisfaction, services
from acquis.followup.models import Campaign, SatisfactionRequest
from acquis.juries.enums import DeliberationStatus
from acquis.juries.models import Deliberation
from acquis.referential.models import Certification
from acquis.security.exports import audit_export
from acquis.www.errors import add_to_form
from acquis.www.perms import staff_required
from acquis.www.staff import access
from acquis.www.staff.followup_forms import CampaignForm, RenewalForm


def _certifications(user):
    return Certification.objects.filter(owner__in=access.certifier_ids(user)).order_by("title")


def _campaigns(user):
    return Campaign.objects.for_certifiers(access.certifiers(user)).select_related(
        "certification", "cohort"
    )


@staff_required
@require_http_methods(["GET", "POST"])
def campaigns(request):
    kwargs = {
        "certifications": _certifications(request.user),
        "cohorts": access.cohorts(request.user).order_by("name"),
    }
    form = CampaignForm(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        certification = data.pop("certification")
        try:
            campaign = services.create_campaign(
                certifier=certification.owner,
                certification=certification,
                actor=request.user,
                now=clock.now(),
                **data,
            )
        except AcquisError as error:
            add_to_form(form, error)
        else:
            messages.success(
                request, "Campagne enregistrée : ouvrez-la pour inviter les personnes."
            )
            return redirect("staff:survey", pk=campaign.pk)
    # One query for the list, whatever the number of campaigns.
    rows = _campaigns(request.user).annotate(
        invited=Count("invitations"), answers=Count("invitations__answer")
    )
    return render(request, "www/staff/followup/campaigns.html", {"form": form, "rows": rows})


@staff_required
@require_GET
def campaign(request, pk):
    found = access.get_or_404(_campaigns(request.user), pk=pk)
    invitations = found.invitations.all()
    employed, contracts = indicators.contracts(invitations)
    context = {
        "campaign": found,
        "overall": indicators.overall(invitations),
        "overall_rows": [indicators.overall(invitations)],
        "breakdowns": [
            ("Par voie d'accès", indicators.by(invitations, "pathway")),
            ("Par promotion", indicators.by(invitations, "cohort")),
            ("Par organisme partenaire", indicators.by(invitations, "partner")),
            ("Par année de décision", indicators.by(invitations, "year")),
        ],
        "employed": employed,
        "contracts": contracts,
        "threshold": indicators.min_answers(),
        "sent": invitations.filter(sent_at__isnull=False).count(),
        "without_email": invitations.filter(email="", sent_at__isnull=True).count(),
        "opted_out": invitations.filter(opted_out_at__isnull=False).count(),
        "due_on": services.due_on(found.decided_to, found.delay_months),
    }
    return render(request, "www/staff/followup/campaign.html", context)


ACTIONS = {
    "ouvrir": (
        lambda c, user: services.open_campaign(c, actor=user, now=clock.now()),
        "Campagne ouverte : les invitations partent par le processus de traitement.",
    ),
    "envoyer": (
        lambda c, user: services.resend_invitations(c, actor=user, now=clock.now()),
        "Invitations en attente confiées de nouveau au processus de traitement.",
    ),
    "clore": (
        lambda c, user: services.close_campaign(c, actor=user, now=clock.now()),
        "Campagne close : les liens ne fonctionnent plus.",
    ),
    "pseudonymiser": (
        lambda c, user: services.pseudonymise_campaign(c, actor=user, now=clock.now()),
        "Réponses pseudonymisées : elles ne sont plus liées aux personnes.",
    ),
}


@staff_required
@require_POST
def campaign_action(request, pk, action):
    found = access.get_or_404(_campaigns(request.user), pk=pk)
    if action not in ACTIONS:
        return HttpResponse("Action inconnue.", status=404, content_type="text/plain")
    verb, done = ACTIONS[action]
    try:
        verb(found, request.user)
    except AcquisError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect("staff:survey", pk=found.pk)


CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@staff_required
@require_GET
def renewal_page(request):
    form = RenewalForm(request.GET or None, certifications=_certifications(request.user))
    context = {"form": form}
    if form.is_valid():
        certification = form.cleaned_data["certification"]
        report = renewal.renewal_file(
            [certification.owner], certification, form.cleaned_data["annees"], now=clock.now()
        )
        fmt = request.GET.get("format", "")
        if fmt in CONTENT_TYPES:
            data = renewal.xlsx(report) if fmt == "xlsx" else renewal.pdf(report)
            response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
            audit_export(request, f"renewal.{fmt}")
            name = f"renouvellement-{certification.code}-{report.period}.{fmt}"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            response["Cache-Control"] = "no-store"
            return response
        context |= {
            "report": report,
            "query": request.GET.urlencode(),
            "xlsx_url": reverse("staff:renewal"),
        }
    return render(request, "www/staff/followup/renewal.html", context)


LATEST = 20  # sessions and deliberations shown (the most recent): a few queries each


@staff_required
@require_GET
def satisfaction_page(request):
    certifiers = access.certifiers(request.user)
    sessions = EvaluationSession.objects.filter(
        certifier__in=certifiers, status=SessionStatus.CLOSED
    ).order_by("-date", "-pk")[:LATEST]
    deliberations = Deliberation.objects.filter(
        certifier__in=certifiers, status=DeliberationStatus.SIGNED
    ).order_by("-date", "-pk")[:LATEST]
    groups = [
        (
            "Après une session d'évaluation (candidats)",
            [(s, satisfaction.results(SatisfactionRequest.objects.filter(session=s)))
             for s in sessions],
            "staff:satisfaction_session",
        ),
        (
            "Après une délibération (membres du jury)",
            [(d, satisfaction.results(SatisfactionRequest.objects.filter(deliberation=d)))
             for d in deliberations],
            "staff:satisfaction_deliberation",
        ),
    ]  # fmt: skip
    context = {"groups": groups, "threshold": indicators.min_answers()}
    return render(request, "www/staff/followup/satisfaction.html", context)


def _ask(request, verb, event):
    try:
        count = verb(event, actor=request.user, now=clock.now())
    except AcquisError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, f"Enquête de satisfaction confiée à l'envoi : {count} personne(s)."
        )
    return redirect("staff:satisfaction")


@staff_required
@require_POST
def satisfaction_session(request, pk):
    session = access.get_or_404(
        EvaluationSession.objects.filter(certifier__in=access.certifier_ids(request.user)), pk=pk
    )
    return _ask(request, satisfaction.request_after_session, session)


@staff_required
@require_POST
def satisfaction_deliberation(request, pk):
    deliberation = access.get_or_404(
        Deliberation.objects.filter(certifier__in=access.certifier_ids(request.user)), pk=pk
    )
    return _ask(request, satisfaction.request_after_deliberation, deliberation)
