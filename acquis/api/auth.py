"""Bearer tokens, scopes and rate limits: who calls, and what they may do."""

from ninja.security import HttpBearer

from acquis.api import ratelimit
from acquis.api.problems import ApiProblem
from acquis.integrations import clients
from acquis.integrations.enums import Scope


class TokenAuth(HttpBearer):
    """`Authorization: Bearer acq_…`; the client becomes `request.auth`."""

    def authenticate(self, request, token):
        found = clients.authenticate(token)
        if found is None:
            raise ApiProblem(
                401,
                "Jeton d'accès invalide, révoqué ou expiré.",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        client = found.client
        allowed, _remaining, reset = ratelimit.hit(client)
        if not allowed:
            raise ApiProblem(
                429,
                f"Limite de {ratelimit.limit_for(client)} requêtes par minute atteinte : "
                f"réessayez dans {reset} s.",
                headers={"Retry-After": str(reset)},
            )
        request.api_token = found
        return client


def require(request, scope: Scope) -> None:
    if not request.auth.has_scope(scope):
        raise ApiProblem(
            403, f"Ce client n'a pas le droit « {scope.value} » ({scope.label.lower()})."
        )


def actor(request) -> clients.ApiActor:
    """The author of a write made by this request, as the audit log records it."""
    return clients.ApiActor(request.auth)
