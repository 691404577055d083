"""Work placements and their periods (partners), uploads of the memoir, attestations and
the VAE validation file, with the same content checks as the screens (PDF, DOCX, ODT)."""

from ninja import File, Header, Path, Router
from ninja.files import UploadedFile

from acquis.api import access, idempotency, render
from acquis.api.auth import actor, require
from acquis.api.ops import ID, errors, json_response, scoped
from acquis.api.problems import from_domain
from acquis.api.schemas import MemoirOut, PeriodIn, PlacementIn, PlacementOut, ValidationFileOut
from acquis.candidates import services
from acquis.candidates.exceptions import CandidateError
from acquis.integrations.enums import Scope

router = Router()
READ, WRITE = Scope.CANDIDACIES_READ, Scope.PLACEMENTS_WRITE
UPLOAD = Scope.DOCUMENTS_WRITE
IDEMPOTENCY_KEY = Header(..., alias="Idempotency-Key", min_length=1, max_length=255)


def _placements(request):
    return access.placements(request.auth).select_related("attestation").prefetch_related("periods")


def _placement_answer(request, pk, status=200):
    placement = access.get_or_404(_placements(request), "Stage", pk=pk)
    return json_response(PlacementOut, render.placement(placement), status=status)


def _domain(call):
    try:
        return call()
    except CandidateError as exc:
        raise from_domain(exc) from exc


@router.get(
    "/candidacies/{candidacy_id}/placements",
    response={200: list[PlacementOut], **errors(404, 422)},
    **scoped(READ, "Périodes de mise en application professionnelle d'une candidature"),
)
def list_placements(request, candidacy_id: int = Path(..., **ID)):
    require(request, READ)
    candidacy = access.get_or_404(access.candidacies(request.auth), "Candidature", pk=candidacy_id)
    rows = _placements(request).filter(candidacy=candidacy).order_by("pk")
    return [render.placement(p) for p in rows]


@router.post(
    "/candidacies/{candidacy_id}/placements",
    response={201: PlacementOut, **errors(404, 422)},
    **scoped(WRITE, "Déclarer une période de mise en application (stage)"),
)
def create_placement(
    request,
    payload: PlacementIn,
    candidacy_id: int = Path(..., **ID),
    idempotency_key: str = IDEMPOTENCY_KEY,
):
    require(request, WRITE)

    def action():
        candidacy = access.get_or_404(
            access.candidacies(request.auth), "Candidature", pk=candidacy_id
        )
        placement = _domain(
            lambda: services.record_placement(
                candidacy, **payload.model_dump(), actor=actor(request)
            )
        )
        return _placement_answer(request, placement.pk, 201)

    return idempotency.run(request, idempotency_key, action)


@router.post(
    "/placements/{placement_id}/periods",
    response={201: PlacementOut, **errors(404, 422)},
    **scoped(WRITE, "Ajouter une période travaillée (dates et jours)"),
)
def add_period(
    request,
    payload: PeriodIn,
    placement_id: int = Path(..., **ID),
    idempotency_key: str = IDEMPOTENCY_KEY,
):
    require(request, WRITE)

    def action():
        placement = access.get_or_404(_placements(request), "Stage", pk=placement_id)
        _domain(
            lambda: services.add_placement_period(
                placement, **payload.model_dump(), actor=actor(request)
            )
        )
        return _placement_answer(request, placement_id, 201)

    return idempotency.run(request, idempotency_key, action)


@router.post(
    "/placements/{placement_id}/attestation",
    response={201: PlacementOut, **errors(404, 422)},
    **scoped(WRITE, "Déposer l'attestation de stage (PDF, DOCX ou ODT)"),
)
def attach_attestation(
    request,
    placement_id: int = Path(..., **ID),
    file: UploadedFile = File(..., description="PDF, DOCX ou ODT ; reconnu par son contenu."),
    idempotency_key: str = IDEMPOTENCY_KEY,
):
    require(request, WRITE)

    def action():
        placement = access.get_or_404(_placements(request), "Stage", pk=placement_id)
        _domain(
            lambda: services.attach_placement_attestation(
                placement, upload=file, actor=actor(request)
            )
        )
        return _placement_answer(request, placement_id, 201)

    return idempotency.run(request, idempotency_key, action)


def _deposit(request, candidacy_id, idempotency_key, verb, schema, body_of):
    """One upload on one of the client's candidacies, through the domain verb `verb`."""
    require(request, UPLOAD)

    def action():
        candidacy = access.get_or_404(
            access.candidacies(request.auth), "Candidature", pk=candidacy_id
        )
        stored = _domain(lambda: verb(candidacy, actor(request)))
        body = {"candidacy_id": candidacy.pk, "document": render.upload(stored.document)}
        return json_response(schema, body | body_of(candidacy, stored), status=201)

    return idempotency.run(request, idempotency_key, action)


@router.post(
    "/candidacies/{candidacy_id}/memoir",
    response={201: MemoirOut, **errors(404, 422)},
    **scoped(UPLOAD, "Déposer le mémoire (PDF, DOCX ou ODT)"),
)
def submit_memoir(
    request,
    candidacy_id: int = Path(..., **ID),
    file: UploadedFile = File(..., description="PDF, DOCX ou ODT ; reconnu par son contenu."),
    idempotency_key: str = IDEMPOTENCY_KEY,
):
    return _deposit(
        request,
        candidacy_id,
        idempotency_key,
        lambda candidacy, who: services.submit_memoir(candidacy, upload=file, actor=who),
        MemoirOut,
        lambda candidacy, memoir: {
            "submitted_at": memoir.submitted_at,
            "late": services.memoir_summary(candidacy)["late"],
        },
    )


@router.post(
    "/candidacies/{candidacy_id}/validation-file",
    response={201: ValidationFileOut, **errors(404, 422)},
    **scoped(UPLOAD, "Déposer le dossier de validation (VAE, candidature recevable)"),
)
def submit_validation_file(
    request,
    candidacy_id: int = Path(..., **ID),
    file: UploadedFile = File(..., description="PDF, DOCX ou ODT ; reconnu par son contenu."),
    idempotency_key: str = IDEMPOTENCY_KEY,
):
    return _deposit(
        request,
        candidacy_id,
        idempotency_key,
        lambda candidacy, who: services.submit_validation_file(candidacy, upload=file, actor=who),
        ValidationFileOut,
        lambda candidacy, vfile: {
            "submitted_at": vfile.submitted_at,
            "status": vfile.candidacy.status,
        },
    )
