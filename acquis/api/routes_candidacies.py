"""Candidacies: list, read, register (with a new or known candidate), withdraw, batch."""

from django.db import transaction
from ninja import Header, Path, Query, Router

from acquis.api import access, idempotency, render
from acquis.api.auth import actor, require
from acquis.api.batch import run_batch
from acquis.api.ops import ID, ListParams, errors, json_response, scoped
from acquis.api.pagination import paginate
from acquis.api.problems import ApiProblem, from_domain, item
from acquis.api.schemas import BatchIn, BatchOut, CandidacyIn, CandidacyOut, WithdrawIn, page_of
from acquis.candidates import services
from acquis.candidates.enums import CandidacyStatus
from acquis.candidates.exceptions import CandidateError
from acquis.candidates.models import Cohort
from acquis.integrations.enums import Scope
from acquis.organisations.models import Organisation

router = Router()
READ, WRITE = Scope.CANDIDACIES_READ, Scope.CANDIDACIES_WRITE
IDEMPOTENCY_KEY = Header(..., alias="Idempotency-Key", min_length=1, max_length=255)
# register_candidacy's problem fields -> the request's fields
FIELDS = {"version": "version_id", "cohort": "cohort_id", "partner": "partner_id"}


def _one(request, pk: int):
    rows = render.with_candidacy_data(access.candidacies(request.auth))
    return access.get_or_404(rows, "Candidature", pk=pk)


def _answer(candidacy, status=200, headers=None):
    body = render.candidacy(candidacy)
    return json_response(
        CandidacyOut, body, status=status, headers={"ETag": render.etag(body), **(headers or {})}
    )


@router.get(
    "/candidacies",
    response={200: page_of(CandidacyOut), **errors(400, 422)},
    **scoped(READ, "Candidatures (un client de partenaire : les siennes)"),
)
def list_candidacies(
    request,
    params: ListParams = Query(...),
    status: CandidacyStatus | None = Query(None, description="Filtrer par état."),
    candidate_id: int | None = Query(None, **ID),
):
    require(request, READ)
    rows = access.candidacies(request.auth)
    if status:
        rows = rows.filter(status=status)
    if candidate_id:
        rows = rows.filter(candidate=candidate_id)
    rows, cursor = paginate(
        render.with_candidacy_data(rows),
        field="updated_at",
        cursor=params.cursor,
        limit=params.limit,
        updated_since=params.updated_since,
    )
    return {"items": [render.candidacy(c) for c in rows], "next_cursor": cursor}


@router.get(
    "/candidacies/{candidacy_id}",
    response={200: CandidacyOut, **errors(404, 422)},
    **scoped(READ, "Une candidature (état, blocs visés, correspondances Wedof et France VAE)"),
)
def get_candidacy(request, candidacy_id: int = Path(..., **ID)):
    require(request, READ)
    return _answer(_one(request, candidacy_id))


def _partner(request, partner_id):
    """A partner's client registers for its own organisation, whatever the body says."""
    own = request.auth.partner_id
    if own:
        if partner_id not in (None, own):
            raise ApiProblem(
                422,
                "Un client d'organisme partenaire inscrit pour son organisme seulement.",
                errors=[item("Autre organisme que le vôtre.", "partner_id")],
            )
        return request.auth.partner
    if partner_id is None:
        return None
    partner = Organisation.objects.filter(pk=partner_id, certifier=request.auth.certifier_id)
    return access.get_or_404(partner, "Organisme partenaire")


def _candidate(request, payload: CandidacyIn):
    if (payload.candidate_id is None) == (payload.candidate is None):
        raise ApiProblem(
            422,
            "Donnez soit `candidate_id` (candidat connu), soit `candidate` (nouveau candidat).",
            errors=[item("Un seul des deux champs.", "candidate_id")],
        )
    if payload.candidate_id is not None:
        return access.get_or_404(
            access.candidates(request.auth), "Candidat", pk=payload.candidate_id
        )
    data = payload.candidate.model_dump()
    certifier = request.auth.certifier
    # A known identity reuses its candidate, as the CSV import does.
    known = services.find_duplicate(certifier, data)
    if known is not None:
        return known
    try:
        return services.create_candidate(certifier=certifier, data=data, actor=actor(request))
    except CandidateError as exc:
        raise from_domain(exc, prefix="candidate.") from exc


