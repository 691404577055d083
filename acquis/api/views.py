"""The API's reference page, rendered on the server from the OpenAPI document itself:
every operation (scope, parameters, body, answers) and every schema, in the site's own
accessible theme, with no JavaScript, no CDN and nothing inline (CSP)."""

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from acquis.api.main import api

METHODS = ("get", "post", "patch", "put", "delete")


def _ref_name(schema: dict | None) -> str:
    """A schema as a reader sees it: its name, `liste de X`, or its type."""
    if not schema:
        return ""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " ou ".join(_ref_name(s) for s in schema["anyOf"])
    if schema.get("type") == "array":
        return f"liste de {_ref_name(schema.get('items'))}"
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"])
    return schema.get("format") or schema.get("type", "")


def _operations(document: dict) -> list[dict]:
    found = []
    for path, item in document["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            body = (operation.get("requestBody") or {}).get("content", {})
            found.append(
                {
                    "anchor": operation["operationId"],
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "tag": (operation.get("tags") or [""])[0],
                    "parameters": [
                        {
                            "name": p["name"],
                            "where": p["in"],
                            "required": p.get("required", False),
                            "type": _ref_name(p.get("schema")),
                            "description": p.get("description")
                            or p.get("schema", {}).get("description", ""),
                        }
                        for p in operation.get("parameters", [])
                    ],
                    "body": [
                        {"type": media, "schema": _ref_name(content.get("schema"))}
                        for media, content in body.items()
                    ],
                    "responses": [
                        {
                            "status": status,
                            "description": answer.get("description", ""),
                            "content": [
                                {"type": media, "schema": _ref_name(c.get("schema"))}
                                for media, c in (answer.get("content") or {}).items()
                            ],
                        }
                        for status, answer in operation.get("responses", {}).items()
                    ],
                }
            )
    return found


def _schemas(document: dict) -> list[dict]:
    result = []
    for name, schema in sorted(document.get("components", {}).get("schemas", {}).items()):
        required = set(schema.get("required", []))
        result.append(
            {
                "name": name,
                "description": schema.get("description", ""),
                "fields": [
                    {
                        "name": field,
                        "type": _ref_name(spec),
                        "required": field in required,
                        "description": spec.get("description", ""),
                    }
                    for field, spec in (schema.get("properties") or {}).items()
                ],
                "values": schema.get("enum", []),
            }
        )
    return result


@require_GET
def reference(request):
    document = api.get_openapi_schema(path_prefix=reverse("api_reference").rstrip("/"))
    context = {
        "openapi_url": reverse("api-v1:openapi-json"),
        "info": document["info"],
        "version": document["openapi"],
        "operations": _operations(document),
        "schemas": _schemas(document),
    }
    return render(request, "api/reference.html", context)
