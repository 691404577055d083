"""Candidates: list, read (with ETag), create, update identity and contact (If-Match)."""

from django.db import transaction
from django.http import HttpResponse
from ninja import Header, Path, Query, Router

from acquis.api import access, idempotency, render
from acquis.api.auth import actor, require
from acquis.api.ops import ID, ListParams, errors, json_response, scoped
from acquis.api.pagination import paginate
from acquis.api.problems import ApiProblem, from_domain
from acquis.api.schemas import CandidateIn, CandidateOut, CandidatePatch, page_of
from acquis.candidates import services
from acquis.candidates.exceptions import CandidateError
from acquis.integrations.enums import Scope

router = Router()
READ, WRITE = Scope.CANDIDACIES_READ, Scope.CANDIDACIES_WRITE
IDEMPOTENCY_KEY = Header(..., alias="Idempotency-Key", min_length=1, max_length=255)


@router.get(
    "/candidates",
    response={200: page_of(CandidateOut), **errors(400, 422)},
    **scoped(READ, "Candidats (un client de partenaire : ceux de ses candidatures)"),
)
def list_candidates(request, params: ListParams = Query(...)):
    require(request, READ)
    rows, cursor = paginate(
        access.candidates(request.auth),
        field="updated_at",
        cursor=params.cursor,
        limit=params.limit,
        updated_since=params.updated_since,
    )
    return {"items": [render.candidate(c) for c in rows], "next_cursor": cursor}


def _with_etag(body: dict, status: int = 200, headers: dict | None = None) -> HttpResponse:
    return json_response(
        CandidateOut, body, status=status, headers={"ETag": render.etag(body), **(headers or {})}
    )


@router.get(
    "/candidates/{candidate_id}",
    response={200: CandidateOut, **errors(404, 422)},
    **scoped(READ, "Un candidat", "L'en-tête `ETag` sert à `If-Match` pour le modifier."),
)
def get_candidate(request, candidate_id: int = Path(..., **ID)):
    require(request, READ)
    candidate = access.get_or_404(access.candidates(request.auth), "Candidat", pk=candidate_id)
    return _with_etag(render.candidate(candidate))


@router.post(
    "/candidates",
    response={201: CandidateOut, **errors(404, 409, 422)},
    **scoped(
        WRITE,
        "Créer un candidat",
        "Réservé aux clients du certificateur ; un client de partenaire inscrit ses candidats "
        "par `POST /candidacies` (identité incluse). Un doublon (même nom de naissance, "
        "prénom et date de naissance) est refusé.",
    ),
)
def create_candidate(request, payload: CandidateIn, idempotency_key: str = IDEMPOTENCY_KEY):
    require(request, WRITE)
    if request.auth.partner_id:
        raise ApiProblem(
            403,
            "Un client d'organisme partenaire inscrit ses candidats par POST /candidacies "
            "(identité du candidat incluse).",
        )

    def action():
        try:
            candidate = services.create_candidate(
                certifier=request.auth.certifier, data=payload.model_dump(), actor=actor(request)
            )
        except CandidateError as exc:
            raise from_domain(exc) from exc
        body = render.candidate(candidate)
        return _with_etag(body, 201, {"Location": f"/api/v1/candidates/{candidate.pk}"})

    return idempotency.run(request, idempotency_key, action)


@router.patch(
    "/candidates/{candidate_id}",
    response={200: CandidateOut, **errors(404, 412, 422, 428)},
    **scoped(
        WRITE,
        "Modifier l'identité ou les coordonnées d'un candidat",
        "`If-Match` obligatoire : l'`ETag` de la dernière lecture (412 si le candidat a "
        "changé depuis).",
    ),
)
def update_candidate(
    request,
    payload: CandidatePatch,
    candidate_id: int = Path(..., **ID),
    if_match: str | None = Header(None, alias="If-Match", max_length=200),
):
    require(request, WRITE)
    if not if_match:
        raise ApiProblem(
            428, "En-tête If-Match obligatoire : renvoyez l'ETag de votre dernière lecture."
        )
    with transaction.atomic():
        candidate = access.get_or_404(
            access.candidates(request.auth).select_for_update(), "Candidat", pk=candidate_id
        )
        if if_match.strip() not in ("*", render.etag(render.candidate(candidate))):
            raise ApiProblem(
                412,
                "Le candidat a changé depuis votre dernière lecture : relisez-le, puis "
                "renvoyez la modification avec le nouvel ETag.",
            )
        try:
            services.update_candidate(
                candidate, data=payload.model_dump(exclude_unset=True), actor=actor(request)
            )
        except CandidateError as exc:
            raise from_domain(exc) from exc
    return _with_etag(render.candidate(candidate))
