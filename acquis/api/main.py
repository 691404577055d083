"""The API object: authentication, error handlers, OpenAPI 3.1 document, routers.

django-ninja: pydantic validation of every body and parameter, an OpenAPI 3.1 document
generated from the same type hints (docs/api.md says why over DRF + drf-spectacular).
"""

import logging
from datetime import datetime

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder

from acquis.api import (
    problems,
    routes_candidacies,
    routes_candidates,
    routes_credentials,
    routes_evaluations,
    routes_placements,
    routes_referentials,
)
from acquis.api.auth import TokenAuth
from acquis.api.validation import problem_items
from acquis.errors import AcquisError

logger = logging.getLogger(__name__)

DESCRIPTION = """API d'Acquis pour les systèmes des organismes partenaires et des
certificateurs : référentiels, candidats et candidatures, stages, dépôts de pièces,
sessions et convocations, résultats, décisions, documents délivrés, accrochage.

- Authentification : `Authorization: Bearer <jeton>` (jetons créés par l'administrateur du
  certificateur, page « API et webhooks » de la gestion), droits par jeton (`x-scopes`).
- Un client d'organisme partenaire ne voit et n'écrit que ses propres candidatures.
- Erreurs : RFC 9457 (`application/problem+json`), en français, avec le chemin des champs.
- `Idempotency-Key` obligatoire sur chaque POST ; `If-Match` sur les modifications.
- Listes paginées par curseur, filtrables par `updated_since`.
- Webhooks signés (Standard Webhooks, HMAC-SHA256) : voir docs/api.md."""


class _Encoder(NinjaJSONEncoder):
    """Times to the microsecond, as pydantic writes them (Django's encoder stops at the
    millisecond): a list and a detail give the same `updated_at`."""

    def default(self, o):
        if isinstance(o, datetime):
            return o.isoformat().replace("+00:00", "Z")
        return super().default(o)


class _Renderer(JSONRenderer):
    encoder_class = _Encoder


class AcquisApi(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        # The view's name (unique across routers): what client generators name the method.
        return operation.view_func.__name__

    def get_openapi_schema(self, **kwargs):
        schema = super().get_openapi_schema(**kwargs)
        for path_item in schema["paths"].values():
            for operation in path_item.values():
                _problem_media_types(operation)
        return schema


def _problem_media_types(operation: dict) -> None:
    """Error responses are application/problem+json (ninja writes application/json)."""
    for code, answer in operation.get("responses", {}).items():
        content = answer.get("content") or {}
        if int(code) >= 400 and "application/json" in content:
            answer["content"] = {problems.CONTENT_TYPE: content["application/json"]}
        if int(code) == 429:
            answer["headers"] = {
                "Retry-After": {
                    "description": "Secondes à attendre avant de réessayer.",
                    "schema": {"type": "integer"},
                }
            }


api = AcquisApi(
    title="Acquis — API",
    version="1.0.0",
    description=DESCRIPTION,
    auth=TokenAuth(),
    renderer=_Renderer(),
    urls_namespace="api-v1",
    docs_url=None,
    openapi_url="/openapi.json",
)


@api.exception_handler(problems.ApiProblem)
def _problem(request, exc):
    return problems.of(request, exc)


@api.exception_handler(AcquisError)
def _domain(request, exc):
    return problems.of(request, problems.from_domain(exc))


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    return problems.response(
        request,
        422,
        "La requête ne respecte pas le schéma : voyez `errors`.",
        slug="donnees-refusees",
        errors=problem_items(exc.errors),
    )


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return problems.response(
        request,
        401,
        "Authentification requise : en-tête « Authorization: Bearer <jeton> ».",
        slug="authentification",
        headers={"WWW-Authenticate": "Bearer"},
    )


@api.exception_handler(HttpError)
def _http_error(request, exc):
    detail = {
        400: "Requête illisible (corps JSON ou formulaire mal formé).",
        405: "Méthode non permise sur cette adresse.",
        415: "Type de contenu non pris en charge.",
    }.get(exc.status_code, problems.TITLES.get(exc.status_code, "Erreur."))
    return problems.response(request, exc.status_code, detail)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return problems.response(request, 404, "Ressource introuvable.", slug="introuvable")


@api.exception_handler(Exception)
def _unexpected(request, exc):
    logger.exception("Erreur inattendue dans l'API", exc_info=exc)
    return problems.response(
        request, 500, "Erreur inattendue ; le détail est dans le journal du serveur."
    )


def _routers():
    api.add_router("", routes_referentials.router, tags=["Référentiels"])
    api.add_router("", routes_candidates.router, tags=["Candidats"])
    api.add_router("", routes_candidacies.router, tags=["Candidatures"])
    api.add_router("", routes_placements.router, tags=["Stages et dépôts"])
    api.add_router("", routes_evaluations.router, tags=["Sessions et résultats"])
    api.add_router("", routes_credentials.router, tags=["Décisions et documents"])


_routers()
