"""The API's contract: problems in French with field paths, idempotency, ETag/If-Match,
cursor pagination with updated_since, rate limits, tokens, the audit actor, the batch."""

import re
from datetime import timedelta
from datetime import timezone as dt_timezone

import pytest
from django.utils import timezone

from acquis.audit.models import AuditEvent
from acquis.audit.services import verify_chain
from acquis.candidates.models import Candidacy, Candidate, Cohort
from acquis.integrations import clients
from acquis.integrations.enums import Scope
from acquis.integrations.models import ApiToken
from tests import factories
from tests.api.conftest import Caller

pytestmark = pytest.mark.django_db
CONTINUING = "FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION"


def _register(api, version, **overrides):
    body = {
        "candidate": factories.identity(birth_date="1990-04-05"),
        "version_id": version.pk,
        "pathway": "training",
        "access_mode": CONTINUING,
    } | overrides
    return api.post("/candidacies", body)


def test_a_registration_goes_through_the_domain_and_is_audited_with_the_client(
    make_api, certifier, ops_version
):
    api = make_api(certifier)
    response = _register(api, ops_version, blocks=["B1", "B3"])
    assert response.status_code == 201
    body = response.json()
    assert body["blocks"] == ["B1", "B3"] and body["whole_title"] is False
    assert response["Location"] == f"/api/v1/candidacies/{body['id']}"
    event = AuditEvent.objects.get(verb="candidacy.registered")
    assert event.actor_id is None
    assert event.actor_label == f"client API n° {api.client.pk} « {api.client.name} »"
    assert verify_chain().ok


