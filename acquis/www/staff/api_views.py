"""Staff screens of the machine API (administrator of the certifier only):

- `/gestion/api/`: the API clients, a form to create one; its page shows each token once
  (kept in the session until shown), lets the administrator issue and revoke tokens, revoke
  the client, add webhook subscriptions (secret shown once) and disable or enable them;
- `/gestion/api/livraisons/`: the webhook delivery log (state, attempts, last answer), one
  delivery with its attempts and payload, and "Renvoyer" (replay).
Another certifier's client or delivery is a 404.
"""

from datetime import datetime, time

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from acquis.errors import AcquisError
from acquis.integrations import clients, webhooks
from acquis.integrations.enums import DeliveryStatus
from acquis.integrations.models import ApiClient, ApiToken, WebhookDelivery, WebhookSubscription
from acquis.organisations.enums import OrganisationKind
from acquis.organisations.exceptions import OrganisationError
from acquis.organisations.models import Organisation
from acquis.www.errors import add_to_form
from acquis.www.perms import admin_required, administered_certifiers
from acquis.www.staff import access
from acquis.www.staff.access import get_or_404
from acquis.www.staff.api_forms import ApiClientForm, SubscriptionForm

SHOWN_ONCE = "api_secret_shown_once"


def _clients(user):
    return ApiClient.objects.filter(certifier__in=administered_certifiers(user)).select_related(
        "partner", "certifier"
    )


def _partners(user):
    return Organisation.objects.filter(
        kind=OrganisationKind.PARTNER, certifier__in=administered_certifiers(user)
    ).order_by("name")


def _administered_current(request):
    """The current certifier, if the user administers it (a client of the certifier itself,
    without a partner, is created for the certifier one works for)."""
    certifier = access.current_certifier(request)
    if not administered_certifiers(request.user).filter(pk=certifier.pk).exists():
        raise OrganisationError(
            f"Vous n'administrez pas le certificateur « {certifier} » : choisissez un "
            "partenaire, ou un autre certificateur (menu « Certificateur »).",
            field="partner",
        )
    return certifier


@require_GET
@admin_required
def api_clients(request):
    rows = _clients(request.user).order_by("revoked_at", "name")
    return render(request, "www/staff/api/clients.html", {"clients": rows})


