"""Arrange data through the real services, with domain situations as keywords."""

import io
import itertools
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from acquis.candidates import services
from acquis.candidates.enums import AccessMode, AdmissibilityDecision, Pathway, VaeRoute

_seq = itertools.count(1)

# One blank page: the smallest PDF a reader (and the upload's inspection, qpdf) opens.
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def pdf_upload(name="piece.pdf", content=MINIMAL_PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def odt_bytes() -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def identity(**overrides) -> dict:
    n = next(_seq)
    data = {
        "birth_name": f"Durand{chr(65 + n % 26)}",
        "first_name": f"Camille{chr(65 + (n // 26) % 26)}",
        "sex": "F",
        "birth_date": date(1990, 1, 1 + n % 28),
        "birth_insee_code": "69123",
        "birth_city": "Lyon",
        "email": f"candidat{n}@exemple.fr",
    }
    return data | overrides


def candidate(certifier, **overrides):
    return services.create_candidate(certifier=certifier, data=identity(**overrides))


def candidacy(
    version,
    certifier=None,
    *,
    vae=False,
    free=False,
    admissible=False,
    file_complete=False,
    started=False,
    blocks=None,
    partner=None,
    cohort=None,
    person=None,
    actor=None,
):
    certifier = certifier or version.certification.owner
    person = person or candidate(certifier)
    if vae:
        kw = {"pathway": Pathway.VAE, "access_mode": AccessMode.VAE, "vae_route": VaeRoute.CLASSIC}
    elif free:
        kw = {"pathway": Pathway.FREE}
    else:
        kw = {"pathway": Pathway.TRAINING, "access_mode": AccessMode.CONTINUING}
    result = services.register_candidacy(
        candidate=person,
        version=version,
        block_codes=blocks,
        partner=partner,
        cohort=cohort,
        actor=actor,
        **kw,
    )
    if vae and admissible:
        request = services.request_admissibility(result, upload=pdf_upload(), actor=actor)
        services.decide_admissibility(
            request, decision=AdmissibilityDecision.ADMISSIBLE, actor=actor
        )
    if vae and admissible and file_complete:
        # The VAE oral comes after the validation file, declared complete.
        vfile = services.submit_validation_file(
            result, upload=pdf_upload("dossier.pdf"), actor=actor
        )
        services.decide_validation_file(vfile, decision="complete", actor=actor)
    if started and not vae:
        services.move_candidacy(result, "in_progress", actor=actor)
    result.refresh_from_db()
    return result


def memoir_checked(candidacy, *, actor=None):
    """The memoir submitted and its required parts confirmed by the staff: its oral may be
    scheduled."""
    from tests.conftest import make_user

    reviewer = actor or make_user(f"verif-memoire-{candidacy.pk}@exemple.fr")
    services.submit_memoir(candidacy, upload=pdf_upload("memoire.pdf"), actor=reviewer)
    for part in candidacy.memoir_parts():
        services.confirm_memoir_part(candidacy, part_code=part["code"], actor=reviewer)
    return candidacy
