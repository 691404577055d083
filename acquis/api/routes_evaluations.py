"""Evaluation sessions, convocations and consolidated results (read)."""

from ninja import Path, Query, Router

from acquis.api import access, render
from acquis.api.auth import require
from acquis.api.ops import ID, ListParams, errors, scoped
from acquis.api.pagination import paginate
from acquis.api.schemas import ConvocationOut, ResultOut, SessionOut, page_of
from acquis.integrations.enums import Scope

router = Router()
SESSIONS, RESULTS = Scope.SESSIONS_READ, Scope.RESULTS_READ


def _page(rows, params, field, render_one):
    rows, cursor = paginate(
        rows,
        field=field,
        cursor=params.cursor,
        limit=params.limit,
        updated_since=params.updated_since,
    )
    return {"items": [render_one(r) for r in rows], "next_cursor": cursor}


@router.get(
    "/sessions",
    response={200: page_of(SessionOut), **errors(400, 422)},
    **scoped(
        SESSIONS, "Sessions d'évaluation (un client de partenaire : où ses candidats passent)"
    ),
)
def list_sessions(request, params: ListParams = Query(...)):
    require(request, SESSIONS)
    return _page(access.sessions(request.auth), params, "updated_at", render.session)


@router.get(
    "/sessions/{session_id}",
    response={200: SessionOut, **errors(404, 422)},
    **scoped(SESSIONS, "Une session d'évaluation"),
)
def get_session(request, session_id: int = Path(..., **ID)):
    require(request, SESSIONS)
    return render.session(
        access.get_or_404(access.sessions(request.auth), "Session", pk=session_id)
    )


@router.get(
    "/convocations",
    response={200: page_of(ConvocationOut), **errors(400, 422)},
    **scoped(SESSIONS, "Convocations envoyées (créneaux d'épreuve des candidats)"),
)
def list_convocations(
    request,
    params: ListParams = Query(...),
    candidacy_id: int | None = Query(None, **ID),
    session_id: int | None = Query(None, **ID),
):
    require(request, SESSIONS)
    rows = access.convocations(request.auth)
    if candidacy_id:
        rows = rows.filter(candidacy=candidacy_id)
    if session_id:
        rows = rows.filter(session=session_id)
    return _page(rows, params, "updated_at", render.convocation)


@router.get(
    "/convocations/{convocation_id}",
    response={200: ConvocationOut, **errors(404, 422)},
    **scoped(SESSIONS, "Une convocation"),
)
def get_convocation(request, convocation_id: int = Path(..., **ID)):
    require(request, SESSIONS)
    row = access.get_or_404(access.convocations(request.auth), "Convocation", pk=convocation_id)
    return render.convocation(row)


def _results(request):
    return access.results(request.auth).prefetch_related("competency_results__competency")


@router.get(
    "/results",
    response={200: page_of(ResultOut), **errors(400, 422)},
    **scoped(
        RESULTS,
        "Résultats consolidés des épreuves",
        "Publiés à la clôture de la session (`released_at`), jamais avant.",
    ),
)
def list_results(
    request, params: ListParams = Query(...), candidacy_id: int | None = Query(None, **ID)
):
    require(request, RESULTS)
    rows = _results(request)
    if candidacy_id:
        rows = rows.filter(slot__candidacy=candidacy_id)
    return _page(rows, params, "slot__session__updated_at", render.result)


@router.get(
    "/results/{result_id}",
    response={200: ResultOut, **errors(404, 422)},
    **scoped(RESULTS, "Un résultat consolidé"),
)
def get_result(request, result_id: int = Path(..., **ID)):
    require(request, RESULTS)
    return render.result(access.get_or_404(_results(request), "Résultat", pk=result_id))
