"""Public verification /verifier/<code>/: valid, revoked, unknown (404), rate limit (429)."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from acquis.credentials import documents, issuing, verification
from acquis.juries.enums import DecisionKind
from acquis.juries.models import Deliberation
from tests.conftest import module_world
from tests.credentials.test_documents import B3_FAILED
from tests.juries import factories as jf

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_settings")]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _total_and_partial(version) -> int:
    total = jf.ready_candidacy(version)
    partial = jf.ready_candidacy(version, not_acquired=B3_FAILED)
    return jf.decided_and_signed(version, [total, partial]).pk


signed_total_and_partial = module_world(_total_and_partial)  # once for the module's tests


@pytest.fixture
def issued(signed_total_and_partial, ops_version):
    deliberation = Deliberation.objects.get(pk=signed_total_and_partial)
    report = issuing.issue_for_deliberation(deliberation, actor=None)
    numbered = [doc for doc in report.issued if doc.kind in documents.NUMBERED_KINDS]
    return {doc.decision.kind: doc for doc in numbered}


def url(code: str) -> str:
    return reverse("public:verify_document", args=[code])


def test_masking():
    assert verification.mask("Marchand") == "M*******"
    assert verification.mask("") == ""


def test_a_valid_certificate(client, issued, ops_version):
    document = issued[DecisionKind.TOTAL]
    person = document.candidate
    response = client.get(url(document.verification_code))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Document valide" in page
    assert document.number in page
    assert ops_version.title.replace("'", "&#x27;") in page
    assert f"{person.first_name[0]}{'*' * (len(person.first_name) - 1)}" in page
    assert person.birth_name.upper()[0] + "*" in page
    # No other personal data: full name, birth date, email.
    assert person.birth_name.upper() not in page and person.birth_name not in page
    assert person.birth_date.strftime("%d/%m/%Y") not in page
    assert str(person.birth_date.year) not in page.replace(str(document.issued_at.year), "")
    for code in ("B1", "B2", "B3", "B4"):
        assert code in page
    assert response["Cache-Control"].startswith("max-age=0")


def test_an_attestation_lists_its_blocks_acquired_for_good(client, issued):
    document = issued[DecisionKind.PARTIAL]
    page = client.get(url(document.verification_code)).content.decode()
    assert "Attestation de blocs de compétences" in page
    assert "B1" in page and "B3 —" not in page
    assert page.count("<td>acquis définitivement</td>") == 3
    assert "Valable jusqu" not in page


def test_a_revoked_document(client, issued):
    document = issued[DecisionKind.TOTAL]
    documents.revoke_document(document, reason="Erreur de saisie", actor=None)
    response = client.get(url(document.verification_code))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Document révoqué le" in page
    assert "Document valide" not in page
    assert "Erreur de saisie" not in page  # the reason stays internal


def test_an_unknown_code_is_a_neutral_404(client, issued):
    response = client.get(url("code-inconnu"))
    assert response.status_code == 404
    page = response.content.decode()
    assert "Document inconnu" in page
    assert issued[DecisionKind.TOTAL].number not in page


def test_repeated_failures_are_rate_limited(client, issued, settings):
    settings.ACQUIS_VERIFY_MAX_FAILURES = 3
    for n in range(3):
        assert client.get(url(f"faux-{n}")).status_code == 404
    response = client.get(url(issued[DecisionKind.TOTAL].verification_code))
    assert response.status_code == 429  # even a good code, once blocked
    assert "Trop de vérifications infructueuses" in response.content.decode()
    # Another address is not blocked.
    other = client.get(url(issued[DecisionKind.TOTAL].verification_code), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_successful_look_ups_do_not_count(client, issued, settings):
    settings.ACQUIS_VERIFY_MAX_FAILURES = 2
    code = issued[DecisionKind.TOTAL].verification_code
    for _ in range(5):
        assert client.get(url(code)).status_code == 200
    assert client.get(url("faux")).status_code == 404
    assert client.get(url(code)).status_code == 200
