"""pydantic's validation errors, in French, with the request's field paths."""

from acquis.api.problems import item

MESSAGES = {
    "missing": "Champ obligatoire.",
    "extra_forbidden": "Champ inconnu.",
    "string_type": "Texte attendu.",
    "string_too_long": "{max_length} caractères au plus.",
    "string_too_short": "{min_length} caractère(s) au moins.",
    "int_type": "Nombre entier attendu.",
    "int_parsing": "Nombre entier attendu.",
    "int_from_float": "Nombre entier attendu.",
    "bool_type": "Booléen attendu (true ou false).",
    "bool_parsing": "Booléen attendu (true ou false).",
    "date_type": "Date attendue (AAAA-MM-JJ).",
    "date_parsing": "Date attendue (AAAA-MM-JJ).",
    "date_from_datetime_parsing": "Date attendue (AAAA-MM-JJ).",
    "date_from_datetime_inexact": "Date attendue (AAAA-MM-JJ), sans heure.",
    "datetime_type": "Date et heure attendues (ISO 8601).",
    "datetime_parsing": "Date et heure attendues (ISO 8601).",
    "datetime_from_date_parsing": "Date et heure attendues (ISO 8601).",
    "literal_error": "Valeur attendue : {expected}.",
    "greater_than_equal": "{ge} au moins.",
    "less_than_equal": "{le} au plus.",
    "greater_than": "Plus de {gt}.",
    "less_than": "Moins de {lt}.",
    "list_type": "Liste attendue.",
    "too_short": "{min_length} élément(s) au moins.",
    "too_long": "{max_length} élément(s) au plus.",
    "model_type": "Objet JSON attendu.",
    "model_attributes_type": "Objet JSON attendu.",
    "dict_type": "Objet JSON attendu.",
    "json_invalid": "Corps de requête JSON invalide.",
    "json_type": "Corps de requête JSON attendu.",
    "value_error": "Valeur invalide.",
}
SOURCES = {"body", "query", "path", "header", "form", "file", "cookie"}


def _message(error: dict) -> str:
    template = MESSAGES.get(error.get("type", ""), "Valeur invalide.")
    try:
        return template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError):
        return template


def _path(loc, body_params: set[str]) -> str:
    parts = list(loc)
    if parts and parts[0] in SOURCES:
        source = parts.pop(0)
        if source == "body" and parts and parts[0] in body_params:
            parts.pop(0)  # the view's parameter name is not part of the document
        elif source in {"query", "form", "file"} and parts and parts[0] in {"params", "filters"}:
            parts.pop(0)
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def problem_items(errors: list[dict]) -> list[dict]:
    body_params = {"payload", "body", "data"}
    return [item(_message(e), _path(e.get("loc", ()), body_params) or None) for e in errors]