def test_domain_refusals_are_french_problems_with_field_paths(make_api, certifier, ops_version):
    api = make_api(certifier)
    response = _register(
        api, ops_version, candidate=factories.identity(birth_name="R2D2"), blocks=["B9"]
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422 and problem["title"] == "Données refusées"
    fields = {e["field"]: e["message"] for e in problem["errors"]}
    assert "lettres" in fields["candidate.birth_name"]
    assert {e["pointer"] for e in problem["errors"]} == {"#/candidate/birth_name"}
    assert Candidate.objects.count() == 0  # nothing half-written


def test_schema_refusals_are_french_too(make_api, certifier, ops_version):
    api = make_api(certifier)
    response = api.post(
        "/candidacies", {"version_id": "x", "pathway": "avion", "candidate": {"sex": "Z"}}
    )
    assert response.status_code == 422
    messages = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert messages["version_id"] == "Nombre entier attendu."
    assert messages["pathway"].startswith("Valeur attendue :")
    assert messages["candidate.birth_name"] == "Champ obligatoire."


def test_a_retried_post_creates_nothing_twice(make_api, certifier, ops_version):
    api = make_api(certifier)
    body = {
        "candidate": factories.identity(birth_date="1990-04-05"),
        "version_id": ops_version.pk,
        "pathway": "free",
    }
    first = api.post("/candidacies", body, key="inscription-42")
    again = api.post("/candidacies", body, key="inscription-42")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and again.content == first.content
    assert Candidacy.objects.count() == 1
    other = api.post("/candidacies", body | {"pathway": "training"}, key="inscription-42")
    assert other.status_code == 422
    assert other.json()["errors"][0]["field"] == "Idempotency-Key"
    missing = api.post("/candidacies", body, headers={"Idempotency-Key": ""})
    assert missing.status_code == 422


def test_a_failed_post_may_be_retried_with_the_same_key(make_api, certifier, ops_version):
    api = make_api(certifier)
    body = {"candidate": factories.identity(), "version_id": ops_version.pk, "pathway": "vae"}
    assert api.post("/candidacies", body, key="k").status_code == 422  # vae_route missing
    fixed = api.post("/candidacies", body | {"vae_route": "VAE_CLASSIQUE"}, key="k")
    assert fixed.status_code == 201


def test_updates_need_the_current_etag(make_api, certifier):
    api = make_api(certifier)
    person = factories.candidate(certifier)
    read = api.get(f"/candidates/{person.pk}")
    etag = read["ETag"]
    assert api.patch(f"/candidates/{person.pk}", {"city": "Lyon"}).status_code == 428
    updated = api.patch(f"/candidates/{person.pk}", {"city": "Lyon"}, {"If-Match": etag})
    assert updated.status_code == 200 and updated.json()["city"] == "Lyon"
    assert updated["ETag"] != etag
    stale = api.patch(f"/candidates/{person.pk}", {"city": "Bron"}, {"If-Match": etag})
    assert stale.status_code == 412
    person.refresh_from_db()
    assert person.city == "Lyon"
    event = AuditEvent.objects.filter(verb="candidate.updated").get()
    assert event.payload["changed"]["city"] == ["", "Lyon"]


def test_withdrawal_needs_a_reason_and_an_active_candidacy(make_api, certifier, ops_version):
    api = make_api(certifier)
    candidacy = factories.candidacy(ops_version)
    path = f"/candidacies/{candidacy.pk}/withdraw"
    assert api.post(path, {"reason": ""}).status_code == 422
    done = api.post(path, {"reason": "Reprise d'emploi."})
    assert done.status_code == 200 and done.json()["status"] == "withdrawn"
    assert done.json()["ecosystem"]["wedof_state"] == "aborted"
    again = api.post(path, {"reason": "Encore."})
    assert again.status_code == 409


def test_lists_page_by_cursor_and_filter_by_updated_since(make_api, certifier, ops_version):
    api = make_api(certifier)
    made = [factories.candidacy(ops_version) for _ in range(5)]
    seen, cursor = [], None
    while True:
        page = api.get("/candidacies", {"limit": 2} | ({"cursor": cursor} if cursor else {}))
        seen += [item["id"] for item in page.json()["items"]]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
    assert seen == [c.pk for c in made]
    mark = timezone.now()
    factories.services.move_candidacy(made[1], "in_progress")
    since = api.get("/candidacies", {"updated_since": mark.isoformat()})
    assert [item["id"] for item in since.json()["items"]] == [made[1].pk]
    bad = api.get("/candidacies", {"cursor": "n'importe quoi"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "cursor"
    # Any ISO 8601 offset is read as its UTC instant (PostgreSQL refuses offsets > 15:59).
    far = api.get("/candidacies", {"updated_since": "8957-04-03T11:28:42+21:31"})
    assert far.status_code == 200 and far.json()["items"] == []
    east = mark.astimezone(dt_timezone(timedelta(hours=23, minutes=59)))
    assert [
        i["id"]
        for i in api.get("/candidacies", {"updated_since": east.isoformat()}).json()["items"]
    ] == [made[1].pk]


def test_rate_limit_answers_429_with_retry_after(make_api, certifier, settings):
    settings.ACQUIS_API_RATE_LIMIT = 3
    api = make_api(certifier)
    statuses = [api.get("/certifications").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = api.get("/certifications")
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert "requêtes par minute" in limited.json()["detail"]
    assert make_api(certifier).get("/certifications").status_code == 200  # per client


def test_tokens_are_hashed_revocable_and_record_their_last_use(make_api, certifier):
    api = make_api(certifier)
    row = ApiToken.objects.get(client=api.client)
    assert api.token not in (row.digest, row.prefix) and row.last_used_at is None
    assert api.get("/certifications").status_code == 200
    row.refresh_from_db()
    assert row.last_used_at is not None
    clients.revoke_token(row, actor=None)
    refused = api.get("/certifications")
    assert refused.status_code == 401 and "Bearer" in refused["WWW-Authenticate"]
    assert Caller("acq_abc_def").get("/certifications").status_code == 401


def test_an_expired_or_revoked_client_is_refused(make_api, certifier):
    api = make_api(certifier, expires_at=timezone.now() + timedelta(minutes=5))
    assert api.get("/certifications").status_code == 200
    api.client.expires_at = timezone.now() - timedelta(seconds=1)
    api.client.save()
    assert api.get("/certifications").status_code == 401
    other = make_api(certifier)
    clients.revoke_client(other.client, actor=None)
    assert other.get("/certifications").status_code == 401


def test_a_partner_client_registers_for_its_own_organisation_only(
    make_api, certifier, ops_version, habilitated, other_partner
):
    api = make_api(certifier, partner=habilitated, scopes=[Scope.CANDIDACIES_WRITE])
    assert _register(api, ops_version).json()["partner_id"] == habilitated.pk
    refused = _register(api, ops_version, partner_id=other_partner.pk)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "partner_id"


def test_the_batch_is_all_or_nothing_with_errors_by_index(make_api, certifier, ops_version):
    api = make_api(certifier)
    cohort = Cohort.objects.create(certifier=certifier, version=ops_version, name="P2026")
    good = factories.identity(birth_date="1990-01-01") | {
        "pathway": "training",
        "access_mode": CONTINUING,
    }
    bad = factories.identity(birth_date="1990-01-02", sex="F") | {
        "pathway": "vae",
        "blocks": ["B9"],
    }
    refused = api.post("/candidacies:batch", {"cohort_id": cohort.pk, "items": [good, bad]})
    assert refused.status_code == 422
    errors = refused.json()["errors"]
    assert {e["index"] for e in errors} == {1}, errors
    assert {e["field"] for e in errors} == {"items[1].blocks"}
    assert errors[0]["pointer"] == "#/items/1/blocks" and "B9" in errors[0]["message"]
    assert Candidacy.objects.count() == 0
    dry = api.post("/candidacies:batch", {"cohort_id": cohort.pk, "dry_run": True, "items": [good]})
    assert dry.status_code == 200 and dry.json()["candidacies_created"] == 1
    assert Candidacy.objects.count() == 0
    done = api.post("/candidacies:batch", {"cohort_id": cohort.pk, "items": [good]})
    assert done.status_code == 201 and done.json()["candidacies_created"] == 1
    again = api.post("/candidacies:batch", {"cohort_id": cohort.pk, "items": [good]})
    assert again.json()["skipped"] == [0] and Candidacy.objects.count() == 1


def test_uploads_are_checked_by_content(make_api, certifier, ops_version):
    api = make_api(certifier)
    candidacy = factories.candidacy(ops_version, started=True)
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("memoire.pdf", b"pas un PDF", content_type="application/pdf")
    refused = api.post(f"/candidacies/{candidacy.pk}/memoir", files={"file": fake})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "file"
    accepted = api.post(
        f"/candidacies/{candidacy.pk}/memoir", files={"file": factories.pdf_upload()}
    )
    assert accepted.status_code == 201
    assert len(accepted.json()["document"]["sha256"]) == 64


def test_the_openapi_document_is_3_1_and_the_reference_page_is_generated(client):
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    operation = document["paths"]["/api/v1/candidacies"]["post"]
    assert "application/problem+json" in operation["responses"]["422"]["content"]
    assert operation["x-scopes"] == ["candidacies:write"]
    assert any(p["name"] == "Idempotency-Key" for p in operation["parameters"])
    page = client.get("/api/v1/").content.decode()
    assert 'id="register_candidacy"' in page and "POST /api/v1/candidacies:batch" in page
    assert "candidacies:write" in page and 'id="schema-CandidacyOut"' in page
    # Server-rendered and offline: no script but the site's own (the forms' focus helper).
    scripts = re.findall(r"<script[^>]*>", page)
    assert all('src="/static/' in tag for tag in scripts), scripts
    assert "cdn" not in page.lower()


def _redis_up() -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.2).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _redis_up(), reason="pas de Redis sur 127.0.0.1:6379")
def test_rate_limits_are_pooled_through_redis_when_configured(make_api, certifier, settings):
    """CACHE_URL=redis://…: the counters live in Redis (every process counts together)."""
    from django.core.cache import caches

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": "acquis-tests",
        }
    }
    caches["default"].clear()
    settings.ACQUIS_API_RATE_LIMIT = 2
    api = make_api(certifier)
    statuses = [api.get("/certifications").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert any(b"api-rate" in key for key in caches["default"]._cache.get_client().keys("*"))
    caches["default"].clear()