@router.post(
    "/candidacies",
    response={201: CandidacyOut, **errors(404, 422)},
    **scoped(
        WRITE,
        "Inscrire un candidat (titre complet ou blocs)",
        "Mêmes règles que l'écran d'inscription (version publiée, voie et modalité d'accès, "
        "blocs obtenables séparément, pas de seconde candidature en cours). Une identité déjà "
        "connue reprend le candidat existant.",
    ),
)
def register_candidacy(request, payload: CandidacyIn, idempotency_key: str = IDEMPOTENCY_KEY):
    require(request, WRITE)

    def action():
        partner = _partner(request, payload.partner_id)
        version = access.get_or_404(
            access.versions(request.auth), "Version de référentiel", pk=payload.version_id
        )
        cohort = None
        if payload.cohort_id is not None:
            cohort = access.get_or_404(
                Cohort.objects.filter(certifier=request.auth.certifier_id),
                "Promotion",
                pk=payload.cohort_id,
            )
        with transaction.atomic():
            candidate = _candidate(request, payload)
            try:
                candidacy = services.register_candidacy(
                    candidate=candidate,
                    version=version,
                    pathway=payload.pathway,
                    access_mode=payload.access_mode,
                    vae_route=payload.vae_route,
                    block_codes=payload.blocks,
                    cohort=cohort,
                    partner=partner,
                    registered_on=payload.registered_on,
                    actor=actor(request),
                )
            except CandidateError as exc:
                raise from_domain(exc, fields=FIELDS) from exc
        location = {"Location": f"/api/v1/candidacies/{candidacy.pk}"}
        return _answer(_one(request, candidacy.pk), 201, location)

    return idempotency.run(request, idempotency_key, action)


@router.post(
    "/candidacies/{candidacy_id}/withdraw",
    response={200: CandidacyOut, **errors(404, 409, 412, 422)},
    **scoped(
        WRITE,
        "Désister un candidat",
        "Possible depuis tout état en cours ; le motif est obligatoire. `If-Match` (facultatif) "
        "refuse le désistement si la candidature a changé depuis la dernière lecture (412).",
    ),
)
def withdraw(
    request,
    payload: WithdrawIn,
    candidacy_id: int = Path(..., **ID),
    idempotency_key: str = IDEMPOTENCY_KEY,
    if_match: str | None = Header(None, alias="If-Match", max_length=200),
):
    require(request, WRITE)

    def action():
        candidacy = _one(request, candidacy_id)
        if if_match and if_match.strip() not in ("*", render.etag(render.candidacy(candidacy))):
            raise ApiProblem(412, "La candidature a changé depuis votre dernière lecture.")
        try:
            services.move_candidacy(
                candidacy, CandidacyStatus.WITHDRAWN, actor=actor(request), reason=payload.reason
            )
        except CandidateError as exc:
            problem = from_domain(exc)
            problem.status = (
                409 if not problem.errors or not problem.errors[0].get("field") else 422
            )
            raise problem from exc
        return _answer(_one(request, candidacy_id))

    return idempotency.run(request, idempotency_key, action)


@router.post(
    "/candidacies:batch",
    response={200: BatchOut, 201: BatchOut, **errors(404, 422)},
    **scoped(
        WRITE,
        "Inscrire un lot de candidats dans une promotion (tout ou rien)",
        "Les contrôles de l'import CSV : tout le lot est vérifié d'abord, chaque erreur donne "
        "le rang de l'élément et son champ, rien n'est enregistré s'il reste une erreur. Un "
        "candidat déjà inscrit dans la promotion est ignoré (`skipped`). `dry_run` vérifie "
        "sans rien enregistrer (200).",
    ),
)
def batch(request, payload: BatchIn, idempotency_key: str = IDEMPOTENCY_KEY):
    require(request, WRITE)

    def action():
        cohort = access.get_or_404(
            Cohort.objects.filter(certifier=request.auth.certifier_id),
            "Promotion",
            pk=payload.cohort_id,
        )
        report = run_batch(request, payload, cohort)
        return json_response(BatchOut, report, status=200 if payload.dry_run else 201)

    return idempotency.run(request, idempotency_key, action)
