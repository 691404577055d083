"""Every endpoint × scope × (certifier / own partner / other partner / other certifier).

One arranged world (world.py), one test: each read is tried by each client and without the
scope it needs; each write on an object of the other partner, then by its owner. Every
mismatch is reported together.
"""

import pytest

from acquis.candidates.models import Cohort
from acquis.integrations import webhooks
from acquis.integrations.enums import EventType, Scope
from tests import factories
from tests.api import world
from tests.api.conftest import ALL_SCOPES, Caller

S = Scope
# (path builder, scope, expected for certifier, own partner, other partner, other certifier)
# "list-own": a list answered 200, holding the own object for the first two, not the others.
READS = [
    ("/certifications", S.REFERENTIALS_READ, (200, 200, 200, 200)),
    ("/versions", S.REFERENTIALS_READ, (200, 200, 200, 200)),
    ("/versions/{version}", S.REFERENTIALS_READ, (200, 200, 200, 404)),
    ("/candidates", S.CANDIDACIES_READ, "list-own"),
    ("/candidates/{candidate}", S.CANDIDACIES_READ, (200, 200, 404, 404)),
    ("/candidacies", S.CANDIDACIES_READ, "list-own"),
    ("/candidacies/{own}", S.CANDIDACIES_READ, (200, 200, 404, 404)),
    ("/candidacies/{own}/placements", S.CANDIDACIES_READ, (200, 200, 404, 404)),
    ("/sessions", S.SESSIONS_READ, "list-own"),
    ("/sessions/{session}", S.SESSIONS_READ, (200, 200, 404, 404)),
    ("/convocations", S.SESSIONS_READ, "list-own"),
    ("/convocations/{slot}", S.SESSIONS_READ, (200, 200, 404, 404)),
    ("/results", S.RESULTS_READ, "list-own"),
    ("/results/{result}", S.RESULTS_READ, (200, 200, 404, 404)),
    ("/decisions", S.RESULTS_READ, "list-own"),
    ("/decisions/{decision}", S.RESULTS_READ, (200, 200, 404, 404)),
    ("/accrochage", S.RESULTS_READ, "list-own"),
    ("/issued-documents", S.DOCUMENTS_READ, "list-own"),
    ("/issued-documents/{document}", S.DOCUMENTS_READ, (200, 200, 404, 404)),
    ("/badges", S.DOCUMENTS_READ, "list-own"),
    ("/badges/{badge}", S.DOCUMENTS_READ, (200, 200, 404, 404)),
]
URL = "http://127.0.0.1:9/webhooks"
CLIENTS = ("certificateur", "partenaire", "autre_partenaire", "autre_certificateur")


def _deliveries(subscriptions, w) -> list:
    """Every kind of event reached the certifier's subscription; a partner's, only the events
    of its own candidacies; another certifier's, none."""
    found = {
        name: set(s.deliveries.values_list("event_type", flat=True))
        for name, s in subscriptions.items()
    }
    candidacies = {
        name: {d.payload["data"].get("candidacy_id") for d in s.deliveries.all()} - {None}
        for name, s in subscriptions.items()
    }
    expected = {
        "certificateur": set(EventType.values),
        "partenaire": set(EventType.values),
        "autre_partenaire": {"candidacy.registered", "candidacy.status_changed"},
        "autre_certificateur": set(),
    }
    mismatches = [
        ("webhooks", name, sorted(found[name]), sorted(expected[name]))
        for name in subscriptions
        if found[name] != expected[name]
    ]
    own = {w["own"].pk, w["convoked"].pk}
    if not candidacies["partenaire"] <= own or w["other"].pk not in candidacies["autre_partenaire"]:
        mismatches.append(("webhooks", "candidatures", candidacies, own))
    return mismatches


def _ids(w) -> dict:
    own = w["own"]
    return {
        "version": own.version_id,
        "candidate": own.candidate_id,
        "own": own.pk,
        "session": w["session"].pk,
        "slot": w["slot"].pk,
        "result": w["result_slot"].consolidation.pk,
        "decision": w["decision"].pk,
        "document": own.candidate.issued_documents.first().pk,
        "badge": w["decision"].credentials.first().pk,
    }


def _own_id(path: str, ids: dict):
    """The id the list must hold for the certifier and the own partner."""
    key = {
        "/candidates": "candidate",
        "/candidacies": "own",
        "/sessions": "session",
        "/convocations": "slot",
        "/results": "result",
        "/decisions": "decision",
        "/issued-documents": "document",
        "/badges": "badge",
    }.get(path)
    return ids[key] if key else None


