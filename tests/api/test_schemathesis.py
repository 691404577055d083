"""Schemathesis (property-based, from the published OpenAPI document) on every operation.

In process through the WSGI application, with a token holding every scope, on the arranged
world of world.py: no 5xx, status codes, content types, headers and bodies as documented.
The examples per operation are bounded (SCHEMATHESIS_EXAMPLES) so that the run stays within
a few minutes on two cores; the summary (operations, examples, failures) is printed.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from tests.api import world

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "12"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.mark.django_db(transaction=False)
def test_every_operation_conforms(
    make_api, certifier, ops_version, habilitated, other_partner, settings, tmp_path
):
    settings.ACQUIS_API_RATE_LIMIT = 1_000_000
    world.build(settings, tmp_path, ops_version, habilitated, other_partner)
    api = make_api(certifier)
    # Called straight through WSGI, the application would close the test's database
    # connection at the end of each request (PostgreSQL): as Django's test client does, the
    # connection is kept for the test (from the loading of the document on).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    headers = {"Authorization": f"Bearer {api.token}"}
    operations, examples, failures = 0, 0, []
    try:
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
        for result in schema.get_all_operations():
            operation = result.ok()
            operations += 1
            calls = []
            try:
                _run(operation, headers, calls)
            except Exception as exc:  # noqa: BLE001 - collected, reported together
                failures.append(f"{operation.label}: {exc}")
            examples += len(calls)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    print(
        f"\nschemathesis : {operations} opérations, {examples} exemples, {len(failures)} échec(s)"
    )
    assert failures == [], "\n\n".join(failures)
    assert operations >= 27


def _run(operation, headers, calls):
    @settings_for_run
    @given(case=operation.as_strategy())
    def run(case):
        calls.append(1)
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS, headers=headers)

    run()


settings_for_run = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
