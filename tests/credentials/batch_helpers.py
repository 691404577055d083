"""Shared arrangements of the issuing batch tests (service, pages, CLI, browser).

`keys(settings, tmp_path)`: a demonstration PDF signing pair and a badge key, as `make run`
creates them. `signed_deliberation(version, n)`: a signed deliberation whose decisions are, in
order of their id, a total validation, a partial one (B3 not acquired) and a refusal,
repeated up to n decisions.
"""

from acquis.credentials import badges
from acquis.credentials.models import IssuedCredential, IssuedDocument
from acquis.credentials.signing import create_demo_pair
from tests.juries import factories as jf

PATTERN = [(), ("C3.2.1",), ("C1.1.1", "C2.1.1", "C3.2.1", "C4.1.1")]


def keys(settings, folder):
    key, cert = folder / "pdf-key.pem", folder / "pdf-cert.pem"
    create_demo_pair(key, cert, organisation="OPS Conseil")
    settings.ACQUIS_PDF_SIGNING_KEY, settings.ACQUIS_PDF_SIGNING_CERT = key, cert
    settings.ACQUIS_BADGE_KEY = badges.key_to_multibase(badges.generate_key())
    settings.SITE_URL = "https://acquis.example.fr"


def signed_deliberation(version, n=3):
    candidacies = [jf.ready_candidacy(version, not_acquired=list(PATTERN[i % 3])) for i in range(n)]
    return jf.decided_and_signed(version, candidacies)


def live_documents(deliberation):
    return IssuedDocument.objects.filter(
        decision__deliberation=deliberation, revoked_at__isnull=True
    )


def assert_issued_once(deliberation):
    """Each decision has at most one live document of each kind and one badge per award;
    the certifier's numbers are unique and follow each other without a gap."""
    documents = list(live_documents(deliberation).values_list("decision_id", "kind", "number"))
    assert len(documents) == len({(d, k) for d, k, _ in documents})
    badges_issued = list(
        IssuedCredential.objects.filter(decision__deliberation=deliberation).values_list(
            "decision_id", "block_id"
        )
    )
    assert len(badges_issued) == len(set(badges_issued))
    numbers = sorted(int(n.rsplit("-", 1)[1]) for _, _, n in documents if n.startswith("OPS-"))
    assert numbers == list(range(1, len(numbers) + 1))
    return documents, badges_issued
