"""The e-mail log for the staff: every e-mail sent about their certifier's candidates,
sessions and users (paginated, filtered by kind and status), and « Renvoyer » (POST, with a
confirmation page, audited, a new row). The dossier and the session pages show their own
rows with the same table (www/staff/emails/_table.html).
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from acquis.emails import services
from acquis.emails.enums import EmailKind, EmailStatus
from acquis.emails.exceptions import EmailError
from acquis.emails.models import EmailLog
from acquis.www import confirm
from acquis.www.pagination import paginate
from acquis.www.perms import staff_required
from acquis.www.staff import access

NEXT = "suivant"
# The dossier and session pages show their latest e-mails; the full list is one link away.
EMAILS_SHOWN = 20


def visible_emails(user):
    return EmailLog.objects.for_certifiers(access.certifiers(user)).select_related(
        "candidacy__candidate", "session"
    )


@require_GET
@staff_required
def email_list(request):
    rows = visible_emails(request.user)
    kind = request.GET.get("type", "")
    status = request.GET.get("etat", "")
    if kind in EmailKind.values:
        rows = rows.filter(kind=kind)
    if status in EmailStatus.values:
        rows = rows.filter(status=status)
    context = {
        "pager": paginate(request, rows),
        "kinds": EmailKind.choices,
        "statuses": EmailStatus.choices,
        "kind": kind,
        "status": status,
    }
    return render(request, "www/staff/emails/list.html", context)


def _back(request) -> str:
    target = request.POST.get(NEXT, "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return ""


@staff_required
@require_POST
def email_resend(request, pk):
    log = access.get_or_404(visible_emails(request.user), pk=pk)
    back = _back(request) or "staff:emails"
    if not confirm.confirmed(request):
        return confirm.ask(
            request,
            title="Renvoyer ce courriel ?",
            consequences=[
                f"« {log.subject} » est envoyé à nouveau à {log.recipient}, tel qu'il a été "
                f"envoyé le {log.created_at:%d/%m/%Y à %H:%M}.",
                "L'envoi est inscrit au journal des courriels et à l'historique.",
            ],
            button="Renvoyer le courriel",
            back_url=_back(request) or reverse("staff:emails"),
            keep=(NEXT,),
            staff_menu=True,
        )
    try:
        new = services.resend(log, actor=request.user)
    except EmailError as exc:
        messages.error(request, exc.message)
    else:
        if new.failed:
            messages.error(request, f"Le courriel n'a pas pu être renvoyé : {new.error}")
        else:
            messages.success(request, f"Courriel renvoyé à {new.recipient}.")
    return redirect(back)
