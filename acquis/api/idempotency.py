"""`Idempotency-Key` on every POST: a retried request creates nothing twice.

The key's record is written first, in the same transaction as the action: a concurrent
retry waits on it (unique index) and then replays the stored answer; an action that fails
rolls the record back with everything else, so the same key may be tried again. Only
successful answers are stored, for ACQUIS_API_IDEMPOTENCY_HOURS; the same key with another
request body is refused (422), a replayed answer carries `Idempotent-Replayed: true`.
"""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse, RawPostDataException
from django.utils import timezone

from acquis.api.problems import ApiProblem, item
from acquis.integrations.models import IdempotencyRecord

KEPT_HEADERS = ("Location", "ETag", "Content-Type")


def fingerprint(request) -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    try:
        digest.update(request.body)
    except RawPostDataException:  # multipart already read: hash the fields and files
        for name, value in sorted(request.POST.items()):
            digest.update(f"{name}={value}\n".encode())
        for name, upload in sorted(request.FILES.items()):
            digest.update(f"{name}:{upload.name}:{upload.size}\n".encode())
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    return digest.hexdigest()


def _replay(record: IdempotencyRecord, expected: str) -> HttpResponse:
    if record.fingerprint != expected:
        raise ApiProblem(
            422,
            "Cette clé d'idempotence a déjà servi pour une autre requête : "
            "choisissez une nouvelle clé pour une nouvelle requête.",
            slug="cle-idempotence-reutilisee",
            errors=[item("Clé déjà utilisée pour une autre requête.", "Idempotency-Key")],
        )
    response = HttpResponse(bytes(record.body), status=record.status_code)
    for name, value in record.headers.items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response


def run(request, key: str, action) -> HttpResponse:
    """Answer a POST once per key: `action()` returns the HttpResponse of the first try."""
    client, expected = request.auth, fingerprint(request)
    stale = timezone.now() - timedelta(hours=settings.ACQUIS_API_IDEMPOTENCY_HOURS)
    IdempotencyRecord.objects.filter(client=client, key=key, created_at__lt=stale).delete()
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    client=client, key=key, fingerprint=expected, status_code=0, body=b""
                )
        except IntegrityError:
            return _replay(IdempotencyRecord.objects.get(client=client, key=key), expected)
        response = action()
        if not 200 <= response.status_code < 300:
            transaction.set_rollback(True)
            return response
        record.status_code = response.status_code
        record.body = response.content
        record.headers = {h: response[h] for h in KEPT_HEADERS if response.has_header(h)}
        record.save(update_fields=["status_code", "body", "headers"])
    return response
