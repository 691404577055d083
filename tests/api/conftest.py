"""API clients, tokens and a caller for the machine API tests."""

import itertools
import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client

from acquis.integrations import clients
from acquis.integrations.enums import Scope
from acquis.organisations.enums import Habilitation, OrganisationKind
from acquis.organisations.models import Organisation

ALL_SCOPES = list(Scope.values)
_keys = itertools.count(1)


class Caller:
    """Calls /api/v1/ with a bearer token; POSTs get a fresh Idempotency-Key unless given."""

    def __init__(self, token: str | None):
        self.http = Client()
        self.token = token

    def _headers(self, headers):
        result = dict(headers or {})
        if self.token:
            result.setdefault("Authorization", f"Bearer {self.token}")
        return result

    def get(self, path, params=None, headers=None):
        return self.http.get(f"/api/v1{path}", params or {}, headers=self._headers(headers))

    def post(self, path, body=None, *, key=None, headers=None, files=None):
        headers = self._headers(headers)
        headers.setdefault("Idempotency-Key", key or f"cle-{next(_keys)}")
        if files is not None:
            return self.http.post(f"/api/v1{path}", files, headers=headers)
        return self.http.post(
            f"/api/v1{path}",
            json.dumps(body if body is not None else {}, cls=DjangoJSONEncoder),
            content_type="application/json",
            headers=headers,
        )

    def patch(self, path, body, headers=None):
        return self.http.patch(
            f"/api/v1{path}",
            json.dumps(body, cls=DjangoJSONEncoder),
            content_type="application/json",
            headers=self._headers(headers),
        )


@pytest.fixture
def habilitated(partner):
    partner.habilitation = Habilitation.BOTH
    partner.siret = "12345678900011"
    partner.save()
    return partner


@pytest.fixture
def other_partner(certifier):
    return Organisation.objects.create(
        kind=OrganisationKind.PARTNER,
        name="Autre Formation",
        certifier=certifier,
        habilitation=Habilitation.BOTH,
        siret="98765432100019",
    )


@pytest.fixture
def make_api():
    """make_api(certifier, scopes=ALL, partner=None) -> Caller with a fresh token."""

    def build(certifier, scopes=None, partner=None, **extra):
        client = clients.create_client(
            certifier=certifier,
            name=f"Système {next(_keys)}",
            scopes=scopes if scopes is not None else ALL_SCOPES,
            partner=partner,
            actor=None,
            **extra,
        )
        _row, token = clients.issue_token(client, actor=None)
        caller = Caller(token)
        caller.client = client
        return caller

    return build


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate limits count in the cache, by client id: ids come back after each rollback."""
    from django.core.cache import cache

    cache.clear()
