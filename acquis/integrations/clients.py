"""Verbs of API clients: create, issue and revoke tokens, authenticate a bearer token.

A token reads `acq_<prefix>_<secret>`: the prefix finds the row, the SHA-256 of the whole
token is compared in constant time. Tokens carry 256 bits of randomness, so a fast hash is
enough (a password hash slows guessing of low-entropy secrets; there is none to slow here).
The token itself is returned once, by `issue_token`, and never stored.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from acquis.audit.services import record_event
from acquis.integrations.enums import Scope
from acquis.integrations.exceptions import IntegrationError
from acquis.integrations.models import ApiClient, ApiToken
from acquis.organisations.enums import OrganisationKind

TOKEN_PREFIX = "acq"  # noqa: S105 - a marker, not a secret
# last_used_at is written at most this often per token (one write per request otherwise).
LAST_USE_PRECISION = timedelta(minutes=1)


@dataclass(frozen=True)
class ApiActor:
    """The author of a write made through the API, as the audit log records it.

    `pk` is None: the audit event has no user; its `actor_label` names the client (that
    label is hashed into the chain like any other, so nothing of the chain changes).
    """

    client: ApiClient
    pk: None = None

    def __str__(self) -> str:
        return f"client API n° {self.client.pk} « {self.client.name} »"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_client_fields(*, certifier, partner, name: str, scopes, contact_email: str = ""):
    errors = {}
    if not (name or "").strip():
        errors["name"] = "Donnez un nom au client (le système qui appellera l'API)."
    unknown = [s for s in scopes if s not in Scope.values]
    if not scopes:
        errors["scopes"] = "Choisissez au moins un droit."
    elif unknown:
        errors["scopes"] = f"Droit(s) inconnu(s) : {', '.join(unknown)}."
    if partner is not None and (
        partner.kind != OrganisationKind.PARTNER or partner.certifier_id != certifier.pk
    ):
        errors["partner"] = "Cet organisme n'est pas un partenaire du certificateur."
    if errors:
        raise IntegrationError("Le client de l'API n'est pas valide.", errors)


@transaction.atomic
def create_client(
    *,
    certifier,
    name: str,
    scopes: list[str],
    partner=None,
    contact_email: str = "",
    expires_at=None,
    actor,
) -> ApiClient:
    check_client_fields(certifier=certifier, partner=partner, name=name, scopes=scopes)
    if expires_at is not None and expires_at <= timezone.now():
        raise IntegrationError(
            "La date d'expiration est passée.", {"expires_at": "Choisissez une date à venir."}
        )
    client = ApiClient.objects.create(
        certifier=certifier,
        partner=partner,
        name=name.strip(),
        contact_email=contact_email.strip(),
        scopes=sorted(set(scopes), key=Scope.values.index),
        expires_at=expires_at,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    record_event(
        "api_client.created",
        client,
        actor=actor,
        payload={"scopes": client.scopes, "partner": partner.pk if partner else None},
    )
    return client


@transaction.atomic
def issue_token(client: ApiClient, *, actor) -> tuple[ApiToken, str]:
    """A new token for the client; returns the row and the token (to show once)."""
    if not client.is_usable():
        raise IntegrationError("Ce client est révoqué ou expiré : aucun jeton ne peut être émis.")
    prefix = secrets.token_hex(6)
    token = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiToken.objects.create(
        client=client,
        prefix=prefix,
        digest=_digest(token),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    record_event("api_client.token_issued", client, actor=actor, payload={"token": prefix})
    return row, token


@transaction.atomic
def revoke_token(token: ApiToken, *, actor) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise IntegrationError("Ce jeton est déjà révoqué.")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_event(
        "api_client.token_revoked", token.client, actor=actor, payload={"token": token.prefix}
    )
    return token


@transaction.atomic
def revoke_client(client: ApiClient, *, actor) -> ApiClient:
    """The client and all its tokens stop working; its subscriptions stop receiving."""
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    if client.revoked_at is not None:
        raise IntegrationError("Ce client est déjà révoqué.")
    now = timezone.now()
    client.revoked_at = now
    client.save(update_fields=["revoked_at"])
    client.tokens.filter(revoked_at__isnull=True).update(revoked_at=now)
    client.subscriptions.filter(active=True).update(
        active=False, disabled_at=now, disabled_reason="Client révoqué."
    )
    record_event("api_client.revoked", client, actor=actor)
    return client


def authenticate(raw: str, *, now=None) -> ApiToken | None:
    """The live token matching `raw` (client usable), or None; records its last use."""
    parts = (raw or "").split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    token = (
        ApiToken.objects.select_related("client", "client__certifier", "client__partner")
        .filter(prefix=parts[1], revoked_at__isnull=True)
        .first()
    )
    if token is None or not hmac.compare_digest(token.digest, _digest(raw)):
        return None
    now = now or timezone.now()
    if not token.client.is_usable(now):
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USE_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
