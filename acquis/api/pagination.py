"""Cursor pagination in the order of the last change (`updated_since` + `cursor`).

Lists are ordered by (change time, id); the cursor is the opaque position of the last item
returned. A client syncs by keeping `next_cursor` until it is null, then asks again later
with `updated_since` set to the time of its previous sync: rows changed meanwhile (state
moves included) come back, none is skipped when several share a timestamp.
"""

import base64
import json
from datetime import UTC, datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from acquis.api.problems import ApiProblem, item

MAX_LIMIT = 200


def _encode(value: datetime, pk: int) -> str:
    raw = json.dumps([value.isoformat(), pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        stamp, pk = json.loads(raw)
        value = parse_datetime(stamp)
        if value is None or not isinstance(pk, int):
            raise ValueError
    except (ValueError, TypeError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ApiProblem(
            400,
            "Curseur de pagination invalide : reprenez la valeur `next_cursor` reçue.",
            errors=[item("Curseur invalide.", "cursor")],
        ) from exc
    return value, pk


def paginate(queryset, *, field: str, cursor: str | None, limit: int, updated_since=None):
    """(rows, next_cursor): `limit` rows after `cursor`, changed at or after `updated_since`."""
    queryset = queryset.order_by(field, "pk")
    if updated_since is not None:
        queryset = queryset.filter(**{f"{field}__gte": _in_utc(updated_since)})
    if cursor:
        value, pk = _decode(cursor)
        queryset = queryset.filter(Q(**{f"{field}__gt": value}) | Q(**{field: value, "pk__gt": pk}))
    rows = list(queryset[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1]
    return rows, _encode(_value(last, field), last.pk)


def _in_utc(moment: datetime) -> datetime:
    """The instant in UTC: PostgreSQL refuses offsets that ISO 8601 allows (up to ±23:59),
    and a naive time is read in the installation's time zone."""
    try:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment.astimezone(UTC)
    except OverflowError:
        raise ApiProblem(
            422,
            "Paramètre updated_since : date hors des limites.",
            errors=[item("Date hors des limites.", "updated_since")],
        ) from None


def _value(row, field: str):
    value = row
    for part in field.split("__"):
        value = getattr(value, part)
    return value