@pytest.mark.django_db
def test_every_endpoint_scope_and_owner(
    make_api, certifier, other_certifier, ops_version, habilitated, other_partner, settings,
    tmp_path,
):  # fmt: skip
    settings.ACQUIS_API_RATE_LIMIT = 1_000_000
    callers = {
        "certificateur": make_api(certifier),
        "partenaire": make_api(certifier, partner=habilitated),
        "autre_partenaire": make_api(certifier, partner=other_partner),
        "autre_certificateur": make_api(other_certifier),
    }
    subscriptions = {
        name: webhooks.subscribe(caller.client, url=URL, events=EventType.values, actor=None)
        for name, caller in callers.items()
    }
    w = world.build(settings, tmp_path, ops_version, habilitated, other_partner)
    ids = _ids(w)
    mismatches = _deliveries(subscriptions, w)
    for template, scope, expected in READS:
        path = template.format(**ids)
        for index, name in enumerate(CLIENTS):
            response = callers[name].get(path)
            if expected == "list-own":
                key = _own_id(template, ids)
                found = response.status_code == 200 and any(
                    item.get("id", item.get("decision_id")) == (key or ids["decision"])
                    for item in response.json()["items"]
                )
                if response.status_code != 200 or found != (index < 2):
                    mismatches.append((path, name, response.status_code, "liste"))
            elif response.status_code != expected[index]:
                mismatches.append((path, name, response.status_code, expected[index]))
        without = make_api(certifier, scopes=[s for s in ALL_SCOPES if s != scope])
        if (status := without.get(path).status_code) != 403:
            mismatches.append((path, f"sans {scope.value}", status, 403))
        if (status := Caller(None).get(path).status_code) != 401:
            mismatches.append((path, "sans jeton", status, 401))
    mismatches += _writes(w, callers, make_api, certifier, ops_version)
    assert mismatches == [], f"(adresse, client, obtenu, attendu) {mismatches}"


def _writes(w, callers, make_api, certifier, version) -> list:
    """Each write on the other partner's objects: 404 for the own partner and the other
    certifier, allowed for the other partner (last), 403 without the scope."""
    other, placement = w["other"], w["placement"]
    cohort = Cohort.objects.create(certifier=certifier, version=version, name="Lot API")
    pdf = lambda: {"file": factories.pdf_upload()}  # noqa: E731
    writes = [
        ("post", f"/candidacies/{other.pk}/placements", S.PLACEMENTS_WRITE, 201,
         {"host_structure": "CCAS", "position": "Agent", "tutor_name": "B. Tuteur"}),
        ("post", f"/placements/{placement.pk}/periods", S.PLACEMENTS_WRITE, 201,
         {"starts_on": "2025-03-03", "ends_on": "2025-03-07", "days_worked": 5}),
        ("file", f"/placements/{placement.pk}/attestation", S.PLACEMENTS_WRITE, 201, pdf),
        ("file", f"/candidacies/{other.pk}/memoir", S.DOCUMENTS_WRITE, 201, pdf),
        ("patch", f"/candidates/{other.candidate_id}", S.CANDIDACIES_WRITE, 200,
         {"phone": "06 00 00 00 00"}),
        ("post", f"/candidacies/{other.pk}/withdraw", S.CANDIDACIES_WRITE, 200,
         {"reason": "Déménagement."}),
    ]  # fmt: skip
    mismatches = []
    for method, path, scope, success, body in writes:
        for name, expected in (
            ("partenaire", 404),
            ("autre_certificateur", 404),
            ("autre_partenaire", success),
        ):
            status = _write(callers[name], method, path, body)
            if status != expected:
                mismatches.append((f"{method} {path}", name, status, expected))
        without = make_api(certifier, scopes=[s for s in ALL_SCOPES if s != scope])
        if (status := _write(without, method, path, body)) != 403:
            mismatches.append((f"{method} {path}", f"sans {scope.value}", status, 403))
    identity = factories.identity(birth_date="1991-05-06")
    register = {"candidate": identity, "version_id": version.pk, "pathway": "free"}
    batch = {"cohort_id": cohort.pk, "items": [factories.identity(birth_date="1992-05-06")
             | {"pathway": "free"}]}  # fmt: skip
    for path, body, expected in (
        ("/candidacies", register, (201, 201, 404)),
        ("/candidacies:batch", batch, (201, 201, 404)),
        ("/candidates", factories.identity(birth_date="1993-05-06"), (201, 403, 201)),
    ):
        for name, status in zip(
            ("certificateur", "partenaire", "autre_certificateur"), expected, strict=True
        ):
            got = _write(callers[name], "post", path, _fresh(body))
            if got != status:
                mismatches.append((f"post {path}", name, got, status))
    return mismatches


def _fresh(body: dict) -> dict:
    """The same request with a new identity (each client registers its own person)."""
    if "candidate" in body:
        return body | {"candidate": factories.identity(birth_date="1991-05-06")}
    if "items" in body:
        return body | {"items": [factories.identity(birth_date="1992-05-06") | {"pathway": "free"}]}
    return factories.identity(birth_date="1993-05-06")


def _write(caller, method, path, body) -> int:
    if method == "file":
        return caller.post(path, files=body()).status_code
    if method == "patch":
        read = caller.get(path)
        headers = {"If-Match": read.headers.get("ETag", '"x"')}
        return (
            caller.patch(path, body, headers=headers).status_code
            if read.status_code == 200
            else read.status_code
        )
    return caller.post(path, body).status_code
