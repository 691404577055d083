"""What every operation shares: declared error responses, list parameters, JSON answers."""

from datetime import datetime

from django.http import HttpResponse
from ninja import Field as F
from ninja import Schema

from acquis.api.schemas import Problem

AUTH_ERRORS = (401, 403, 429)


def errors(*codes: int) -> dict:
    """Problem responses of an operation (401, 403, 429 always)."""
    return dict.fromkeys(sorted({*AUTH_ERRORS, *codes}), Problem)


def scoped(scope, summary: str, description: str = "") -> dict:
    """Route keywords naming the scope an operation needs (in its doc and `x-scopes`)."""
    text = f"Droit requis : `{scope.value}`." + (f"\n\n{description}" if description else "")
    return {"summary": summary, "description": text, "openapi_extra": {"x-scopes": [scope.value]}}


class ListParams(Schema):
    cursor: str | None = F(
        None, max_length=200, description="Position rendue par la page précédente."
    )
    limit: int = F(50, ge=1, le=200, description="Éléments par page (200 au plus).")
    updated_since: datetime | None = F(
        None, description="Seulement ce qui a changé depuis cet instant (ISO 8601)."
    )


# Database ids: positive, and within what every database (and JSON number) holds.
ID = {"ge": 1, "le": 2**53 - 1}


def json_response(schema, data: dict, *, status: int = 200, headers: dict | None = None):
    """Validate `data` against `schema` and answer it (the idempotent POSTs build their own
    response, which is stored and replayed byte for byte)."""
    body = schema.model_validate(data).model_dump_json()
    response = HttpResponse(body, status=status, content_type="application/json")
    for name, value in (headers or {}).items():
        response[name] = value
    return response