@admin_required
@access.certifier_chosen
def api_client_create(request):
    form = ApiClientForm(request.POST or None, partners=_partners(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        partner = data["partner"]
        expires = data["expires_at"]
        try:
            certifier = partner.certifier if partner else _administered_current(request)
            client = clients.create_client(
                certifier=certifier,
                name=data["name"],
                scopes=data["scopes"],
                partner=partner,
                contact_email=data["contact_email"],
                expires_at=(
                    timezone.make_aware(datetime.combine(expires, time.max)) if expires else None
                ),
                actor=request.user,
            )
            _row, token = clients.issue_token(client, actor=request.user)
        except AcquisError as exc:
            add_to_form(form, exc)
        else:
            request.session[SHOWN_ONCE] = {"client": client.pk, "token": token}
            messages.success(request, f"Le client « {client.name} » est créé avec son jeton.")
            return redirect("staff:api_client", pk=client.pk)
    return render(request, "www/staff/api/client_form.html", {"form": form})


def _client_page(request, client, *, subscription_form=None, status=200):
    shown = request.session.pop(SHOWN_ONCE, None)
    if shown and shown.get("client") != client.pk:
        shown = None
    context = {
        "client": client,
        "tokens": client.tokens.all(),
        "subscriptions": client.subscriptions.all(),
        "subscription_form": subscription_form or SubscriptionForm(),
        "shown": shown,
        "recent": WebhookDelivery.objects.filter(subscription__client=client)[:5],
    }
    return render(request, "www/staff/api/client.html", context, status=status)


@require_GET
@admin_required
def api_client(request, pk):
    return _client_page(request, get_or_404(_clients(request.user), pk=pk))


def _act(request, call, success: str):
    try:
        call()
    except AcquisError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)


@admin_required
@require_POST
def api_token_issue(request, pk):
    client = get_or_404(_clients(request.user), pk=pk)
    try:
        _row, token = clients.issue_token(client, actor=request.user)
    except AcquisError as exc:
        messages.error(request, exc.message)
    else:
        request.session[SHOWN_ONCE] = {"client": client.pk, "token": token}
        messages.success(request, "Nouveau jeton émis : copiez-le maintenant.")
    return redirect("staff:api_client", pk=client.pk)


@admin_required
@require_POST
def api_token_revoke(request, pk):
    token = get_or_404(
        ApiToken.objects.filter(client__in=_clients(request.user)).select_related("client"), pk=pk
    )
    _act(
        request,
        lambda: clients.revoke_token(token, actor=request.user),
        f"Le jeton {token} est révoqué : il est refusé dès maintenant.",
    )
    return redirect("staff:api_client", pk=token.client_id)


@admin_required
@require_POST
def api_client_revoke(request, pk):
    client = get_or_404(_clients(request.user), pk=pk)
    _act(
        request,
        lambda: clients.revoke_client(client, actor=request.user),
        f"Le client « {client.name} » est révoqué, ses jetons et abonnements avec lui.",
    )
    return redirect("staff:api_client", pk=client.pk)


@admin_required
@require_POST
def api_subscription_create(request, pk):
    client = get_or_404(_clients(request.user), pk=pk)
    form = SubscriptionForm(request.POST)
    if form.is_valid():
        try:
            subscription = webhooks.subscribe(client, **form.cleaned_data, actor=request.user)
        except AcquisError as exc:
            add_to_form(form, exc)
        else:
            request.session[SHOWN_ONCE] = {"client": client.pk, "secret": subscription.secret}
            messages.success(request, "Abonnement créé : copiez son secret de signature.")
            return redirect("staff:api_client", pk=client.pk)
    return _client_page(request, client, subscription_form=form, status=400)


@admin_required
@require_POST
def api_subscription_toggle(request, pk):
    subscription = get_or_404(
        WebhookSubscription.objects.filter(client__in=_clients(request.user)), pk=pk
    )
    if subscription.active:
        _act(
            request,
            lambda: webhooks.disable(
                subscription, reason="Désactivé par l'administrateur.", actor=request.user
            ),
            "Abonnement désactivé.",
        )
    else:
        _act(
            request,
            lambda: webhooks.enable(subscription, actor=request.user),
            "Abonnement réactivé.",
        )
    return redirect("staff:api_client", pk=subscription.client_id)


def _deliveries(user):
    return WebhookDelivery.objects.filter(subscription__client__in=_clients(user)).select_related(
        "subscription__client"
    )


@require_GET
@admin_required
def webhook_deliveries(request):
    rows = _deliveries(request.user)
    status = request.GET.get("etat", "")
    if status in DeliveryStatus.values:
        rows = rows.filter(status=status)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    context = {"page": page, "statuses": DeliveryStatus.choices, "status": status}
    return render(request, "www/staff/api/deliveries.html", context)


@require_GET
@admin_required
def webhook_delivery(request, pk):
    delivery = get_or_404(_deliveries(request.user), pk=pk)
    context = {
        "delivery": delivery,
        "attempts": delivery.log.all(),
        "body": webhooks.body_of(delivery).decode("utf-8"),
        "replayable": delivery.status not in (DeliveryStatus.PENDING, DeliveryStatus.RETRYING),
    }
    return render(request, "www/staff/api/delivery.html", context)


@admin_required
@require_POST
def webhook_replay(request, pk):
    delivery = get_or_404(_deliveries(request.user), pk=pk)
    _act(
        request,
        lambda: webhooks.replay(delivery, actor=request.user),
        "Livraison renvoyée : le processus de traitement l'envoie dans un instant.",
    )
    return redirect("staff:webhook_delivery", pk=delivery.pk)
