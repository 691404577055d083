"""The insertion survey by personal link: no account, the link is the key (its rules:
acquis.followup.tokens). An invalid link is 404, an expired one or a closed survey 410."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from acquis.errors import AcquisError
from acquis.followup import clock, services, tokens
from acquis.followup import satisfaction as satisfaction_verbs
from acquis.www.errors import add_to_form
from acquis.www.public.survey_forms import SatisfactionForm, SurveyForm


def _invitation_or_page(request, token, purpose):
    try:
        return tokens.invitation_for(token, purpose, now=clock.now()), None
    except AcquisError as error:
        status = 404 if str(error) == tokens.INVALID else 410
        page = render(
            request, "www/public/survey_unavailable.html", {"error": error}, status=status
        )
        return None, page


def _context(invitation, token) -> dict:
    campaign = invitation.campaign
    return {
        "invitation": invitation,
        "campaign": campaign,
        "certifier": campaign.certifier.name,
        "token": token,
        "opt_out_url": reverse("public:survey_opt_out", args=[token_for_opt_out(invitation)]),
    }


def token_for_opt_out(invitation) -> str:
    return tokens.make_token(invitation, "opt-out")


@require_http_methods(["GET", "POST"])
def answer(request, token):
    invitation, page = _invitation_or_page(request, token, "answer")
    if page is not None:
        return page
    jobs = services.targeted_jobs(invitation.campaign)
    existing = services.answer_of(invitation)
    if request.method == "POST":
        form = SurveyForm(request.POST, jobs=jobs)
        if form.is_valid():
            try:
                services.submit_answer(token, form.answer(), now=clock.now())
            except AcquisError as error:
                add_to_form(form, error)
            else:
                return redirect(reverse("public:survey_answer", args=[token]) + "?enregistre=1")
    else:
        form = SurveyForm(initial=SurveyForm.initial_from(existing), jobs=jobs)
    context = _context(invitation, token) | {
        "form": form,
        "existing": existing,
        "saved": request.GET.get("enregistre") == "1" and existing is not None,
        "opted_out": invitation.opted_out_at is not None,
    }
    return render(request, "www/public/survey.html", context)


@require_http_methods(["GET", "POST"])
def opt_out(request, token):
    invitation, page = _invitation_or_page(request, token, "opt-out")
    if page is not None:
        return page
    if request.method == "POST":
        invitation = services.opt_out(token, now=clock.now())
    return render(
        request,
        "www/public/survey_opt_out.html",
        {"invitation": invitation, "campaign": invitation.campaign},
    )


@require_http_methods(["GET", "POST"])
def satisfaction(request, token):
    try:
        found = satisfaction_verbs.request_for(token, now=clock.now())
    except AcquisError as error:
        status = 404 if str(error) == tokens.INVALID else 410
        return render(
            request, "www/public/survey_unavailable.html", {"error": error}, status=status
        )
    existing = getattr(found, "answer", None)
    if request.method == "POST":
        form = SatisfactionForm(request.POST)
        if form.is_valid():
            satisfaction_verbs.submit(token, form.cleaned_data, now=clock.now())
            return redirect(reverse("public:satisfaction_answer", args=[token]) + "?enregistre=1")
    else:
        initial = {}
        if existing is not None:
            initial = {f: getattr(existing, f) for f in ("overall", "organisation", "comment")}
        form = SatisfactionForm(initial=initial)
    context = {
        "form": form,
        "request_obj": found,
        "event": found.session or found.deliberation,
        "saved": request.GET.get("enregistre") == "1" and existing is not None,
    }
    return render(request, "www/public/satisfaction.html", context)
