"""Errors as RFC 9457 problem details (application/problem+json), in French.

Every error the API returns has `type`, `title`, `status`, `detail` and, when fields are at
fault, `errors`: one entry per problem with the field's path (`field`, dotted, e.g.
`candidate.birth_name` or `items[2].birth_name`, and `pointer`, a JSON Pointer into the
request body) and its French message.
"""

import json
import re

from django.http import HttpResponse

from acquis.errors import AcquisError

CONTENT_TYPE = "application/problem+json"
TYPE_BASE = "https://acquis.invalid/api/problemes/"

TITLES = {
    400: "Requête invalide",
    401: "Authentification requise",
    403: "Accès refusé",
    404: "Ressource introuvable",
    405: "Méthode non permise",
    409: "Conflit",
    412: "Précondition échouée",
    415: "Type de contenu non pris en charge",
    422: "Données refusées",
    428: "Précondition requise",
    429: "Trop de requêtes",
    500: "Erreur interne",
}


class ApiProblem(Exception):
    """Raised anywhere in the API: becomes a problem response (main.py's handler)."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        slug: str = "",
        errors: list[dict] | None = None,
        headers: dict | None = None,
    ):
        super().__init__(detail)
        self.status, self.detail = status, detail
        self.slug = slug or {
            400: "requete-invalide",
            401: "authentification",
            403: "droits",
            404: "introuvable",
            409: "conflit",
            412: "version-perimee",
            422: "donnees-refusees",
            428: "if-match-requis",
            429: "limite-de-debit",
        }.get(status, "erreur")
        self.errors = errors or []
        self.headers = headers or {}


def pointer(path: str) -> str:
    """`items[2].birth_name` -> `#/items/2/birth_name` (RFC 6901)."""
    parts = [p for p in re.split(r"[.\[\]]+", path) if p]
    return "#/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def item(message: str, field: str | None = None, index: int | None = None) -> dict:
    entry: dict = {"message": str(message)}
    if field:
        entry["field"] = field
        entry["pointer"] = pointer(field)
    if index is not None:
        entry["index"] = index
    return entry


def from_domain(exc: AcquisError, *, prefix: str = "", fields: dict | None = None) -> ApiProblem:
    """A refused domain action: 422 with its problems, each at the request's field path."""
    fields = fields or {}
    errors = []
    for problem in exc.problems:
        name = getattr(problem, "field", None)
        name = fields.get(name, name)
        path = f"{prefix}{name}" if name else (prefix.rstrip(".") or None)
        errors.append(item(str(problem.message), path))
    return ApiProblem(422, exc.message, errors=errors)


def response(request, status: int, detail: str, *, slug="", errors=None, headers=None):
    body = {
        "type": TYPE_BASE + (slug or "erreur"),
        "title": TITLES.get(status, "Erreur"),
        "status": status,
        "detail": detail,
        "instance": request.path,
        "errors": errors or [],
    }
    result = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=CONTENT_TYPE
    )
    for name, value in (headers or {}).items():
        result[name] = value
    return result


def of(request, problem: ApiProblem) -> HttpResponse:
    return response(
        request,
        problem.status,
        problem.detail,
        slug=problem.slug,
        errors=problem.errors,
        headers=problem.headers,
    )
