"""What the demo's signed deliberation issues, through the real verbs (see juries.py).

The issuing batch of the 2025 certification jury runs to its end (`batches.run`, as the
worker would): the signed PV, Julie Marchand's certificate, Thomas Roux's block attestation,
a decision letter for each of the three, and the Open Badges (title and blocks). Then Julie
Marchand asks for her married name to appear: the certificate is replaced (the first one
revoked with the reason, a new number issued), so that the staff record, the public
verification and the holder's page show a revoked document beside the one in force; she
then loses it and receives a duplicata (same number and date, marked "DUPLICATA").
"""

import io

from django.conf import settings
from django.core.management import call_command

from acquis.candidates import services as dossiers
from acquis.credentials import batches, revocation
from acquis.credentials.enums import DocumentKind
from acquis.credentials.models import IssuedDocument
from acquis.demo.common import open_portal

REISSUE_REASON = (
    "Nom d'usage ajouté à la demande de la titulaire (acte de mariage présenté le jour même)."
)

DUPLICATE_REASON = "Certificat perdu lors d'un déménagement (demande de la titulaire)."


def ensure_keys() -> None:
    """The demo signs for real: demonstration keys when the installation has none (what
    `make run` does before the demo; here for `acquis demo` alone)."""
    quiet = io.StringIO()
    call_command("credentials_key", stdout=quiet)
    if not settings.ACQUIS_BADGE_KEY:
        call_command("credentials", "keygen", stdout=quiet)


def issue(deliberation, manager) -> None:
    ensure_keys()
    batch = batches.request_batch(deliberation, actor=manager, enqueue=False)
    batches.run(batch.pk)
    certificate = IssuedDocument.objects.filter(
        decision__deliberation=deliberation, kind=DocumentKind.CERTIFICATE
    ).first()
    if certificate is None:
        return
    holder = certificate.candidate
    dossiers.update_candidate(holder, data={"usage_name": "Lefèvre"}, actor=manager)
    replacement = revocation.reissue_document(certificate, reason=REISSUE_REASON, actor=manager)
    # She then lost the new one: a duplicata, same number and date, the original in force.
    revocation.issue_duplicate(replacement, reason=DUPLICATE_REASON, actor=manager)
    open_portal(holder, manager)  # she finds her documents and badges in her space
